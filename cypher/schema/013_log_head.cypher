// Each shard of the change log has one head, which numbers its changes (AppendChange).
CREATE CONSTRAINT log_head_shard IF NOT EXISTS FOR (h:LogHead) REQUIRE h.shard IS UNIQUE

// The change log has one node, with its epoch and shard count; the constraint keeps it single
// when two first writers MERGE it at once.
CREATE CONSTRAINT change_log_id IF NOT EXISTS FOR (l:ChangeLog) REQUIRE l.id IS UNIQUE

// Changes were numbered by one head, each number once; with shards each shard numbers its own
// (012_change_shard_seq), so the old constraint goes.
DROP CONSTRAINT change_seq IF EXISTS

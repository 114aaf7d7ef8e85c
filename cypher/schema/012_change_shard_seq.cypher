// Replicas read each shard of the change log from the number they have applied onwards
// (ChangesSince); each shard numbers its changes once.
CREATE CONSTRAINT change_shard_seq IF NOT EXISTS FOR (c:Change) REQUIRE (c.shard, c.seq) IS UNIQUE

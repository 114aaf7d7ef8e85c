// EnsureChangeLog makes the change log in a database that has none yet, with $shards shards and a
// new epoch: a database that was replaced, or loaded by the offline importer, starts a new log,
// and replicas that held the old one read everything again. A log made before the log had shards
// (one head numbering every change: log.seq) keeps its epoch and becomes shard 0 of $shards: its
// head moves to shard 0's head and its changes are marked shard 0, so replicas and tokens that
// named its numbers go on as shard 0's positions; the others start at 0. It answers the epoch,
// the shard count and every shard's head, by shard. It runs only once the constraints that keep
// the log's node and each shard's head single exist (changelog.Ensure makes them first): a MERGE
// then takes the constraint's lock and two at once agree, where without them each could make a node.
// Cost: one unique-index seek and the shards' heads; once, for a log made before shards, every
// change still in the log.
MERGE (log:ChangeLog {id: 'main'})
  ON CREATE SET log.epoch = randomUUID(), log.shards = $shards
SET log._lock = true
REMOVE log._lock
WITH log, log.shards IS NULL AS before, coalesce(log.seq, 0) AS oldHead
SET log.shards = coalesce(log.shards, $shards)
REMOVE log.seq
WITH log, before, oldHead
CALL (log, oldHead) {
  UNWIND range(0, log.shards - 1) AS shard
  MERGE (head:LogHead {shard: shard})
    ON CREATE SET head.seq = CASE shard WHEN 0 THEN oldHead ELSE 0 END
}
CALL (before) {
  WITH before
  WHERE before
  MATCH (c:Change)
  WHERE c.shard IS NULL
  SET c.shard = 0
}
CALL () {
  MATCH (head:LogHead)
  WITH head
  ORDER BY head.shard
  RETURN collect(head.seq) AS heads
}
RETURN log.epoch AS epoch, log.shards AS shards, heads

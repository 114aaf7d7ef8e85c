// ChangeLogHead reads the change log's epoch and every shard's head, by shard, in one statement:
// the number of each shard's latest committed change. A fully consistent read answers from a
// projection that has applied at least those (graph/answer/memory.go), which holds every write
// committed before the read began. No row's epoch is null in a database without a log yet.
// Cost: one unique-index seek and the shards' heads (a handful).
OPTIONAL MATCH (log:ChangeLog {id: 'main'})
CALL () {
  MATCH (head:LogHead)
  WITH head
  ORDER BY head.shard
  RETURN collect(head.seq) AS heads
}
RETURN log.epoch AS epoch, heads

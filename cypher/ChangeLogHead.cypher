// ChangeLogHead reads the change log's epoch and every shard's head, by shard, in one statement:
// the number of each shard's latest committed change. A fully consistent read answers from a
// projection that has applied at least those (graph/answer/memory.go), which holds every write
// committed before the read began. No row's epoch is null in a database without a log yet.
// With them, ids: by shard, the id of the change at the position $batch.at names there (the positions
// the reader's projection has applied; empty for none): null when the log holds no change there,
// '' for a change logged before changes had ids. The reader compares them with the ids it applied
// at those positions, so that it trusts the head only when its history is the log's: a database
// restored from a backup numbers new changes as it numbered the lost ones (graph/changelog/fork.go).
// Cost: one unique-index seek, the shards' heads (a handful), and a unique-index seek on
// (shard, seq) per position in $batch.at.
OPTIONAL MATCH (log:ChangeLog {id: 'main'})
CALL () {
  MATCH (head:LogHead)
  WITH head
  ORDER BY head.shard
  RETURN collect(head.seq) AS heads
}
RETURN log.epoch AS epoch, heads,
       [shard IN range(0, size($batch.at) - 1) |
         head(COLLECT { MATCH (c:Change {shard: shard, seq: $batch.at[shard]}) RETURN coalesce(c.id, '') })] AS ids

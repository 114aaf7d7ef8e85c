// ChangesSince reads the change log after the positions $batch.after (by shard), at most $limit changes
// of each shard, each shard's in order, with the log's epoch (new with each database) and every
// shard's head, by shard. A shard's changes past its head read here are left for the next read.
// A replica applies a change once it has applied every change its heads name (graph/projection),
// so what the read returns need not be whole: the rest comes with the next.
// With them, ids: by shard, the id of the change at the position $batch.after names there, as
// ChangeLogHead reads them, so that the replica applies changes only to a history that is the
// log's (graph/changelog/fork.go).
// Cost: the shards' heads, and one range seek and one unique-index seek on (shard, seq) per shard.
OPTIONAL MATCH (log:ChangeLog {id: 'main'})
CALL () {
  MATCH (head:LogHead)
  WITH head
  ORDER BY head.shard
  RETURN collect(head.seq) AS heads
}
CALL (heads) {
  UNWIND range(0, size(heads) - 1) AS shard
  CALL (shard, heads) {
    MATCH (c:Change {shard: shard})
    WHERE c.seq > coalesce($batch.after[shard], 0) AND c.seq <= heads[shard]
    WITH c
    ORDER BY c.seq
    LIMIT $limit
    RETURN collect(c {.*}) AS changes
  }
  RETURN collect(changes) AS perShard
}
RETURN coalesce(log.epoch, '') AS epoch, heads, reduce(all = [], changes IN perShard | all + changes) AS changes,
       [shard IN range(0, size($batch.after) - 1) |
         head(COLLECT { MATCH (c:Change {shard: shard, seq: $batch.after[shard]}) RETURN coalesce(c.id, '') })] AS ids

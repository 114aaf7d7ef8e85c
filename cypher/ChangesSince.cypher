// ChangesSince reads the change log after the positions $after (by shard), at most $limit changes
// of each shard, each shard's in order, with the log's epoch (new with each database) and every
// shard's head, by shard. A shard's changes past its head read here are left for the next read.
// A replica applies a change once it has applied every change its heads name (graph/projection),
// so what the read returns need not be whole: the rest comes with the next.
// Cost: the shards' heads, and one range seek on (shard, seq) per shard.
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
    WHERE c.seq > coalesce($after[shard], 0) AND c.seq <= heads[shard]
    WITH c
    ORDER BY c.seq
    LIMIT $limit
    RETURN collect(c {.*}) AS changes
  }
  RETURN collect(changes) AS perShard
}
RETURN coalesce(log.epoch, '') AS epoch, heads, reduce(all = [], changes IN perShard | all + changes) AS changes

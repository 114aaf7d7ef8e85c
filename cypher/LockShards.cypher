// LockShards takes the next number of each shard of the change log that a write touched: the
// shard of each key in $keys (a hash of each member, organisation and group it touched, both
// members of each pair: key % the log's shard count), or shard 0 alone when $keys is empty (a bulk
// import). It runs in a write transaction just before AppendChange, in a statement of its own so
// that the heads' locks are held before AppendChange reads anything, and takes them in shard
// order, so that two writes never wait for each other in a cycle. The transaction that takes
// number n of a shard holds that shard's head until it commits, so it commits before any other
// takes n+1 there. No row when the database has no change log yet (EnsureChangeLog makes one).
// Cost: one unique-index seek and one lock per shard touched.
MATCH (log:ChangeLog {id: 'main'})
WHERE log.shards IS NOT NULL
UNWIND CASE WHEN size($keys) = 0 THEN [0] ELSE [k IN $keys | k % log.shards] END AS shard
WITH DISTINCT log, shard
ORDER BY shard
MATCH (head:LogHead {shard: shard})
SET head.seq = head.seq + 1
WITH log, collect(shard) AS shards, collect(head.seq) AS seqs
RETURN log.epoch AS epoch, shards, seqs

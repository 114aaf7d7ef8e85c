// EventsSince reads, for a member's event stream resuming at position $after of shard $shard
// (the member's shard of the change log, where every event of theirs is recorded), that shard's
// changes from it on, in order, at most $limit: each change's number and id, and the events it
// records for member $member (graph.Event as JSON; none of other members'). With them the log's
// epoch and the shard's head, so that the reader tells an id of another log, changes pruned (the
// change at $after missing while later ones are there), and another history (another change's id
// at $after: a database restored from a backup).
// Cost: a unique-index seek on the log's node and on the shard's head, one range seek on
// (shard, seq), and at most $limit changes read.
MATCH (log:ChangeLog {id: 'main'})
OPTIONAL MATCH (head:LogHead {shard: $shard})
CALL (head) {
  MATCH (c:Change {shard: $shard})
  WHERE c.seq >= $after AND c.seq <= coalesce(head.seq, 0)
  WITH c
  ORDER BY c.seq
  LIMIT $limit
  RETURN collect(c.seq) AS seqs, collect(coalesce(c.id, '')) AS ids,
         collect([i IN range(0, size(coalesce(c.eventTo, [])) - 1) WHERE c.eventTo[i] = $member | c.events[i]]) AS events
}
RETURN log.epoch AS epoch, coalesce(head.seq, 0) AS head, seqs, ids, events

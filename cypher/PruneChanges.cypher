// PruneChanges deletes up to $limit changes of the log made more than $olderThanMillis ago, by
// Neo4j's clock (AppendChange stamps changes by it too, so no replica's clock matters), which
// every replica has long applied; a replica that had not (one stopped for longer) finds a gap in
// the numbers, or its own position gone, and loads its projection again.
// A change is kept while a replica may still stand at it: while it is its shard's latest, and
// while the change after it is younger than that. A replica confirms the change at each
// position it has applied before it trusts the log (graph/changelog/fork.go); one current with an
// idle log stands at its shards' latest changes however old they are, and one that has just
// applied a write stands, in the shards the write did not touch, where it stood before.
// Cost: a range seek on the change times, and per change found, two unique-index seeks (its
// shard's head, the change after it); the changes deleted.
WITH datetime.statement() - duration({milliseconds: $olderThanMillis}) AS before
MATCH (c:Change)
WHERE c.at < before
  AND EXISTS { MATCH (head:LogHead {shard: c.shard}) WHERE head.seq > c.seq }
  AND NOT EXISTS { MATCH (next:Change {shard: c.shard, seq: c.seq + 1}) WHERE NOT next.at < before }
WITH c
LIMIT $limit
DELETE c
RETURN count(*) AS pruned

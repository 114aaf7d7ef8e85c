// PruneChanges deletes up to $limit changes of the log made before $before, which every replica
// has long applied; a replica that had not (one stopped for longer) finds a gap in the numbers
// and loads its projection again.
// Cost: a range seek on the change times, and the changes deleted.
MATCH (c:Change)
WHERE c.at < $before
WITH c
LIMIT $limit
DELETE c
RETURN count(*) AS pruned

// SampleMembers answers the ids of $n members drawn at random, for the benchmark to draw pairs
// from.
// Cost: a scan of every member, once per benchmark run.
MATCH (m:Member)
WITH m.id AS id, rand() AS r
ORDER BY r
LIMIT $n
RETURN collect(id) AS ids

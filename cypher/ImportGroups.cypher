// ImportGroups creates each group in $batch.groups, {id, name}, for a bulk load into an empty graph.
// Answers how many were created; an id already taken fails the group_id constraint.
// Cost: one unique-index insert per row.
UNWIND $batch.groups AS g
CREATE (:Group {id: g.id, name: g.name})
RETURN count(*) AS created

// ExportBlocks answers every member the member $id blocks, for their export, oldest block first
// (ties broken by id).
// Cost: the member's BLOCKED relationships, sorted; fetched in bounded batches.
MATCH (me:Member {id: $id})-[b:BLOCKED]->(them:Member)
WITH b, them
ORDER BY b.at, them.id
RETURN them {.id, .name, .headline} AS member, b.at AS at

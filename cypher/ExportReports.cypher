// ExportReports answers every report the member $id filed, for their export, oldest first (ties
// broken by the member reported).
// Cost: the member's REPORTED relationships, sorted; fetched in bounded batches.
MATCH (me:Member {id: $id})-[r:REPORTED]->(them:Member)
WITH r, them
ORDER BY r.at, them.id
RETURN them.id AS member, r.reason AS reason, r.messageId AS messageId, r.at AS at

// ExportInvitations answers every pending invitation the member $id received ($received = true)
// or sent, for their export, oldest first (ties broken by id).
// Cost: the member's INVITED relationships, sorted; fetched in bounded batches.
MATCH (me:Member {id: $id})-[i:INVITED]-(other:Member)
WHERE (startNode(i) = other) = $received
WITH i, other
ORDER BY i.sentAt, i.id
RETURN i.id AS id,
       CASE WHEN $received THEN other.id ELSE $id END AS from,
       CASE WHEN $received THEN $id ELSE other.id END AS to,
       i.note AS note,
       i.sentAt AS sentAt

// ExportMessages answers every message the member $id received ($incoming = true) or sent, for
// their export, oldest first (ties broken by id): those they deleted from their mailbox too, since
// the other member keeps them. The other side may be a FormerMember, whose id is null.
// Cost: the member's messages in the one direction, sorted once; the driver fetches the rows in
// bounded batches as the export is written, so no more than a batch is held in reach.
MATCH (me:Member {id: $id})-[m:MESSAGED]-(other)
WHERE (startNode(m) = other) = $incoming
WITH m, other
ORDER BY m.sentAt, m.id
RETURN m {.*} AS message,
       CASE WHEN $incoming THEN other.id ELSE $id END AS from,
       CASE WHEN $incoming THEN $id ELSE other.id END AS to,
       other {.id, .name, .headline} AS other

// Invitations answers one page of a member's pending invitations, received ($received = true) or
// sent, newest first; ties on sentAt are broken by id. The page starts after the key
// ($afterSentAt, $afterId) when given and holds up to $limit + 1 rows, so the caller can tell
// whether another page follows.
// Cost: the member's INVITED relationships, sorted.
MATCH (me:Member {id: $member})
MATCH (me)-[i:INVITED]-(other:Member)
WHERE (startNode(i) = other) = $received
  AND ($afterId IS NULL
       OR i.sentAt < $afterSentAt
       OR (i.sentAt = $afterSentAt AND i.id > $afterId))
WITH i, other, startNode(i) = other AS incoming
ORDER BY i.sentAt DESC, i.id
LIMIT $limit + 1
RETURN i.id AS id,
       CASE WHEN incoming THEN other.id ELSE $member END AS from,
       CASE WHEN incoming THEN $member ELSE other.id END AS to,
       i.note AS note,
       i.sentAt AS sentAt

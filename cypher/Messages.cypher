// Messages answers one page of the caller's mailbox, newest first (ties broken by id): messages
// received ($incoming = true) or sent, leaving out those the caller deleted and any exchanged with
// a member in a block relation with the caller. The other member may be a FormerMember (a closed
// account, CloseMessages), whose id is null. Message requests not accepted are kept apart from
// the received messages: with $requests set, only the pending requests are listed (the requests
// box; not those from a former member, which can no longer be answered); without it, received
// requests are listed once accepted. $kind ('inmail', 'message' or 'request') and $unread narrow
// it when set. The page starts after ($afterSentAt, $afterId) when given and holds up to
// $limit + 1 rows, so the caller can tell whether another page follows.
// Cost: the caller's messages in the one direction, filtered and sorted.
MATCH (me:Member {id: $caller})
MATCH (me)-[m:MESSAGED]-(other)
WHERE (startNode(m) = other) = $incoming
  AND NOT (CASE WHEN $incoming THEN m.deletedByRecipient ELSE m.deletedBySender END)
  AND ($kind IS NULL OR m.kind = $kind)
  AND CASE
        WHEN $requests THEN m.kind = 'request' AND m.status = 'pending' AND other:Member
        WHEN $incoming AND m.kind = 'request' THEN m.status = 'accepted'
        ELSE true
      END
  AND (NOT $unread OR m.readAt IS NULL)
  AND ($afterId IS NULL
       OR m.sentAt < $afterSentAt
       OR (m.sentAt = $afterSentAt AND m.id > $afterId))
  AND NOT EXISTS { (me)-[:BLOCKED]-(other) }
WITH m, other
ORDER BY m.sentAt DESC, m.id
LIMIT $limit + 1
RETURN m {.*} AS message,
       CASE WHEN $incoming THEN other.id ELSE $caller END AS from,
       CASE WHEN $incoming THEN $caller ELSE other.id END AS to,
       other {.id, .name, .headline} AS other

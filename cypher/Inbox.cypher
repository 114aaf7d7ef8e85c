// Inbox answers one page of the caller's received messages, newest first (ties broken by id),
// leaving out any exchanged with a member in a block relation with the caller. The page is the
// range of inboxKey from $from to $until (graph.MailboxRange: the caller's whole inbox, or what
// follows a cursor), read in the index's order, which is the inbox's. A message has an inboxKey
// while its recipient keeps it (DeleteMessage removes it); the sender may be a FormerMember (a
// closed account, CloseMessages), whose id is null. Message requests not accepted are kept
// apart: with $requests set, only the pending requests are listed (the requests box; not those
// from a former member, which can no longer be answered); without it, requests are listed once
// accepted. $kind ('inmail', 'message' or 'request'; '' for any) and $unread narrow it. Holds up
// to $limit + 1 rows, so the caller can tell whether another page follows.
// Cost: a range seek on MESSAGED(inboxKey) in index order, no sort, stopped after $limit + 1
// rows pass the filters: the page, and the caller's messages the filters skip on the way
// (requests outside the box asked for, other kinds, read messages, blocked members' messages).
MATCH (other)-[m:MESSAGED]->(me)
  USING INDEX m:MESSAGED(inboxKey)
WHERE m.inboxKey > $from AND m.inboxKey < $until
  AND NOT m.deletedByRecipient
  AND ($kind = '' OR m.kind = $kind)
  AND CASE
        WHEN $requests THEN m.kind = 'request' AND m.status = 'pending' AND other:Member
        WHEN m.kind = 'request' THEN m.status = 'accepted'
        ELSE true
      END
  AND (NOT $unread OR m.readAt IS NULL)
  AND NOT EXISTS { (me)-[:BLOCKED]-(other) }
WITH m, other
ORDER BY m.inboxKey
LIMIT $limit + 1
RETURN m {.*} AS message, other.id AS from, $caller AS to, other {.id, .name, .headline} AS other

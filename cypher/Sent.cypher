// Sent answers one page of the caller's sent messages, newest first (ties broken by id), leaving
// out any exchanged with a member in a block relation with the caller. The page is the range of
// sentKey from $from to $until (graph.MailboxRange: the caller's whole sent box, or what follows
// a cursor), read in the index's order, which is the sent box's. A message has a sentKey while
// its sender keeps it (DeleteMessage removes it); the recipient may be a FormerMember (a closed
// account, CloseMessages), whose id is null. $kind ('inmail', 'message' or 'request'; '' for
// any) and $unread (not yet read by the recipient) narrow it. Holds up to $limit + 1 rows, so
// the caller can tell whether another page follows.
// Cost: a range seek on MESSAGED(sentKey) in index order, no sort, stopped after $limit + 1 rows
// pass the filters: the page, and the caller's messages the filters skip on the way (other
// kinds, read messages, blocked members' messages).
MATCH (me)-[m:MESSAGED]->(other)
  USING INDEX m:MESSAGED(sentKey)
WHERE m.sentKey > $from AND m.sentKey < $until
  AND NOT m.deletedBySender
  AND ($kind = '' OR m.kind = $kind)
  AND (NOT $unread OR m.readAt IS NULL)
  AND NOT EXISTS { (me)-[:BLOCKED]-(other) }
WITH m, other
ORDER BY m.sentKey
LIMIT $limit + 1
RETURN m {.*} AS message, $caller AS from, other.id AS to, other {.id, .name, .headline} AS other

// Inbox answers one page of the caller's received messages, newest first (ties broken by id),
// leaving out any exchanged with a member in a block relation with the caller. The page is the
// range of inboxKey from $from to $until (graph.MailboxRange: the caller's whole inbox, or what
// follows a cursor), read in the index's order, which is the inbox's. A message has an inboxKey
// while it is in its recipient's inbox (graph.RecipientKeys): not once deleted (DeleteMessage),
// and a message request only once accepted (until then its key is requestKey, Requests). The
// sender may be a FormerMember (a closed account, CloseMessages), whose id is null. $kind
// ('inmail', 'message' or 'request'; '' for any) and $unread narrow it. The filters on deletion
// and requests only repeat what the key says (as a CASE: written as an OR, it leads the planner
// to a union of index scans and a sort). Holds up to $limit + 1 rows, so the caller can tell
// whether another page follows.
// Cost: a range seek on MESSAGED(inboxKey) in index order, no sort, stopped after $limit + 1
// rows pass the filters: the page, and the caller's messages $kind, $unread or a block skip on
// the way.
MATCH (other)-[m:MESSAGED]->(me)
  USING INDEX m:MESSAGED(inboxKey)
WHERE m.inboxKey > $from AND m.inboxKey < $until
  AND NOT m.deletedByRecipient
  AND ($kind = '' OR m.kind = $kind)
  AND CASE WHEN m.kind = 'request' THEN m.status = 'accepted' ELSE true END
  AND (NOT $unread OR m.readAt IS NULL)
  AND NOT EXISTS { (me)-[:BLOCKED]-(other) }
WITH m, other
ORDER BY m.inboxKey
LIMIT $limit + 1
RETURN m {.*} AS message, other.id AS from, $caller AS to, other {.id, .name, .headline} AS other

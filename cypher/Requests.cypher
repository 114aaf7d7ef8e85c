// Requests answers one page of the caller's requests box: the message requests sent to the
// caller that await an answer, newest first (ties broken by id), leaving out any from a member in
// a block relation with the caller. The page is the range of requestKey from $from to $until
// (graph.MailboxRange), read in the index's order. A request has a requestKey while it is
// pending, its sender is a member (a closed account's requests can no longer be answered,
// CloseMessages) and the caller has not deleted it; accepting it moves the key to inboxKey
// (AcceptRequest, SendMessage), declining it removes the key (DeclineMessage). The filters on
// kind, status, sender and deletion only repeat what the key says. $kind ('' for any) and
// $unread narrow it, as in the inbox. Holds up to $limit + 1 rows.
// Cost: a range seek on MESSAGED(requestKey) in index order, no sort, stopped after $limit + 1
// rows pass the filters: the page, and the requests $kind, $unread or a block skip on the way.
MATCH (other)-[m:MESSAGED]->(me)
  USING INDEX m:MESSAGED(requestKey)
WHERE m.requestKey > $from AND m.requestKey < $until
  AND NOT m.deletedByRecipient
  AND ($kind = '' OR m.kind = $kind)
  AND m.kind = 'request' AND m.status = 'pending' AND other:Member
  AND (NOT $unread OR m.readAt IS NULL)
  AND NOT EXISTS { (me)-[:BLOCKED]-(other) }
WITH m, other
ORDER BY m.requestKey
LIMIT $limit + 1
RETURN m {.*} AS message, other.id AS from, $caller AS to, other {.id, .name, .headline} AS other

// ConversationMessages answers one page of the messages of the conversation $id that the caller
// has, newest first (ties broken by id): those in the caller's mailboxes, by the caller's mailbox
// key of each (sentKey when the caller sent it, inboxKey or requestKey when received; a message
// deleted, or a declined request, has none), from after $from, the key of the message the page
// follows, sent at $at (or the end of time, for a first page). The other member may be a
// FormerMember, whose id is null. Holds up to $limit + 1 rows. The store runs it only once
// Conversation has found the conversation the caller's.
// Cost: a seek on MESSAGED(threadId, sentAt), one thread's range of times read newest first in
// index order (ordering by the thread too is what lets the planner use it) until $limit + 1
// messages the caller has pass, the messages of one time sorted by id (PartialTop): a page costs
// its size (and the messages the caller deleted among them), not the conversation's length.
MATCH (a)-[m:MESSAGED]->(b)
USING INDEX m:MESSAGED(threadId, sentAt)
WHERE m.threadId = $id AND m.sentAt <= $at
  AND CASE WHEN a.id = $caller THEN m.sentKey WHEN b.id = $caller THEN coalesce(m.inboxKey, m.requestKey) END > $from
WITH a, m, b
ORDER BY m.threadId DESC, m.sentAt DESC, m.id
LIMIT $limit + 1
RETURN m {.*} AS message, a.id AS from, b.id AS to,
       a {.id, .name, .headline} AS sender, b {.id, .name, .headline} AS recipient

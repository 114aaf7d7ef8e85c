// ConversationMessages answers one page of the messages of the conversation $id that the caller
// has, newest first (ties broken by id): those in the caller's mailboxes, by the caller's mailbox
// key of each (sentKey when the caller sent it, inboxKey or requestKey when received; a message
// deleted, or a declined request, has none), from after $from. The other member may be a
// FormerMember, whose id is null. Holds up to $limit + 1 rows. The store runs it only once
// Conversation has found the conversation the caller's.
// Cost: a relationship-index seek on MESSAGED(threadId) and the conversation's messages, sorted.
MATCH (a)-[m:MESSAGED {threadId: $id}]->(b)
WITH a, m, b, CASE WHEN a.id = $caller THEN m.sentKey WHEN b.id = $caller THEN coalesce(m.inboxKey, m.requestKey) END AS key
WHERE key > $from
WITH a, m, b, key
ORDER BY key
LIMIT $limit + 1
RETURN m {.*} AS message, a.id AS from, b.id AS to,
       a {.id, .name, .headline} AS sender, b {.id, .name, .headline} AS recipient

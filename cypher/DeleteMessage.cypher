// DeleteMessage removes a message from the caller's own mailbox; the other member keeps it.
// Answers whether the caller was one of its two members. The other may be a FormerMember (a
// closed account), whose id is null. The caller's mailbox key goes with it, so that mailbox
// pages (Inbox, Requests, Sent) no longer pass it.
// On the caller's side of the conversation (locked first, as everything that changes its unread
// count does, Message): an unread message received no longer counts, and RefileSide (with which
// cypher.go ends it) moves the side to its new last message.
// Cost: one relationship-index seek on MESSAGED(id), a unique-index seek on the conversation, and
// RefileSide's.
MATCH (from)-[m:MESSAGED {id: $id}]->(to)
WHERE $caller IN [from.id, to.id]
  AND NOT EXISTS { (from)-[:BLOCKED]-(to) }
MATCH (me:Member {id: $caller})-[mine:IN]->(:Conversation {id: m.threadId})
SET mine._lock = true
REMOVE mine._lock
WITH from, m, to, me, mine,
     to.id = $caller AND NOT m.deletedByRecipient AND m.readAt IS NULL AS unread
SET m.deletedBySender = m.deletedBySender OR coalesce(from.id = $caller, false),
    m.deletedByRecipient = m.deletedByRecipient OR coalesce(to.id = $caller, false),
    m.sentKey = CASE WHEN from.id = $caller THEN null ELSE m.sentKey END,
    m.inboxKey = CASE WHEN to.id = $caller THEN null ELSE m.inboxKey END,
    m.requestKey = CASE WHEN to.id = $caller THEN null ELSE m.requestKey END,
    mine.unread = mine.unread - CASE WHEN unread THEN 1 ELSE 0 END

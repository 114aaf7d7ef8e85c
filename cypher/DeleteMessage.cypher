// DeleteMessage removes a message from the caller's own mailbox; the other member keeps it.
// Answers whether the caller was one of its two members. The other may be a FormerMember (a
// closed account), whose id is null. The caller's mailbox key goes with it, so that mailbox
// pages (Inbox, Requests, Sent) no longer pass it.
// Cost: one relationship-index seek on MESSAGED(id).
MATCH (from)-[m:MESSAGED {id: $id}]->(to)
WHERE $caller IN [from.id, to.id]
  AND NOT EXISTS { (from)-[:BLOCKED]-(to) }
SET m.deletedBySender = m.deletedBySender OR coalesce(from.id = $caller, false),
    m.deletedByRecipient = m.deletedByRecipient OR coalesce(to.id = $caller, false),
    m.sentKey = CASE WHEN from.id = $caller THEN null ELSE m.sentKey END,
    m.inboxKey = CASE WHEN to.id = $caller THEN null ELSE m.inboxKey END,
    m.requestKey = CASE WHEN to.id = $caller THEN null ELSE m.requestKey END
RETURN m.id AS id

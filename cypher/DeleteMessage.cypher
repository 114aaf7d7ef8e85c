// DeleteMessage removes a message from the caller's own mailbox; the other member keeps it.
// Answers whether the caller was one of its two members.
// Cost: one relationship-index seek on MESSAGED(id).
MATCH (from:Member)-[m:MESSAGED {id: $id}]->(to:Member)
WHERE $caller IN [from.id, to.id]
  AND NOT EXISTS { (from)-[:BLOCKED]-(to) }
SET m.deletedBySender = m.deletedBySender OR from.id = $caller,
    m.deletedByRecipient = m.deletedByRecipient OR to.id = $caller
RETURN m.id AS id

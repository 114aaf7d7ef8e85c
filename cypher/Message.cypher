// Message answers one message by id with its sender and recipient, if the caller is one of the
// two, has not deleted it, and neither has blocked the other. When the caller is the recipient and
// $markRead is true, it is marked read now, and the recipient's side of the conversation has one
// unread message fewer; every change to what a side counts unread holds the side's write lock
// first, and reads the message's state only after it, so that two devices reading at once, or a
// read racing a deletion, count it once: it finds the message again (fresh) after the lock, since
// what the first MATCH read of it may be cached from before the lock. The other member may be a
// FormerMember (a closed account), whose id is null. marked says whether it was marked read now.
// Cost: one relationship-index seek on MESSAGED(id); marking read, a unique-index seek on the
// conversation and a second seek on MESSAGED(id).
MATCH (from)-[m:MESSAGED {id: $id}]->(to)
WHERE (from.id = $caller AND NOT m.deletedBySender)
   OR (to.id = $caller AND NOT m.deletedByRecipient)
WITH from, m, to
WHERE NOT EXISTS { (from)-[:BLOCKED]-(to) }
CALL (m, to) {
  WITH m, to
  WHERE $markRead AND to.id = $caller
  MATCH (to)-[mine:IN]->(:Conversation {id: m.threadId})
  SET mine._lock = true
  REMOVE mine._lock
  WITH m, mine
  MATCH ()-[fresh:MESSAGED {id: $id}]->()
  WHERE fresh.readAt IS NULL AND NOT fresh.deletedByRecipient
  SET m.readAt = $now, mine.unread = mine.unread - 1
  RETURN count(fresh) AS marked
}
RETURN m {.*} AS message, from.id AS from, to.id AS to,
       from {.id, .name, .headline} AS sender, to {.id, .name, .headline} AS recipient, marked > 0 AS marked

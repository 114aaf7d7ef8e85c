// Thread answers one page of the conversation $threadId, oldest first (ties broken by id), if the
// caller is one of its two members and neither has blocked the other; messages the caller deleted
// are left out. The page starts after ($afterSentAt, $afterId) when given and holds up to
// $limit + 1 rows.
// Cost: one relationship-index seek on MESSAGED(threadId), then the thread's messages, sorted.
MATCH (from:Member)-[m:MESSAGED {threadId: $threadId}]->(to:Member)
WHERE $caller IN [from.id, to.id]
  AND NOT EXISTS { (from)-[:BLOCKED]-(to) }
  AND NOT (CASE WHEN from.id = $caller THEN m.deletedBySender ELSE m.deletedByRecipient END)
  AND ($afterId IS NULL
       OR m.sentAt > $afterSentAt
       OR (m.sentAt = $afterSentAt AND m.id > $afterId))
WITH m, from, to
ORDER BY m.sentAt, m.id
LIMIT $limit + 1
RETURN m {.*} AS message, from.id AS from, to.id AS to,
       from {.id, .name, .headline} AS sender, to {.id, .name, .headline} AS recipient

// Thread answers one page of the conversation $threadId, oldest first (ties broken by id), if the
// caller is one of its two members and neither has blocked the other; messages the caller deleted
// are left out. The other member may be a FormerMember (a closed account), whose id is null. The page starts after ($afterSentAt, $afterId) when given and holds up to
// $limit + 1 rows. It always answers at least one row: participant says whether the caller may
// read the thread at all, and a row without a message stands for an empty page.
// Cost: relationship-index seeks on MESSAGED(threadId), then the thread's messages, sorted.
OPTIONAL MATCH (a)-[:MESSAGED {threadId: $threadId}]->(b)
WHERE $caller IN [a.id, b.id]
  AND NOT EXISTS { (a)-[:BLOCKED]-(b) }
WITH count(a) > 0 AS participant
OPTIONAL MATCH (from)-[m:MESSAGED {threadId: $threadId}]->(to)
WHERE participant
  AND $caller IN [from.id, to.id]
  AND NOT (CASE WHEN from.id = $caller THEN m.deletedBySender ELSE m.deletedByRecipient END)
  AND ($afterId IS NULL
       OR m.sentAt > $afterSentAt
       OR (m.sentAt = $afterSentAt AND m.id > $afterId))
WITH participant, m, from, to
ORDER BY m.sentAt, m.id
LIMIT $limit + 1
RETURN participant, m {.*} AS message, from.id AS from, to.id AS to,
       from {.id, .name, .headline} AS sender, to {.id, .name, .headline} AS recipient

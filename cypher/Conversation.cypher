// Conversation answers the conversation $id as the caller lists it (the row of Conversations), if
// the caller is one of its two members, has a message in it, and neither has blocked the other;
// otherwise no row.
// Cost: a unique-index seek on the conversation, its two sides, and a relationship-index seek on
// MESSAGED(id).
MATCH (me:Member {id: $caller})-[s:IN]->(c:Conversation {id: $id})<-[:IN]-(other)
WHERE other <> me AND s.lastId IS NOT NULL AND NOT EXISTS { (me)-[:BLOCKED]-(other) }
MATCH (a)-[m:MESSAGED {id: s.lastId}]->(b)
RETURN c.id AS id, c.kind AS kind, s {.unread, .filed, .archived, .muted, .lastAt} AS side,
       other {.id, .name, .headline} AS other,
       m {.*} AS message, a.id AS from, b.id AS to,
       a {.id, .name, .headline} AS sender, b {.id, .name, .headline} AS recipient

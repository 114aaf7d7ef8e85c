// ExportConversations answers every conversation of the member $id, for their export: their side
// of it (box, archived, muted, unread count, last message and its time) and the other member, who
// may be a FormerMember, whose id is null; ordered by id.
// Cost: the member's conversations and the other side of each.
MATCH (me:Member {id: $id})-[s:IN]->(c:Conversation)<-[:IN]-(other)
WHERE other <> me
RETURN c.id AS id, c.kind AS kind, s {.unread, .filed, .archived, .muted, .lastAt, .lastId} AS side,
       other {.id, .name, .headline} AS other
ORDER BY c.id

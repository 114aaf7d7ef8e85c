// ProjectionSides reads the sides of conversations of the members whose internal node ids lie in
// [$from, $to) (a load reads several ranges at once), as AppendChange records a side
// (its sideOf columns), for the projection's conversation pages: the member, the conversation,
// the other member (null for a FormerMember), the conversation's kind, the side's unread count,
// box, archived, muted and activity key (null when it lists no message), and its last message.
// Cost: a scan of the range's members and their IN relationships (one per conversation they are
// in), with the conversation's other side and a relationship-index seek on MESSAGED(id) per side.
MATCH (me:Member)
WHERE id(me) >= $from AND id(me) < $to
MATCH (me)-[s:IN]->(c:Conversation)<-[:IN]-(other)
WHERE other <> me
OPTIONAL MATCH (x)-[m:MESSAGED {id: s.lastId}]->()
RETURN me.id AS member, c.id AS conversation, other.id AS with, c.kind AS kind, s.unread AS unread,
       s.filed AS filed, s.archived AS archived, s.muted AS muted, s.activity IS NOT NULL AS listed,
       m.id AS lastId, m.kind AS lastKind, coalesce(x = me, false) AS mine, left(m.body, 162) AS text,
       m.sentAt AS at, m.readAt IS NOT NULL AS read, m.viaKind AS viaKind, m.viaId AS viaId, m.viaName AS viaName

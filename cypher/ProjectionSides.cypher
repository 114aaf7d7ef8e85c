// ProjectionSides reads the sides of conversations of the members whose internal node ids lie in
// [$from, $to) (a load reads several ranges at once), in the columns AppendChange records a side
// with (sideOf and those after it, one value each here), for the projection's conversation pages:
// the member, the conversation, the other member (null for a FormerMember), the conversation's
// kind, the side's unread count, box, archived, muted and activity key (null when it lists no
// message), and its last message (its time in unix nanoseconds).
// Cost: a scan of the range's members and their IN relationships (one per conversation they are
// in), with the conversation's other side and a relationship-index seek on MESSAGED(id) per side.
MATCH (me:Member)
WHERE id(me) >= $from AND id(me) < $to
MATCH (me)-[s:IN]->(c:Conversation)<-[:IN]-(other)
WHERE other <> me
OPTIONAL MATCH (x)-[m:MESSAGED {id: s.lastId}]->()
RETURN me.id AS sideOf, c.id AS sideIn, other.id AS sideWith, c.kind AS sideKind, s.unread AS sideUnread,
       s.filed AS sideFiled, s.archived AS sideArchived, s.muted AS sideMuted, s.activity AS sideActivity,
       m.id AS lastId, m.kind AS lastKind, coalesce(x = me, false) AS lastMine, left(m.body, 162) AS lastText,
       m.sentAt.epochSeconds * 1000000000 + m.sentAt.nanosecond AS lastAt, m.readAt IS NOT NULL AS lastRead,
       m.viaKind AS lastViaKind, m.viaId AS lastViaId, m.viaName AS lastViaName

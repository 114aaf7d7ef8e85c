// Conversations answers one page of the caller's conversations in one box, newest activity first
// (ties broken by the last message's id), leaving out any with a member in a block relation with
// the caller. The page is the range of boxKey from $from to $until (graph.BoxRange: the box, or
// what follows a cursor), read in the index's order, which is the box's. A side has a boxKey while
// the member has a message in the conversation (graph.BoxKey: SendMessage, RefileSide, ...). The
// other member may be a FormerMember (a closed account), whose id is null. $unread keeps those with
// unread messages, $kind ('' for any) those of one kind. Each row has the conversation, the
// caller's side and its last message. Holds up to $limit + 1 rows, so the caller can tell whether
// another page follows. A replica answers the same page from memory when the read's consistency
// allows (graph/projection/conversations.go); this statement answers the rest.
// Cost: a range seek on IN(boxKey) in index order, no sort, stopped after $limit + 1 rows pass the
// filters; per row, the conversation's other side and a relationship-index seek on MESSAGED(id).
MATCH (me)-[s:IN]->(c:Conversation)
  USING INDEX s:IN(boxKey)
WHERE s.boxKey > $from AND s.boxKey < $until
  AND (NOT $unread OR s.unread > 0)
  AND ($kind = '' OR c.kind = $kind)
MATCH (c)<-[:IN]-(other)
WHERE other <> me AND NOT EXISTS { (me)-[:BLOCKED]-(other) }
WITH s, c, other
ORDER BY s.boxKey
LIMIT $limit + 1
MATCH (a)-[m:MESSAGED {id: s.lastId}]->(b)
RETURN c.id AS id, c.kind AS kind, s {.unread, .filed, .archived, .muted, .lastAt} AS side,
       other {.id, .name, .headline} AS other,
       m {.*} AS message, a.id AS from, b.id AS to,
       a {.id, .name, .headline} AS sender, b {.id, .name, .headline} AS recipient

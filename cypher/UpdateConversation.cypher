// UpdateConversation changes the caller's side of the conversation $id, if the caller has a
// message in it and neither member has blocked the other (otherwise no row), holding the side's
// write lock first, as everything that changes its unread count does (Message):
// - $readUpTo (a message of the conversation; '' for none) marks read every message the caller
//   received up to it (by time, then id); upTo says whether it named one;
// - $unread marks the last message the caller received, and still has, unread again;
// - $archived and $muted (null for no change) set those;
// - $toInbox moves a conversation filed in Other to the inbox ("not spam").
// The unread count follows the messages marked, and the box key the box (graph.BoxKey). Answers
// the side as it was before, the other member's id (null for a FormerMember), and how many
// messages were marked read and unread.
// Cost: a unique-index seek on the conversation and its two sides; with $readUpTo or $unread, the
// conversation's messages.
MATCH (me:Member {id: $caller})-[s:IN]->(c:Conversation {id: $id})<-[:IN]-(other)
WHERE other <> me AND s.lastId IS NOT NULL AND NOT EXISTS { (me)-[:BLOCKED]-(other) }
SET s._lock = true
REMOVE s._lock
WITH me, s, c, other.id AS other, s {.archived, .muted, .filed} AS before
OPTIONAL MATCH ()-[upTo:MESSAGED {id: $readUpTo}]->()
WHERE upTo.threadId = c.id
CALL (me, c, upTo) {
  WITH me, c, upTo
  WHERE upTo IS NOT NULL
  MATCH ()-[m:MESSAGED {threadId: c.id}]->(me)
  WHERE m.readAt IS NULL AND NOT m.deletedByRecipient
    AND (m.sentAt < upTo.sentAt OR (m.sentAt = upTo.sentAt AND m.id <= upTo.id))
  SET m.readAt = $now
  RETURN count(m) AS readNow
}
CALL (me, c) {
  WITH me, c
  WHERE $unread
  MATCH ()-[m:MESSAGED {threadId: c.id}]->(me)
  WHERE m.inboxKey IS NOT NULL OR m.requestKey IS NOT NULL
  WITH m
  ORDER BY m.sentAt DESC, m.id DESC
  LIMIT 1
  WITH m
  WHERE m.readAt IS NOT NULL
  SET m.readAt = null
  RETURN count(m) AS unreadNow
}
SET s.unread = s.unread - readNow + unreadNow,
    s.archived = coalesce($archived, s.archived),
    s.muted = coalesce($muted, s.muted),
    s.filed = CASE WHEN $toInbox AND s.filed = 'other' THEN 'inbox' ELSE s.filed END
SET s.boxKey = me.id + ' ' + CASE WHEN s.archived THEN 'archived' ELSE s.filed END + ' ' + s.activity
RETURN before, other, upTo IS NOT NULL AS upTo, readNow, unreadNow

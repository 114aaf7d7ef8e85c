// RefileSide is not a statement on its own: it ends statements that take message m out of member
// me's mailbox (DeleteMessage, DeclineMessage), with me's side of the conversation, mine, locked.
// When m was the side's last message, the last becomes the newest message me still has (the one
// whose mailbox key, less the member, is the smallest: graph.ActivityKey), and the side's box key
// follows; a side with no message left is in no box. Answers m's id and its thread's.
// Cost: when m was the last, the conversation's messages (a relationship-index seek on
// MESSAGED(threadId)).
WITH m, me, mine
CALL (m, me, mine) {
  WITH m, me, mine
  WHERE mine.lastId = m.id
  OPTIONAL MATCH (x)-[o:MESSAGED {threadId: m.threadId}]->(y)
  WITH me, mine, CASE WHEN x = me THEN o.sentKey WHEN y = me THEN coalesce(o.inboxKey, o.requestKey) END AS key, o
  ORDER BY key
  LIMIT 1
  WITH me, mine, CASE WHEN key IS NOT NULL THEN o END AS last, substring(key, size(me.id) + 1) AS activity
  SET mine.lastId = last.id, mine.lastAt = last.sentAt, mine.activity = activity,
      mine.filed = CASE WHEN last IS NULL THEN '' ELSE mine.filed END,
      mine.boxKey = me.id + ' ' + CASE WHEN mine.archived THEN 'archived' ELSE mine.filed END + ' ' + activity
}
RETURN m.id AS id, m.threadId AS threadId

// RebuildConversations makes, or makes again, the Conversation of each thread id in $batch.threads and
// its two sides from the thread's messages, with what the sends, reads and answers that made those
// messages would have left (SendMessage, Message, AcceptRequest, DeclineMessage, DeleteMessage):
// - the conversation's kind from its first message: an InMail's, a request's while it is not
//   accepted, a conversation's otherwise;
// - on each side: whether it wrote, its InMails and requests awaiting an answer, whether one of
//   its requests was accepted, the messages it received unread (not deleted), and its last message
//   (the one whose mailbox key for that member, less the member, is the smallest: graph.ActivityKey);
// - the box: none when the member has no message left, the requests box when all it has are
//   requests awaiting an answer, else the inbox, or Other when it was filed there; archived and
//   muted stay as they were (as an import sets them: ImportSides).
// A FormerMember's side (a closed account's, CloseMessages) only says who the conversation is
// with, and is left as it is.
// An import runs it for the threads it wrote (ImportMessages), and Store.Migrate for the threads
// with no conversation yet, written before conversations existed. Answers how many it built.
// Cost: per thread, a unique-index MERGE and the thread's messages, read a few times.
UNWIND $batch.threads AS thread
CALL (thread) {
  MATCH (a)-[first:MESSAGED {threadId: thread}]->(b)
  WITH a, b, first
  ORDER BY first.sentAt, first.id
  LIMIT 1
  MERGE (c:Conversation {id: thread})
  SET c.startedAt = coalesce(c.startedAt, first.sentAt),
      c.kind = CASE
                 WHEN first.kind = 'inmail' THEN 'inmail'
                 WHEN first.kind = 'request' AND first.status <> 'accepted' THEN 'request'
                 ELSE 'conversation'
               END
  RETURN c, a, b
}
UNWIND [[a, b], [b, a]] AS side
WITH thread, c, side[0] AS me, side[1] AS other
MERGE (me)-[s:IN]->(c)
  ON CREATE SET s.archived = false, s.muted = false, s.filed = ''
WITH thread, c, me, other, s
WHERE me:Member
CALL (thread, me, other) {
  OPTIONAL MATCH (me)-[o:MESSAGED {threadId: thread}]->(other)
  RETURN count(o) > 0 AS wrote,
         count(CASE WHEN o.status = 'pending' THEN 1 END) AS pending,
         count(CASE WHEN o.kind = 'request' AND o.status = 'accepted' THEN 1 END) > 0 AS accepted,
         count(o.sentKey) AS sentKept
}
CALL (thread, me, other) {
  OPTIONAL MATCH (other)-[i:MESSAGED {threadId: thread}]->(me)
  RETURN count(CASE WHEN NOT i.deletedByRecipient AND i.readAt IS NULL THEN 1 END) AS unread,
         count(i.inboxKey) AS inboxKept, count(i.requestKey) AS requestsKept
}
CALL (thread, me) {
  OPTIONAL MATCH (x)-[o:MESSAGED {threadId: thread}]->(y)
  WITH o, CASE WHEN x = me THEN o.sentKey WHEN y = me THEN coalesce(o.inboxKey, o.requestKey) END AS key
  ORDER BY key
  LIMIT 1
  RETURN CASE WHEN key IS NOT NULL THEN o END AS last, key AS lastKey
}
WITH thread, me, s, wrote, pending, accepted, unread, last, substring(lastKey, size(me.id) + 1) AS activity,
     CASE
       WHEN last IS NULL THEN ''
       WHEN s.filed = 'other' THEN 'other'
       WHEN sentKept = 0 AND inboxKept = 0 AND requestsKept > 0 THEN 'requests'
       ELSE 'inbox'
     END AS filed
SET s.wrote = wrote, s.pending = pending, s.accepted = accepted, s.unread = unread,
    s.lastId = last.id, s.lastAt = last.sentAt, s.activity = activity, s.filed = filed,
    s.boxKey = CASE WHEN filed = '' THEN null
                    ELSE me.id + ' ' + CASE WHEN s.archived THEN 'archived' ELSE filed END + ' ' + activity END
RETURN count(DISTINCT thread) AS built

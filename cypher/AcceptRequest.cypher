// AcceptRequest accepts a pending message request for its recipient, the caller, who has read it
// by then: from then on the two may write to each other freely (thread_reply), and the request
// leaves the requests box for the inbox: its requestKey becomes its inboxKey. On the
// conversation's sides, the sender has one request fewer awaiting an answer and one accepted, and
// a conversation the caller kept in the requests box is filed in the inbox, at the key
// graph.BoxKey gives (the member, the box, the side's activity); a conversation opened by the
// request is a conversation from now on.
// Cost: one relationship-index seek on MESSAGED(id), a unique-index seek on the conversation.
MATCH (sender:Member)-[m:MESSAGED {id: $id, kind: 'request', status: 'pending'}]->(me:Member {id: $caller})
MATCH (sender)-[theirs:IN]->(c:Conversation {id: m.threadId})<-[mine:IN]-(me)
SET mine._lock = true
REMOVE mine._lock
WITH sender, me, m, c, theirs, mine, m.readAt IS NULL AND NOT m.deletedByRecipient AS unread
SET m.status = 'accepted', m.answeredAt = $now, m.inboxKey = m.requestKey, m.requestKey = null,
    m.readAt = coalesce(m.readAt, $now),
    theirs.pending = theirs.pending - 1, theirs.accepted = true,
    c.kind = CASE c.kind WHEN 'request' THEN 'conversation' ELSE c.kind END,
    mine.unread = mine.unread - CASE WHEN unread THEN 1 ELSE 0 END,
    mine.filed = CASE mine.filed WHEN 'requests' THEN 'inbox' ELSE mine.filed END
SET mine.boxKey = me.id + ' ' + CASE WHEN mine.archived THEN 'archived' ELSE mine.filed END + ' ' + mine.activity
RETURN m.id AS id

// SendMessage writes each message in $batch.messages (a map of the parameters below, all but
// $newSide; the list comes inside a map so that Neo4j plans the statement once for any number of
// messages, as AppendChange explains)
// as a MESSAGED relationship from its caller to its recipient,
// sets the caller's credits (after any monthly grant and this message's cost) and message
// requests sent this month ($requestsMonth, $requestsSent), and, since a message to someone
// answers every InMail and request they sent you, marks the recipient's pending InMails to the
// caller replied, giving back the credit of each sent on or after $refundSince, once, and their
// pending requests to the caller accepted.
// The messages have no member in common (sends gathered into one transaction, one row each).
// Every parameter has one type in every call, since Neo4j plans a statement once per set of
// parameter types: $status, $key, $viaKind, $viaId and $viaName are '' for none
// (the group or company that allowed a request, its name kept as it was when the request went), and $planGrantedAt is
// written only if $granted, and only if it differs to the millisecond from the stored one: a send
// decided from memory, which holds it in milliseconds, leaves it as it was.
// $inboxKey (or, for a message request, $requestKey; the other is '') and $sentKey place the
// message in the recipient's inbox (or requests box) and the caller's sent box
// (graph.RecipientKeys, graph.MailboxKey of $now); a request the caller's message accepts moves
// from the caller's requests box to the inbox.
// The message belongs to the Conversation $threadId, made now if new (of kind $conversationKind),
// and each member's side of it (IN) records it as the last activity: the caller's side is filed
// in the inbox at $senderBoxKey, the recipient's in $recipientFiled at $recipientBoxKey
// (graph.Filing, graph.BoxKey; $activity is the message's graph.ActivityKey), both unarchived, and the recipient has one more unread message.
// The sides also hold what the messaging rules read of the pair, so that nothing need walk the
// conversation's messages: wrote (this side has written), pending (its InMails and requests
// awaiting an answer; $pending is 1 for this message when it awaits one) and accepted (the other
// accepted its request). Answering the recipient's pending messages leaves them none.
// Cost, per message: two index seeks, a unique-index MERGE and the conversation's two sides; the recipient's
// messages to the caller only when their side says some await an answer.
UNWIND $batch.messages AS msg
MATCH (me:Member {id: msg.caller})
MATCH (them:Member {id: msg.to})
CREATE (me)-[m:MESSAGED {
  id: msg.id, threadId: msg.threadId, kind: msg.kind, channel: msg.channel, cost: msg.cost,
  subject: msg.subject, body: msg.body, bodyHash: msg.bodyHash, attachments: msg.attachments,
  sentAt: msg.now, status: nullIf(msg.status, ''), refunded: false,
  deletedBySender: false, deletedByRecipient: false,
  idempotencyKey: nullIf(msg.key, ''), requestHash: msg.requestHash, creditsAfter: msg.credits,
  viaKind: nullIf(msg.viaKind, ''), viaId: nullIf(msg.viaId, ''), viaName: nullIf(msg.viaName, ''),
  inboxKey: nullIf(msg.inboxKey, ''), requestKey: nullIf(msg.requestKey, ''), sentKey: msg.sentKey
}]->(them)
SET me.inmailCredits = msg.credits,
    me.planGrantedAt = CASE
      WHEN NOT msg.granted THEN null
      WHEN me.planGrantedAt.epochMillis = msg.planGrantedAt.epochMillis THEN me.planGrantedAt
      ELSE msg.planGrantedAt
    END,
    me.requestsMonth = msg.requestsMonth, me.requestsSent = msg.requestsSent
MERGE (c:Conversation {id: msg.threadId})
  ON CREATE SET c.kind = msg.conversationKind, c.startedAt = msg.now
MERGE (me)-[mine:IN]->(c)
  ON CREATE SET mine += $newSide
MERGE (them)-[theirs:IN]->(c)
  ON CREATE SET theirs += $newSide
WITH msg, me, them, c, mine, theirs
CALL (msg, me, them, theirs) {
  WITH msg, me, them, theirs
  WHERE theirs.pending > 0
  MATCH (them)-[r:MESSAGED {status: 'pending'}]->(me)
  SET r.status = CASE r.kind WHEN 'request' THEN 'accepted' ELSE 'replied' END, r.answeredAt = msg.now,
      r.inboxKey = CASE r.kind WHEN 'request' THEN r.requestKey ELSE r.inboxKey END,
      r.requestKey = CASE r.kind WHEN 'request' THEN null ELSE r.requestKey END
  WITH msg, them, r
  CALL (msg, them, r) {
    WITH msg, them, r
    WHERE r.kind = 'inmail' AND r.cost > 0 AND NOT r.refunded AND r.sentAt >= msg.refundSince
    SET r.refunded = true, them.inmailCredits = them.inmailCredits + r.cost
  }
  RETURN count(CASE r.kind WHEN 'request' THEN 1 END) AS acceptedNow
}
SET c.kind = CASE WHEN acceptedNow > 0 AND c.kind = 'request' THEN 'conversation' ELSE c.kind END,
    mine.wrote = true, mine.pending = mine.pending + msg.pending,
    mine.filed = 'inbox', mine.archived = false,
    mine.lastAt = msg.now, mine.lastId = msg.id, mine.activity = msg.activity, mine.boxKey = msg.senderBoxKey,
    theirs.pending = 0, theirs.accepted = theirs.accepted OR acceptedNow > 0,
    theirs.unread = theirs.unread + 1,
    theirs.filed = msg.recipientFiled, theirs.archived = false,
    theirs.lastAt = msg.now, theirs.lastId = msg.id, theirs.activity = msg.activity, theirs.boxKey = msg.recipientBoxKey

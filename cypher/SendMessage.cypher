// SendMessage writes one message as a MESSAGED relationship from the caller to the recipient,
// sets the caller's credits (after any monthly grant and this message's cost) and message
// requests sent this month ($requestsMonth, $requestsSent), and, since a message to someone
// answers every InMail and request they sent you, marks the recipient's pending InMails to the
// caller replied, giving back the credit of each sent on or after $refundSince, once, and their
// pending requests to the caller accepted.
// Every parameter has one type in every call, since Neo4j plans a statement once per set of
// parameter types: $status, $key, $viaKind, $viaId and $viaName are '' for none
// (the group or company that allowed a request, its name kept as it was when the request went), and $planGrantedAt is
// written only if $granted.
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
// Cost: two index seeks, a unique-index MERGE and the conversation's two sides; the recipient's
// messages to the caller only when their side says some await an answer.
MATCH (me:Member {id: $caller})
MATCH (them:Member {id: $to})
CREATE (me)-[m:MESSAGED {
  id: $id, threadId: $threadId, kind: $kind, channel: $channel, cost: $cost,
  subject: $subject, body: $body, bodyHash: $bodyHash, attachments: $attachments,
  sentAt: $now, status: nullIf($status, ''), refunded: false,
  deletedBySender: false, deletedByRecipient: false,
  idempotencyKey: nullIf($key, ''), requestHash: $requestHash, creditsAfter: $credits,
  viaKind: nullIf($viaKind, ''), viaId: nullIf($viaId, ''), viaName: nullIf($viaName, ''),
  inboxKey: nullIf($inboxKey, ''), requestKey: nullIf($requestKey, ''), sentKey: $sentKey
}]->(them)
SET me.inmailCredits = $credits,
    me.planGrantedAt = CASE WHEN $granted THEN $planGrantedAt END,
    me.requestsMonth = $requestsMonth, me.requestsSent = $requestsSent
MERGE (c:Conversation {id: $threadId})
  ON CREATE SET c.kind = $conversationKind, c.startedAt = $now
MERGE (me)-[mine:IN]->(c)
  ON CREATE SET mine += $newSide
MERGE (them)-[theirs:IN]->(c)
  ON CREATE SET theirs += $newSide
WITH me, them, c, mine, theirs
CALL (me, them, theirs) {
  WITH me, them, theirs
  WHERE theirs.pending > 0
  MATCH (them)-[r:MESSAGED {status: 'pending'}]->(me)
  SET r.status = CASE r.kind WHEN 'request' THEN 'accepted' ELSE 'replied' END, r.answeredAt = $now,
      r.inboxKey = CASE r.kind WHEN 'request' THEN r.requestKey ELSE r.inboxKey END,
      r.requestKey = CASE r.kind WHEN 'request' THEN null ELSE r.requestKey END
  WITH them, r
  CALL (them, r) {
    WITH them, r
    WHERE r.kind = 'inmail' AND r.cost > 0 AND NOT r.refunded AND r.sentAt >= $refundSince
    SET r.refunded = true, them.inmailCredits = them.inmailCredits + r.cost
  }
  RETURN count(CASE r.kind WHEN 'request' THEN 1 END) AS acceptedNow
}
SET c.kind = CASE WHEN acceptedNow > 0 AND c.kind = 'request' THEN 'conversation' ELSE c.kind END,
    mine.wrote = true, mine.pending = mine.pending + $pending,
    mine.filed = 'inbox', mine.archived = false,
    mine.lastAt = $now, mine.lastId = $id, mine.activity = $activity, mine.boxKey = $senderBoxKey,
    theirs.pending = 0, theirs.accepted = theirs.accepted OR acceptedNow > 0,
    theirs.unread = theirs.unread + 1,
    theirs.filed = $recipientFiled, theirs.archived = false,
    theirs.lastAt = $now, theirs.lastId = $id, theirs.activity = $activity, theirs.boxKey = $recipientBoxKey

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
// Cost: two index seeks and the recipient's messages to the caller.
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
WITH me, them
CALL (me, them) {
  MATCH (them)-[r:MESSAGED {kind: 'request', status: 'pending'}]->(me)
  SET r.status = 'accepted', r.answeredAt = $now, r.inboxKey = r.requestKey, r.requestKey = null
}
CALL (me, them) {
  MATCH (them)-[i:MESSAGED {kind: 'inmail', status: 'pending'}]->(me)
  SET i.status = 'replied', i.answeredAt = $now
  WITH them, i
  WHERE i.cost > 0 AND NOT i.refunded AND i.sentAt >= $refundSince
  SET i.refunded = true, them.inmailCredits = them.inmailCredits + i.cost
}

// DeclineMessage turns down a pending InMail or message request for its recipient, the caller,
// who has read it by then: it records the decline as a DECLINED relationship from the recipient
// to the sender (which refuses the sender's InMails and requests from then on) and gives an
// InMail's credit back if it was sent on or after $refundSince, once. A declined request leaves
// the requests box (its requestKey goes) for no other; a declined InMail stays in the inbox.
// On the conversation's sides, the sender has one message fewer awaiting an answer, and RefileSide
// (with which cypher.go ends it) moves the caller's side to its new last message, since a declined
// request leaves the caller's mailbox. The caller's side is locked before the message's read time
// is read (Message).
// Cost: one relationship-index seek on MESSAGED(id), a unique-index seek on the conversation, and
// RefileSide's.
MATCH (sender:Member)-[m:MESSAGED {id: $id, status: 'pending'}]->(me:Member {id: $caller})
WHERE m.kind IN ['inmail', 'request']
MATCH (sender)-[theirs:IN]->(:Conversation {id: m.threadId})<-[mine:IN]-(me)
SET mine._lock = true
REMOVE mine._lock
WITH sender, me, m, theirs, mine, m.readAt IS NULL AND NOT m.deletedByRecipient AS unread
SET m.status = 'declined', m.answeredAt = $now, m.declineNote = $note, m.requestKey = null,
    m.readAt = coalesce(m.readAt, $now)
MERGE (me)-[d:DECLINED]->(sender)
  ON CREATE SET d.at = $now
SET d.messageId = $id
WITH sender, me, m, theirs, mine, unread
CALL (sender, m) {
  WITH sender, m
  WHERE m.cost > 0 AND NOT m.refunded AND m.sentAt >= $refundSince
  SET m.refunded = true, sender.inmailCredits = sender.inmailCredits + m.cost
}
SET theirs.pending = theirs.pending - 1,
    mine.unread = mine.unread - CASE WHEN unread THEN 1 ELSE 0 END

// DeclineMessage turns down a pending InMail or message request for its recipient, the caller:
// it records the decline as a DECLINED relationship from the recipient to the sender (which
// refuses the sender's InMails and requests from then on) and gives an InMail's credit back if it
// was sent on or after $refundSince, once. A declined request leaves the requests box (its
// requestKey goes) for no other; a declined InMail stays in the inbox.
// Cost: one relationship-index seek on MESSAGED(id).
MATCH (sender:Member)-[m:MESSAGED {id: $id, status: 'pending'}]->(me:Member {id: $caller})
WHERE m.kind IN ['inmail', 'request']
SET m.status = 'declined', m.answeredAt = $now, m.declineNote = $note, m.requestKey = null
MERGE (me)-[d:DECLINED]->(sender)
  ON CREATE SET d.at = $now
SET d.messageId = $id
WITH sender, m
CALL (sender, m) {
  WITH sender, m
  WHERE m.cost > 0 AND NOT m.refunded AND m.sentAt >= $refundSince
  SET m.refunded = true, sender.inmailCredits = sender.inmailCredits + m.cost
}
RETURN m.id AS id

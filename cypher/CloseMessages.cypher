// CloseMessages keeps, for the other members, the messages exchanged with the member $id who is
// closing their account: it makes one FormerMember node, a sender with no profile behind it, and
// copies each message onto it (Cypher cannot re-point a relationship), with the same id and
// contents, in a new thread ($threads maps each old thread id to its new one), so that a member
// created later with the same id shares no thread with it. Messages the other member deleted are
// not copied, nor are idempotency keys the closing member sent with, nor the closing member's
// mailbox keys (the other member's stay, so their pages list the copies as before; a member
// created later with the same id finds none). A request from the closing member leaves the
// other's requests box, since it can no longer be answered. An InMail sent to the member
// that is still pending, which nobody can now answer, gives its sender the credit back if it was
// sent on or after $refundSince, once, as a decline would. Each conversation of the member takes
// its new thread id and the FormerMember in the member's place, so that the other member keeps
// it, with "Former member" as the one it is with (the store then builds the other member's side
// again from the messages copied, RebuildConversations). The FormerMember node is removed again, with its
// conversations, when nothing was copied. Answers how many messages were kept, and the ids of the members given
// credits back, whose facts the change log records.
// Cost: one index seek, the member's messages and conversations.
MATCH (me:Member {id: $id})
CREATE (former:FormerMember {closedAt: $now})
WITH me, former
CALL (me, former) {
  MATCH (me)-[m:MESSAGED]->(other:Member)
  WHERE NOT m.deletedByRecipient
  WITH former, other, m, properties(m) AS p
  DELETE m
  CREATE (former)-[c:MESSAGED]->(other)
  SET c = p, c.threadId = coalesce($threads[p.threadId], p.threadId),
      c.idempotencyKey = null, c.requestHash = null, c.sentKey = null, c.requestKey = null
  RETURN count(c) AS sent
}
CALL (me, former) {
  MATCH (other:Member)-[m:MESSAGED]->(me)
  WITH former, other, m,
       m.kind = 'inmail' AND m.status = 'pending' AND m.cost > 0 AND NOT m.refunded AND m.sentAt >= $refundSince AS refund
  CALL (other, m, refund) {
    WITH other, m
    WHERE refund
    SET m.refunded = true, other.inmailCredits = other.inmailCredits + m.cost
  }
  WITH former, other, m, CASE WHEN refund THEN other.id END AS refunded
  CALL (former, other, m) {
    WITH former, other, m
    WHERE NOT m.deletedBySender
    WITH former, other, m, properties(m) AS p
    DELETE m
    CREATE (other)-[c:MESSAGED]->(former)
    SET c = p, c.threadId = coalesce($threads[p.threadId], p.threadId),
        c.inboxKey = null, c.requestKey = null
    RETURN count(c) AS copied
  }
  RETURN sum(copied) AS received, collect(DISTINCT refunded) AS refunded
}
CALL (me, former) {
  MATCH (me)-[mine:IN]->(c:Conversation)
  DELETE mine
  CREATE (former)-[:IN]->(c)
  SET c.id = coalesce($threads[c.id], c.id)
}
CALL (former, sent, received) {
  WITH former, sent + received AS kept
  WHERE kept = 0
  CALL (former) {
    MATCH (former)-[:IN]->(c:Conversation)
    DETACH DELETE c
  }
  DETACH DELETE former
}
RETURN sent + received AS kept, refunded

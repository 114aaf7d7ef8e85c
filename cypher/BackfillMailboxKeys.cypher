// BackfillMailboxKeys gives the messages written before mailbox keys their keys, graph.MailboxKey
// computed here in Cypher: the member's id, a space, 99999999999 less the seconds since 1970 in 11
// digits and 999999999 less the nanoseconds in 9, a space, the message id. The recipient's key is
// inboxKey, or requestKey for a message request awaiting its answer from a sender who is still a
// member; a request declined has neither (graph.RecipientKeys). A side that deleted the message,
// or is a FormerMember (a closed account), gets no key. Only messages missing a key they should
// have are written, in transactions of 10,000, so running it again writes nothing; it runs with
// the schema (Store.Migrate). Answers how many it keyed.
// Cost: one scan of every MESSAGED relationship, reading its flags; writes only those missing keys.
MATCH (sender)-[m:MESSAGED]->(recipient)
WITH m, sender, recipient,
     NOT m.deletedByRecipient AND recipient:Member AS received,
     m.kind = 'request' AND m.status = 'pending' AS waiting
WITH m, sender, recipient,
     received AND (m.kind <> 'request' OR m.status = 'accepted') AND m.inboxKey IS NULL AS needsInbox,
     received AND waiting AND sender:Member AND m.requestKey IS NULL AS needsRequest,
     NOT m.deletedBySender AND sender:Member AND m.sentKey IS NULL AS needsSent
WHERE needsInbox OR needsRequest OR needsSent
CALL (m, sender, recipient, needsInbox, needsRequest, needsSent) {
  WITH m, sender, recipient, needsInbox, needsRequest, needsSent,
       ' ' + right('0000000000' + toString(99999999999 - m.sentAt.epochSeconds), 11)
           + right('00000000' + toString(999999999 - m.sentAt.nanosecond), 9) + ' ' + m.id AS rest
  SET m.inboxKey = CASE WHEN needsInbox THEN recipient.id + rest ELSE m.inboxKey END,
      m.requestKey = CASE WHEN needsRequest THEN recipient.id + rest ELSE m.requestKey END,
      m.sentKey = CASE WHEN needsSent THEN sender.id + rest ELSE m.sentKey END
} IN TRANSACTIONS OF 10000 ROWS
RETURN count(m) AS keyed

// ImportMessages records each message in $batch.messages as the MESSAGED relationship SendMessage
// writes, with its history already applied: readAt when read, the status of an InMail or message
// request after any reply, acceptance or decline, whether its credit came back, the sender's
// credits right after it was sent, and what a request went through (viaKind, viaId, viaName).
// A null property (subject, readAt, status, or one of via) is left out. It sets no member's
// credits or requests sent: members are imported with their final counts. inboxKey or
// requestKey, and sentKey place it in the two mailboxes (graph.RecipientKeys, MailboxKey); a
// null key leaves it out of that box.
// Answers how many messages were created.
// Cost: two unique-index seeks and one unique-index insert (message id) per row.
UNWIND $batch.messages AS msg
MATCH (from:Member {id: msg.from})
MATCH (to:Member {id: msg.to})
CREATE (from)-[m:MESSAGED {
  id: msg.id, threadId: msg.threadId, kind: msg.kind, channel: msg.channel, cost: msg.cost,
  subject: msg.subject, body: msg.body, bodyHash: msg.bodyHash, attachments: msg.attachments,
  sentAt: msg.sentAt, readAt: msg.readAt, status: msg.status, refunded: msg.refunded,
  deletedBySender: msg.deletedBySender, deletedByRecipient: msg.deletedByRecipient,
  creditsAfter: msg.creditsAfter, viaKind: msg.viaKind, viaId: msg.viaId, viaName: msg.viaName,
  inboxKey: msg.inboxKey, requestKey: msg.requestKey, sentKey: msg.sentKey
}]->(to)
RETURN count(m) AS created

// A page of a member's inbox is a range of inboxKey (graph.MailboxKey: the recipient, the time
// inverted, the message id), read in index order and stopped after the page (Inbox).
CREATE RANGE INDEX message_inbox_key IF NOT EXISTS FOR ()-[m:MESSAGED]-() ON (m.inboxKey)

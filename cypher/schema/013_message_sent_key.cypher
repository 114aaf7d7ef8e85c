// A page of a member's sent box is a range of sentKey (graph.MailboxKey of the sender), read in
// index order and stopped after the page (Sent).
CREATE RANGE INDEX message_sent_key IF NOT EXISTS FOR ()-[m:MESSAGED]-() ON (m.sentKey)

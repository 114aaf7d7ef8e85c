// A page of a member's requests box is a range of requestKey (graph.MailboxKey of the recipient,
// set while a message request awaits its answer), read in index order (Requests).
CREATE RANGE INDEX message_request_key IF NOT EXISTS FOR ()-[m:MESSAGED]-() ON (m.requestKey)

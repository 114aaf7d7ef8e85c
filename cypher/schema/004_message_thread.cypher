// A conversation is read by its thread id.
CREATE INDEX message_thread IF NOT EXISTS FOR ()-[m:MESSAGED]-() ON (m.threadId)

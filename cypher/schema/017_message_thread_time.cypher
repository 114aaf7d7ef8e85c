// A page of a conversation's messages is a range of one thread's messages by time, read newest
// first in index order (ConversationMessages).
CREATE RANGE INDEX message_thread_time IF NOT EXISTS FOR ()-[m:MESSAGED]-() ON (m.threadId, m.sentAt)

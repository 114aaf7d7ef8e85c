// A conversation is found by its id, the thread id of its two members (graph.ThreadID), and a send
// MERGEs it: the constraint makes two sends racing to start it create one.
CREATE CONSTRAINT conversation_id IF NOT EXISTS FOR (c:Conversation) REQUIRE c.id IS UNIQUE

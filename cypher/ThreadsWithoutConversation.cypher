// ThreadsWithoutConversation answers the next $limit thread ids of messages after $after, in
// order, each with whether its Conversation is built, so that Store.Migrate can build those
// missing (RebuildConversations) a page at a time: for messages written before conversations
// existed, and after an offline import, whose Conversations (conversations.csv) hold only their
// id and the sides' choices until built. A built Conversation has a kind.
// Cost: a range seek on MESSAGED(threadId) in index order, stopped after $limit distinct threads,
// and a unique-index seek each.
MATCH ()-[m:MESSAGED]->()
WHERE m.threadId > $after
WITH DISTINCT m.threadId AS thread
ORDER BY thread
LIMIT $limit
RETURN thread, EXISTS { (c:Conversation {id: thread}) WHERE c.kind IS NOT NULL } AS built

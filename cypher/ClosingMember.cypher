// ClosingMember takes the write lock of the member $id, who is closing their account, and
// answers everyone they stand in a relation with (connections, blocks either way, messages either
// way, declines, invitations, reports either way) and the threads of their messages, so that the
// closure can record every pair it touches in the change log and give the threads their new ids.
// No row when the member does not exist (already closed). Later reads in the transaction see every
// commit made before the lock.
// Cost: one index seek and the member's relationships.
MATCH (me:Member {id: $id})
SET me._lock = true
REMOVE me._lock
RETURN COLLECT {
         MATCH (me)-[:CONNECTED_TO|BLOCKED|MESSAGED|DECLINED|INVITED|REPORTED]-(other:Member)
         WHERE other <> me
         RETURN DISTINCT other.id
       } AS others,
       COLLECT { MATCH (me)-[m:MESSAGED]-(:Member) RETURN DISTINCT m.threadId } AS threads

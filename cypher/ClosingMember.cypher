// ClosingMember takes the write lock of the member $id, who is closing their account, and
// answers the threads of their messages, so that the closure can give them their new ids. No row
// when the member does not exist (already closed). Later reads in the transaction see every commit
// made before the lock. The closure records the member's absence in the change log, one fact,
// from which replicas drop every pair the member stood in themselves.
// Cost: one index seek and the member's messages.
MATCH (me:Member {id: $id})
SET me._lock = true
REMOVE me._lock
RETURN COLLECT { MATCH (me)-[m:MESSAGED]-(:Member) RETURN DISTINCT m.threadId } AS threads

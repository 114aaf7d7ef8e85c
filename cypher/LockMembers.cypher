// LockMembers takes the write lock of each member in $batch.ids (sorted by the caller, so that two
// transactions lock in the same order) and answers each one found with its connection count.
// Writing and removing a marker property is Neo4j's documented way to lock a node; it leaves the
// node unchanged. Later reads in the same transaction see every commit made before the lock.
// Cost: one index seek per id; the count reads the stored degree.
UNWIND $batch.ids AS id
MATCH (m:Member {id: id})
SET m._lock = true
REMOVE m._lock
RETURN m.id AS id, COUNT { (m)-[:CONNECTED_TO]-() } AS connections

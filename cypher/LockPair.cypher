// LockPair takes the write locks of the members in $batch.ids (sorted by the caller, so that two
// transactions lock in the same order), as LockMembers does, and passes one row on. It is not a
// statement on its own: it opens statements that must read only after holding the locks, such as
// LockedRelations (cypher.go), saving the round trip of a separate lock. The aggregation makes
// every lock be taken before anything after it reads.
// Cost: one index seek per id.
UNWIND $batch.ids AS id
MATCH (m:Member {id: id})
SET m._lock = true
REMOVE m._lock
WITH count(*) AS locked

// ConnectionVersions reads the connections version of each member in $batch.members (inside a
// map, as in ConnectionLists), in a statement of its own after ConnectionLists, so that the store
// caches a list only when its member's version is the same before and after the list was read
// (graph/neo4jstore/neighbours.go). Members not found are left out; one that never had a
// connection has version 0.
// Cost: an index seek per member.
UNWIND $batch.members AS memberId
MATCH (m:Member {id: memberId})
RETURN m.id AS id, coalesce(m.connectionsVersion, 0) AS version

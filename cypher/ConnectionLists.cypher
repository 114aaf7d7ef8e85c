// ConnectionLists reads the connections of each member in $batch.members (inside a map, so that one
// plan serves any number of members, as AppendChange explains), as lists of member ids. The
// store caches a list as of a connections version read before it and read again after it
// (ConnectionVersions), never as of one read in this statement, whose order of reads is the
// planner's (graph/neo4jstore/neighbours.go). Members not found are left out.
// Cost: an index seek and the connections of each member.
UNWIND $batch.members AS memberId
MATCH (m:Member {id: memberId})
RETURN m.id AS id, [(m)-[:CONNECTED_TO]-(x:Member) | x.id] AS connections

// ConnectionLists reads the connections of each member in $members, as lists of member ids, with
// the connections version each list is as of (graph/neighbours.go). The version is read before
// the list: a connection committed in between makes the list newer than its stamp, never older,
// and a newer list is only read again sooner. Members not found are left out.
// Cost: an index seek and the connections of each member.
UNWIND $members AS memberId
MATCH (m:Member {id: memberId})
WITH m, coalesce(m.connectionsVersion, 0) AS version
RETURN m.id AS id, version, [(m)-[:CONNECTED_TO]-(x:Member) | x.id] AS connections

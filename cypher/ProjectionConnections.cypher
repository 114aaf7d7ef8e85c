// ProjectionConnections reads the connections of the members whose internal node ids lie in
// [$from, $to), by internal node id, for a replica loading its projection once it has numbered
// every member (ProjectionMembers). Each connection is read from one side only, the one it points
// from (Connect stores each once); the loader lists it on both.
// Cost: a scan of the members in the range and of the connections they point to.
MATCH (m:Member)
WHERE id(m) >= $from AND id(m) < $to
RETURN id(m) AS node, [(m)-[:CONNECTED_TO]->(x:Member) | id(x)] AS connections

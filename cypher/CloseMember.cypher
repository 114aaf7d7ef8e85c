// CloseMember deletes the member $id with everything still attached to them: connections, blocks
// both ways, invitations sent and received, declines, reports filed and received, and the
// messages CloseMessages did not keep. Each of their connections gets a new, random connections
// version, so no cached connection list that holds the member is used again (graph/neo4jstore/neighbours.go);
// the member's own is renewed too, as for every writer of connections, though it goes with the
// node. Answers how many members were deleted (0 or 1).
// Cost: one index seek, the member's connections and all their relationships.
MATCH (me:Member {id: $id})
CALL (me) {
  MATCH (me)-[:CONNECTED_TO]-(other:Member)
  SET other.connectionsVersion = toInteger(rand() * 9007199254740991)
}
SET me.connectionsVersion = toInteger(rand() * 9007199254740991)
DETACH DELETE me
RETURN count(*) AS closed

// RandomNeighbor answers the id of one connection of a member drawn at random, a step of the
// random walks the benchmark draws pairs with; null for a member without connections.
// Cost: the member's connections.
MATCH (m:Member {id: $id})
OPTIONAL CALL (m) {
  MATCH (m)-[:CONNECTED_TO]-(x:Member)
  RETURN x.id AS next
  ORDER BY rand()
  LIMIT 1
}
RETURN next

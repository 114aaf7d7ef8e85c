// Connect connects each pair in $batch.pairs ([low, high] with low < high, so a pair has one relationship
// in one direction) and clears any invitations between them. Pairs already connected are left
// as they are. A new connection gives both members a new connections version, a random number
// never used before, which tells cached connection lists (graph/neo4jstore/neighbours.go) that they are out
// of date. Answers how many
// pairs were found.
// Cost: two index seeks per pair and the relationships between the pair.
UNWIND $batch.pairs AS pair
MATCH (low:Member {id: pair[0]})
MATCH (high:Member {id: pair[1]})
MERGE (low)-[c:CONNECTED_TO]->(high)
  ON CREATE SET c.since = $now,
                low.connectionsVersion = toInteger(rand() * 9007199254740991),
                high.connectionsVersion = toInteger(rand() * 9007199254740991)
WITH low, high
OPTIONAL MATCH (low)-[i:INVITED]-(high)
DELETE i
RETURN count(DISTINCT [low, high]) AS pairs

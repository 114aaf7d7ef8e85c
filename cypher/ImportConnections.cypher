// ImportConnections creates the connection of each row in $batch.pairs, [low, high, since] with
// low < high, as one CONNECTED_TO relationship from low to high. It trusts its input, as a bulk
// load into an empty graph may: it neither looks for an existing connection nor checks blocks or
// the connection limit. Answers how many connections were created; a row naming a missing member
// creates none. Each connection gives both members a new, random connections version
// (graph/neo4jstore/neighbours.go), so a running reach never answers from lists read before the load.
// Cost: two unique-index seeks per row.
UNWIND $batch.pairs AS pair
MATCH (low:Member {id: pair[0]})
MATCH (high:Member {id: pair[1]})
CREATE (low)-[:CONNECTED_TO {since: pair[2]}]->(high)
SET low.connectionsVersion = toInteger(rand() * 9007199254740991),
    high.connectionsVersion = toInteger(rand() * 9007199254740991)
RETURN count(*) AS created

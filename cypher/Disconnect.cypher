// Disconnect removes the connection between two members, if there is one, and answers whether the
// other member exists; a member in a block relation with the caller, either way, answers as one
// who does not. Removing a connection gives both members a new, random connections
// version (graph/neo4jstore/neighbours.go).
// Cost: two index seeks and the relationships between the pair.
MATCH (me:Member {id: $caller})
OPTIONAL MATCH (other:Member {id: $member})
  WHERE NOT EXISTS { (me)-[:BLOCKED]-(other) }
OPTIONAL MATCH (me)-[c:CONNECTED_TO]-(other)
FOREACH (_ IN CASE WHEN c IS NULL THEN [] ELSE [1] END |
  DELETE c
  SET me.connectionsVersion = toInteger(rand() * 9007199254740991),
      other.connectionsVersion = toInteger(rand() * 9007199254740991))
RETURN other IS NOT NULL AS found

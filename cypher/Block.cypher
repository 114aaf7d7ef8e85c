// Block records that the caller blocks a member, and removes the connection and any pending
// invitations between the two; removing the connection gives both members a new, random
// connections version (graph/neo4jstore/neighbours.go). Blocking again changes nothing.
// Cost: two index seeks and the relationships between the pair.
MATCH (me:Member {id: $caller})
MATCH (them:Member {id: $member})
MERGE (me)-[b:BLOCKED]->(them)
  ON CREATE SET b.at = $now
WITH me, them
OPTIONAL MATCH (me)-[c:CONNECTED_TO]-(them)
FOREACH (_ IN CASE WHEN c IS NULL THEN [] ELSE [1] END |
  DELETE c
  SET me.connectionsVersion = toInteger(rand() * 9007199254740991),
      them.connectionsVersion = toInteger(rand() * 9007199254740991))
WITH me, them
OPTIONAL MATCH (me)-[i:INVITED]-(them)
DELETE i

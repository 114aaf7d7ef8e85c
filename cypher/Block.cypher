// Block records that the caller blocks a member, and removes the connection and any pending
// invitations between the two. Blocking again changes nothing.
// Cost: two index seeks and the relationships between the pair.
MATCH (me:Member {id: $caller})
MATCH (them:Member {id: $member})
MERGE (me)-[b:BLOCKED]->(them)
  ON CREATE SET b.at = $now
WITH me, them
OPTIONAL MATCH (me)-[r:CONNECTED_TO|INVITED]-(them)
DELETE r

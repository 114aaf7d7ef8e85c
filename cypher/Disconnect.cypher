// Disconnect removes the connection between two members, if there is one, and answers whether the
// other member exists.
// Cost: two index seeks and the relationships between the pair.
MATCH (me:Member {id: $caller})
OPTIONAL MATCH (other:Member {id: $member})
OPTIONAL MATCH (me)-[c:CONNECTED_TO]-(other)
DELETE c
RETURN other IS NOT NULL AS found

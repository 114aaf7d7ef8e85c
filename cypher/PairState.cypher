// PairState answers, for two members, whether either blocks the other, whether they are
// connected, and which invitations stand between them in each direction.
// Cost: two index seeks, then relationships between two bound nodes (expanded from the smaller side).
MATCH (a:Member {id: $a})
MATCH (b:Member {id: $b})
OPTIONAL MATCH (a)-[sent:INVITED]->(b)
OPTIONAL MATCH (b)-[received:INVITED]->(a)
RETURN EXISTS { (a)-[:BLOCKED]-(b) } AS blocked,
       EXISTS { (a)-[:CONNECTED_TO]-(b) } AS connected,
       sent.id AS sentId,
       received.id AS receivedId

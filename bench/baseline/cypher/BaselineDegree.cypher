// BaselineDegree answers the degree between two members the textbook way, with shortestPath over
// connections up to 3 hops (null beyond), for comparison with Relations.
// Cost: Neo4j's bidirectional breadth-first search, unbounded by hub sizes.
MATCH (a:Member {id: $caller})
MATCH (b:Member {id: $member})
OPTIONAL MATCH p = shortestPath((a)-[:CONNECTED_TO*..3]-(b))
RETURN length(p) AS degree

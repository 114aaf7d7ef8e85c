// RehearsalPair finds two connected members in no block relation, whose requests Rehearse asks
// Neo4j to plan; none when the graph has no such pair.
// Cost: the first connections scanned until one qualifies.
MATCH (a:Member)-[:CONNECTED_TO]->(b:Member)
WHERE NOT EXISTS { (a)-[:BLOCKED]-(b) }
RETURN a.id AS a, b.id AS b
LIMIT 1

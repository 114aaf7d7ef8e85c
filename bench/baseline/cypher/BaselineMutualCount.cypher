// BaselineMutualCount answers how many connections two members share, with a plain pattern count.
// Cost: the planner's choice of side; a hub on the expanded side costs all its connections.
MATCH (a:Member {id: $caller})-[:CONNECTED_TO]-(m:Member)-[:CONNECTED_TO]-(b:Member {id: $member})
RETURN count(DISTINCT m) AS mutual

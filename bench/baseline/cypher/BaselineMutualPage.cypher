// BaselineMutualPage answers the first page of the connections two members share, by name, with a
// plain pattern match (the total comes from BaselineMutualCount, a second round trip).
// Cost: every shared connection is found and sorted.
MATCH (a:Member {id: $caller})-[:CONNECTED_TO]-(m:Member)-[:CONNECTED_TO]-(b:Member {id: $member})
WITH DISTINCT m
RETURN m.id AS id, m.name AS name, m.headline AS headline
ORDER BY name, id
LIMIT $limit

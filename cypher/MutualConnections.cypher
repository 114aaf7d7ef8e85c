// MutualConnections answers how many connections the caller and a member share, and one page of
// them ordered by name then id. The page starts after the key ($afterName, $afterId) when given and
// holds up to $limit + 1 rows, so the caller can tell whether another page follows. Members in a
// block relation with the caller are not counted; a member in one answers nothing at all.
// Cost: the side with fewer connections is expanded one hop; its connections are tested against
// the other side one by one, or intersected with the other side's connections read once when
// that is cheaper, so a hub on either end costs no more than its partner's connections do.
MATCH (me:Member {id: $caller})
MATCH (them:Member {id: $member})
WHERE NOT EXISTS { (me)-[:BLOCKED]-(them) }
WITH me, them, COLLECT { MATCH (me)-[:BLOCKED]-(b:Member) RETURN DISTINCT b } AS hidden,
     COUNT { (me)-[:CONNECTED_TO]-() } AS myConnections,
     COUNT { (them)-[:CONNECTED_TO]-() } AS theirConnections
WITH me, them, hidden,
     CASE WHEN myConnections <= theirConnections THEN me ELSE them END AS small,
     CASE WHEN myConnections <= theirConnections THEN them ELSE me END AS large,
     CASE WHEN myConnections <= theirConnections THEN theirConnections ELSE myConnections END AS largeConnections
WITH me, them, hidden, large, largeConnections,
     [(small)-[:CONNECTED_TO]-(x:Member) WHERE NOT x IN hidden AND x <> large | x] AS near
// As in Relations: read the larger side's connections once only when that is cheaper than
// testing each of the smaller side's connections against it.
WITH me, them, large, near,
     CASE WHEN me <> them
               AND largeConnections <= reduce(cost = 0, x IN near | cost + COUNT { (x)-[:CONNECTED_TO]-() })
          THEN COLLECT { MATCH (large)-[:CONNECTED_TO]-(y:Member) RETURN y }
     END AS ring
WITH CASE
       WHEN me = them THEN []
       WHEN ring IS NOT NULL THEN [x IN near WHERE x IN ring]
       ELSE [x IN near WHERE EXISTS { (x)-[:CONNECTED_TO]-(large) }]
     END AS mutuals
WITH size(mutuals) AS total,
     [x IN mutuals WHERE $afterId IS NULL
                      OR x.name > $afterName
                      OR (x.name = $afterName AND x.id > $afterId)] AS rest
RETURN total, COLLECT {
  UNWIND rest AS x
  RETURN x {.id, .name, .headline}
  ORDER BY x.name, x.id
  LIMIT $limit + 1
} AS items

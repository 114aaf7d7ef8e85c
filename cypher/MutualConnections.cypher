// MutualConnections answers how many connections the caller and a member share, and one page of
// them ordered by name then id. The page starts after the key ($afterName, $afterId) when given and
// holds up to $limit + 1 rows, so the caller can tell whether another page follows. Members in a
// block relation with the caller are not counted; a member in one answers nothing at all.
// Cost: the side with fewer connections is expanded one hop and each neighbour tested against the
// other side, so a hub on either end costs no more than its partner's connection count.
MATCH (me:Member {id: $caller})
MATCH (them:Member {id: $member})
WHERE NOT EXISTS { (me)-[:BLOCKED]-(them) }
WITH me, them, COLLECT { MATCH (me)-[:BLOCKED]-(b:Member) RETURN DISTINCT b } AS hidden,
     CASE WHEN COUNT { (me)-[:CONNECTED_TO]-() } <= COUNT { (them)-[:CONNECTED_TO]-() }
          THEN [me, them] ELSE [them, me] END AS sides
WITH me, them, hidden, sides[0] AS small, sides[1] AS large
WITH me, them, CASE WHEN me = them THEN [] ELSE COLLECT {
       MATCH (small)-[:CONNECTED_TO]-(x:Member)
       WHERE NOT x IN hidden AND EXISTS { (x)-[:CONNECTED_TO]-(large) }
       RETURN x
     } END AS mutuals
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

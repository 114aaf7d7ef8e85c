// Connections answers a member's connection count and, unless the member hides their connections
// from the caller ($caller is not the member and connectionsVisibility is 'only_me'), one page of
// them ordered by name then id, starting after ($afterName, $afterId) when given, with up to
// $limit + 1 rows so the caller can tell whether another page follows. Members in a block
// relation with the caller are left out of the page; a member in one with the caller answers
// nothing at all.
// Cost: the member's connections, sorted; bounded by the per-member connection limit. The total
// reads the stored degree, less the few members in a block relation with the caller.
MATCH (me:Member {id: $caller})
MATCH (m:Member {id: $member})
WHERE NOT EXISTS { (me)-[:BLOCKED]-(m) }
WITH me, m, COLLECT { MATCH (me)-[:BLOCKED]-(b:Member) RETURN DISTINCT b } AS hidden,
     m.connectionsVisibility = 'only_me' AND m <> me AS private
RETURN private AS hidden,
       COUNT { (m)-[:CONNECTED_TO]-() } - size([b IN hidden WHERE EXISTS { (m)-[:CONNECTED_TO]-(b) }]) AS total,
       CASE WHEN private THEN [] ELSE COLLECT {
         MATCH (m)-[:CONNECTED_TO]-(x:Member)
         WHERE ($afterId IS NULL
                OR x.name > $afterName
                OR (x.name = $afterName AND x.id > $afterId))
           AND NOT x IN hidden
         RETURN x {.id, .name, .headline}
         ORDER BY x.name, x.id
         LIMIT $limit + 1
       } END AS items

// Degrees answers how far the caller stands from each member in $members (0, 1, 2, 3, or null
// beyond 3 hops), for lists that show many members to one caller, such as a mailbox page. It
// reads the caller's two-hop neighbourhood once and tests each member against it, instead of
// working out each pair on its own; when that neighbourhood is larger than $reach (a hub's), it
// tests each member on its own, stopping at the first chain found. Members in a block relation
// with the caller are left out, and never count as a step.
// Cost: the caller's connections and theirs, once, plus each member's connections.
MATCH (me:Member {id: $caller})
WITH me, COLLECT { MATCH (me)-[:BLOCKED]-(b:Member) RETURN DISTINCT b } AS hidden
WITH me, hidden, [(me)-[:CONNECTED_TO]-(x:Member) WHERE NOT x IN hidden | x] AS first
WITH me, hidden, first,
     reduce(size = 0, x IN first | size + COUNT { (x)-[:CONNECTED_TO]-() }) <= $reach AS small
WITH me, hidden, first, small,
     CASE WHEN small THEN COLLECT {
       UNWIND first AS x
       MATCH (x)-[:CONNECTED_TO]-(y:Member)
       WHERE NOT y IN hidden
       RETURN DISTINCT y
     } END AS second
UNWIND $members AS memberId
MATCH (them:Member {id: memberId})
WHERE NOT them IN hidden
RETURN them.id AS id, CASE
  WHEN them = me THEN 0
  WHEN them IN first THEN 1
  WHEN small AND them IN second THEN 2
  WHEN small AND EXISTS { MATCH (them)-[:CONNECTED_TO]-(z:Member) WHERE z IN second } THEN 3
  WHEN small THEN null
  WHEN EXISTS { MATCH (me)-[:CONNECTED_TO]-(x:Member)-[:CONNECTED_TO]-(them)
                WHERE NOT x IN hidden } THEN 2
  WHEN EXISTS { MATCH (me)-[:CONNECTED_TO]-(x:Member)-[:CONNECTED_TO]-(y:Member)-[:CONNECTED_TO]-(them)
                WHERE NOT x IN hidden AND NOT y IN hidden } THEN 3
END AS degree

// SearchMembers answers the ids of members whose name starts with $prefix (lower-cased), as
// candidates for ranking: every match among the caller's 1st and 2nd degree connections, and the
// first $cap matches of the whole network in name order. Left out: the caller, members in a
// block relation with the caller, and members who are not searchable unless they are the
// caller's connections.
// Cost: a range-index prefix seek bounded by $cap, plus the caller's two-hop neighbourhood.
MATCH (me:Member {id: $caller})
WITH me, COLLECT { MATCH (me)-[:BLOCKED]-(b:Member) RETURN DISTINCT b } AS hidden
CALL (me) {
  MATCH (me)-[:CONNECTED_TO]-{1,2}(m:Member)
  WHERE m.nameLower STARTS WITH $prefix
  RETURN DISTINCT m
  UNION
  MATCH (m:Member)
  WHERE m.nameLower STARTS WITH $prefix
  RETURN m
  ORDER BY m.nameLower
  LIMIT $cap
}
WITH me, hidden, m
WHERE m <> me AND NOT m IN hidden
  AND (m.searchable OR EXISTS { (m)-[:CONNECTED_TO]-(me) })
RETURN collect(DISTINCT m.id) AS ids

// SearchMembers answers the ids, names and headlines of members whose name starts with $prefix
// (lower-cased), as candidates for ranking: every match among the caller's connections, and the first $cap matches
// of the whole network in name order, among which the caller's 2nd and 3rd degree are found. Left
// out: the caller, members in a block relation with the caller, and members who are not
// searchable unless they are the caller's connections. A 2nd-degree match past the network's
// first $cap is not a candidate: walking the caller's second degree would cost up to
// MaxConnections squared, and a longer prefix finds it.
// Cost: the caller's connections (at most MaxConnections) and a range-index prefix seek bounded by
// $cap, each row checked against the caller's blocks.
MATCH (me:Member {id: $caller})
WITH me, COLLECT { MATCH (me)-[:BLOCKED]-(b:Member) RETURN DISTINCT b } AS hidden
CALL (me) {
  MATCH (me)-[:CONNECTED_TO]-(m:Member)
  WHERE m.nameLower STARTS WITH $prefix
  RETURN m
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
RETURN collect(DISTINCT m {.id, name: coalesce(m.name, ''), headline: coalesce(m.headline, '')}) AS found

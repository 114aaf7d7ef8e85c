// Path answers one shortest chain of connections from the caller to a member, both ends included,
// or null when there is none within 3 hops. No step is a member in a block relation with the
// caller; a member in one answers nothing at all.
// Cost: SHORTEST runs a bidirectional breadth-first search between the two bound members, growing
// the smaller frontier first, and never beyond 3 hops.
MATCH (me:Member {id: $caller})
MATCH (them:Member {id: $member})
WHERE NOT EXISTS { (me)-[:BLOCKED]-(them) }
WITH me, them, COLLECT { MATCH (me)-[:BLOCKED]-(b:Member) RETURN DISTINCT b } AS hidden
OPTIONAL MATCH p = SHORTEST 1 (me)(()-[:CONNECTED_TO]-(step:Member) WHERE NOT step IN hidden){0,3}(them)
RETURN CASE WHEN p IS NULL THEN null ELSE [n IN nodes(p) | n {.id, .name}] END AS path

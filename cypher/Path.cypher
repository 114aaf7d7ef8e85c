// Path answers one shortest chain of connections from the caller to a member, both ends included,
// or null when there is none within 3 hops.
// Cost: SHORTEST runs a bidirectional breadth-first search between the two bound members, growing
// the smaller frontier first, and never beyond 3 hops.
MATCH (me:Member {id: $caller})
MATCH (them:Member {id: $member})
OPTIONAL MATCH p = SHORTEST 1 (me)-[:CONNECTED_TO]-{0,3}(them)
RETURN CASE WHEN p IS NULL THEN null ELSE [n IN nodes(p) | n {.id, .name}] END AS path

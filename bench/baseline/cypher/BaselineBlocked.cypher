// BaselineBlocked answers whether either of two members blocks the other: the first of the
// separate queries a team without reach would run for "may I message X".
// Cost: two index seeks and the relationships between the pair.
MATCH (a:Member {id: $caller})
MATCH (b:Member {id: $member})
RETURN EXISTS { (a)-[:BLOCKED]-(b) } AS blocked

// Blocks answers one page of the members the caller blocks, most recent first (ties broken by
// id), starting after ($afterAt, $afterId) when given, with up to $limit + 1 rows. With $only set,
// it answers just whether the caller blocks that member.
// Cost: the caller's BLOCKED relationships, sorted.
MATCH (me:Member {id: $caller})-[b:BLOCKED]->(them:Member)
WHERE ($only IS NULL OR them.id = $only)
  AND ($afterId IS NULL OR b.at < $afterAt OR (b.at = $afterAt AND them.id > $afterId))
WITH b, them
ORDER BY b.at DESC, them.id
LIMIT $limit + 1
RETURN them {.id, .name, .headline} AS member, b.at AS at

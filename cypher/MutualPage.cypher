// MutualPage answers one page of the members in mutuals, ordered by name then id, and how many
// there are. The page starts after the key ($afterName, $afterId) when given and holds up to
// $limit + 1 rows, so the caller can tell whether another page follows. It is not a statement on
// its own: it closes MutualConnections and CachedMutualConnections (cypher.go), which say who
// the mutual connections are. A page answered from memory (graph/projection/mutual.go) is the
// same page, in the same order: change one, change the other. One difference: Neo4j orders names
// by code point but compares a stored name with $afterName in UTF-16 order, so where names mix
// U+E000 to U+FFFF with characters beyond U+FFFF (emoji) these pages can repeat or skip a
// member; memory compares by code point throughout.
// Cost: an index seek per member in mutuals, and a sort of those after the key.
CALL (mutuals) {
  UNWIND mutuals AS memberId
  MATCH (x:Member {id: memberId})
  WHERE $afterId IS NULL OR x.name > $afterName OR (x.name = $afterName AND x.id > $afterId)
  WITH x
  ORDER BY x.name, x.id
  LIMIT $limit + 1
  RETURN collect(x {.id, .name, .headline}) AS items
}
RETURN size(mutuals) AS total, items

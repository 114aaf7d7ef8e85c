// MutualConnections answers one page of the mutual connections in $members (which the store has
// found from connection lists, leaving out members in a block relation with the caller), ordered
// by name then id, and how many there are. The page starts after the key ($afterName, $afterId)
// when given and holds up to $limit + 1 rows, so the caller can tell whether another page follows.
// Cost: an index seek per member in $members, and a sort of those after the key.
UNWIND $members AS memberId
MATCH (x:Member {id: memberId})
WHERE $afterId IS NULL OR x.name > $afterName OR (x.name = $afterName AND x.id > $afterId)
WITH x
ORDER BY x.name, x.id
LIMIT $limit + 1
WITH collect(x {.id, .name, .headline}) AS items
RETURN size($members) AS total, items

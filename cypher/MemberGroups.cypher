// MemberGroups answers how many groups member $member is in and one page of them ordered by name
// then id, starting after ($afterName, $afterId) when given, with up to $limit + 1 rows so the
// caller can tell whether another page follows.
// Cost: an index seek and the member's group memberships (a handful), sorted.
MATCH (m:Member {id: $member})
RETURN COUNT { (m)-[:MEMBER_OF]->(:Group) } AS total,
       COLLECT {
         MATCH (m)-[:MEMBER_OF]->(g:Group)
         WHERE $afterId IS NULL OR g.name > $afterName OR (g.name = $afterName AND g.id > $afterId)
         RETURN g {.id, .name}
         ORDER BY g.name, g.id
         LIMIT $limit + 1
       } AS items

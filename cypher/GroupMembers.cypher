// GroupMembers answers, for caller $caller, whether group $group exists and the caller is in it,
// and then the group's member count and one page of its members ordered by name then id,
// starting after ($afterName, $afterId) when given, with up to $limit + 1 rows so the caller can
// tell whether another page follows. Members in a block relation with the caller, either way,
// are left out of both. A caller who is not in the group gets no total and no page.
// Cost: two index seeks, then a scan and sort of the group's members: bounded by the group's size
// (the largest groups hold a few million members; see docs/performance.md).
MATCH (g:Group {id: $group})
OPTIONAL MATCH (me:Member {id: $caller})-[:MEMBER_OF]->(g)
WITH g, me, COLLECT { MATCH (me)-[:BLOCKED]-(b:Member) RETURN DISTINCT b } AS hidden
RETURN me IS NOT NULL AS member,
       CASE WHEN me IS NULL THEN 0 ELSE
         COUNT { (g)<-[:MEMBER_OF]-(x:Member) WHERE NOT x IN hidden } END AS total,
       CASE WHEN me IS NULL THEN [] ELSE COLLECT {
         MATCH (g)<-[:MEMBER_OF]-(x:Member)
         WHERE ($afterId IS NULL
                OR x.name > $afterName
                OR (x.name = $afterName AND x.id > $afterId))
           AND NOT x IN hidden
         RETURN x {.id, .name, .headline}
         ORDER BY x.name, x.id
         LIMIT $limit + 1
       } END AS items

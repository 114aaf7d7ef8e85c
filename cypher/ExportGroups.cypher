// ExportGroups answers every group member $id is in, for their export, with when they joined,
// by name then id.
// Cost: an index seek and the member's MEMBER_OF relationships (a handful), sorted.
MATCH (:Member {id: $id})-[r:MEMBER_OF]->(g:Group)
WITH r, g
ORDER BY g.name, g.id
RETURN g {.id, .name} AS group, r.since AS since

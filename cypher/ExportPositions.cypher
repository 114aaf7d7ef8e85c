// ExportPositions answers every position member $id holds or held, for their export, with its
// organisation, earliest first (ties broken by organisation id).
// Cost: an index seek and the member's HELD relationships (a handful), sorted.
MATCH (:Member {id: $id})-[p:HELD]->(o:Organisation)
WITH p, o
ORDER BY p.from, o.id
RETURN o {.id, .name, .kind} AS org, coalesce(p.title, '') AS title, p.from AS from, p.to AS to

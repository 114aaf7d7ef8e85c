// ProjectionNames reads every organisation and group, with its name and kind ('company',
// 'school', or 'group' for a group), for a replica loading its projection (graph/projection/projection.go).
// Each is named by its internal node id too, which ProjectionMembers lists members' affiliations
// by; the internal ids are only used within one load.
// Cost: a scan of the organisations and the groups.
CALL () {
  MATCH (o:Organisation) RETURN id(o) AS node, o.id AS id, o.name AS name, o.kind AS kind
  UNION ALL
  MATCH (g:Group) RETURN id(g) AS node, g.id AS id, g.name AS name, 'group' AS kind
}
RETURN node, id, coalesce(name, '') AS name, kind

// ExportConnections answers every connection of the member $id, for their export, by id, with
// when it was made. Read in a transaction of its own with the export's other statements.
// Cost: the member's connections (at most MaxConnections), sorted; the driver fetches the rows in
// bounded batches as the export is written.
MATCH (me:Member {id: $id})-[c:CONNECTED_TO]-(other:Member)
WITH other, c
ORDER BY other.id
RETURN other {.id, .name, .headline} AS member, c.since AS since

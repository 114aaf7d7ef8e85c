// ProjectionMembers reads the members whose internal node ids lie in [$from, $to), with the facts
// the messaging decision needs (the same facts AppendChange records) and their connections,
// for a replica loading its projection (graph/projection.go); a load reads several ranges at
// once. Each connection is read from one side only, the one it points from (Connect stores each
// once), and members and connections are named by internal node ids, which cost no property
// read and travel as integers; the loader maps them to member ids once every member is read,
// and lists each connection on both sides. The internal ids are only used within one load.
// Cost: a scan of the members in the range and of the connections they point to.
MATCH (m:Member)
WHERE id(m) >= $from AND id(m) < $to
RETURN id(m) AS node, m.id AS id, coalesce(m.inmail, 'anyone') AS inmail,
       coalesce(m.openProfile, false) AS openProfile, coalesce(m.restricted, false) AS restricted,
       coalesce(m.plan, 'free') AS plan, coalesce(m.inmailCredits, 0) AS credits,
       coalesce(m.planGrantedAt.epochMillis, 0) AS grantedAt,
       [(m)-[:CONNECTED_TO]->(x:Member) | id(x)] AS connections

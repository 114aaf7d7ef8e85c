// ProjectionMembers reads the members whose internal node ids lie in [$from, $to), with the facts
// the messaging decision needs, their name and headline (what AppendChange records of a member)
// and how many connections they have, for a replica loading its projection
// (graph/projection/projection.go); a load reads several ranges at once, then the connections
// themselves (ProjectionConnections) into lists sized from these counts. Members are named by
// internal node ids, which cost no property read and travel as integers; the loader maps them to
// member ids once every member is read. The internal ids are only used within one load.
// With them come the member's affiliations: the organisations they have held a position at (by
// internal node id, with whether any position there is current: to absent) and the groups they
// are in, named by ProjectionNames.
// Cost: a scan of the members in the range, the count of each one's connections (the store keeps
// it for a member with many), and their positions and group memberships (a handful each).
MATCH (m:Member)
WHERE id(m) >= $from AND id(m) < $to
RETURN id(m) AS node, m.id AS id, coalesce(m.name, '') AS name, coalesce(m.headline, '') AS headline,
       coalesce(m.inmail, 'anyone') AS inmail,
       coalesce(m.openProfile, false) AS openProfile, coalesce(m.restricted, false) AS restricted,
       coalesce(m.plan, 'free') AS plan, coalesce(m.inmailCredits, 0) AS credits,
       coalesce(m.planGrantedAt.epochMillis, 0) AS grantedAt,
       coalesce(m.messageRequests, true) AS messageRequests, coalesce(m.requestsMonth, 0) AS requestsMonth,
       coalesce(m.requestsSent, 0) AS requestsSent,
       COUNT { (m)-[:CONNECTED_TO]-() } AS connections,
       [(m)-[p:HELD]->(o:Organisation) | [id(o), p.to IS NULL]] AS held,
       [(m)-[:MEMBER_OF]->(g:Group) | id(g)] AS groups

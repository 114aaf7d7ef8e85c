// ProjectionMembers reads every member with the facts the messaging decision needs (the same
// facts AppendChange records) and their connections, for a replica loading its projection
// (graph/projection.go). Members and connections are named by Neo4j's internal node ids, which
// cost no property read and travel as integers; the loader maps them to member ids once every
// member is read. The internal ids are only used within one load.
// Cost: a scan of all members and of all their connections.
MATCH (m:Member)
RETURN id(m) AS node, m.id AS id, coalesce(m.inmail, 'anyone') AS inmail,
       coalesce(m.openProfile, false) AS openProfile, coalesce(m.restricted, false) AS restricted,
       coalesce(m.plan, 'free') AS plan, coalesce(m.inmailCredits, 0) AS credits,
       coalesce(m.planGrantedAt.epochMillis, 0) AS grantedAt,
       [(m)-[:CONNECTED_TO]-(x:Member) | id(x)] AS connections

// ProjectionMembers reads every member with the facts the messaging decision needs, for a replica
// loading its projection (graph/projection.go); the same facts AppendChange records.
// Cost: a scan of all members.
MATCH (m:Member)
RETURN m.id AS id, coalesce(m.inmail, 'anyone') AS inmail, coalesce(m.openProfile, false) AS openProfile,
       coalesce(m.restricted, false) AS restricted, coalesce(m.plan, 'free') AS plan,
       coalesce(m.inmailCredits, 0) AS credits, coalesce(m.planGrantedAt.epochMillis, 0) AS grantedAt

// ProjectionRange answers the range of the members' internal node ids, which a projection load
// splits into parts read at once (ProjectionMembers).
// Cost: a scan of the member label's node ids.
MATCH (m:Member)
RETURN coalesce(min(id(m)), 0) AS low, coalesce(max(id(m)), -1) AS high

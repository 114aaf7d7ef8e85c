// CountMembers answers how many members the graph holds.
// Cost: read from the count store, not a scan.
MATCH (m:Member)
RETURN count(m) AS members

// JoinGroup makes member $member a member of group $group; joining again changes nothing.
// Answers one row when both exist, none otherwise.
// Cost: two unique-index seeks and, for MERGE, the member's group memberships (a handful).
MATCH (m:Member {id: $member})
MATCH (g:Group {id: $group})
MERGE (m)-[r:MEMBER_OF]->(g)
  ON CREATE SET r.since = $now
RETURN g.id AS group

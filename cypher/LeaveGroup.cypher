// LeaveGroup takes member $member out of group $group, if they are in it; leaving again changes
// nothing. Answers one row when the group exists, none otherwise.
// Cost: an index seek for the group and the member's group memberships (a handful).
MATCH (g:Group {id: $group})
OPTIONAL MATCH (:Member {id: $member})-[r:MEMBER_OF]->(g)
DELETE r
RETURN DISTINCT g.id AS group

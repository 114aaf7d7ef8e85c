// Unblock removes the caller's block of a member, if there is one.
// Cost: two index seeks and the relationships between the pair.
MATCH (me:Member {id: $caller})-[b:BLOCKED]->(them:Member {id: $member})
DELETE b

// CreateInvitation records a pending invitation from one member to another, sent $now.
// Cost: two index seeks.
MATCH (from:Member {id: $from})
MATCH (to:Member {id: $to})
CREATE (from)-[i:INVITED {id: $id, note: $note, sentAt: $now}]->(to)

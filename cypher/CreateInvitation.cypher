// CreateInvitation records a pending invitation from one member to another and answers when it
// was sent.
// Cost: two index seeks.
MATCH (from:Member {id: $from})
MATCH (to:Member {id: $to})
CREATE (from)-[i:INVITED {id: $id, note: $note, sentAt: datetime.transaction()}]->(to)
RETURN i.sentAt AS sentAt

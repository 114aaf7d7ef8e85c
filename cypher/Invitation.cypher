// Invitation answers one pending invitation by its id, with the two members it stands between.
// Cost: one relationship-index seek on INVITED(id).
MATCH (from:Member)-[i:INVITED {id: $id}]->(to:Member)
RETURN i.id AS id, from.id AS from, to.id AS to, i.note AS note, i.sentAt AS sentAt

// ImportInvitations records each pending invitation in $batch.invitations, as CreateInvitation does
// (a null note leaves the property out). It trusts its input: the two members must be neither
// connected nor in a block relation, with no other invitation between them. Answers how many
// invitations were created.
// Cost: two unique-index seeks and one unique-index insert (invitation id) per row.
UNWIND $batch.invitations AS i
MATCH (from:Member {id: i.from})
MATCH (to:Member {id: i.to})
CREATE (from)-[inv:INVITED {id: i.id, note: i.note, sentAt: i.sentAt}]->(to)
RETURN count(inv) AS created

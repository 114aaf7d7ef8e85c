// DeleteInvitation removes a pending invitation (declined or withdrawn).
// Cost: one relationship-index seek.
MATCH ()-[i:INVITED {id: $id}]->()
DELETE i

// PutGroup creates the group $id or renames it, and answers whether it was created. Its name
// reaches every replica through the change log.
// Cost: one unique-index seek (MERGE on the constrained id also locks it against a racing create).
MERGE (g:Group {id: $id})
  ON CREATE SET g.createdAt = $now
SET g.name = $name
RETURN g.createdAt = $now AS created

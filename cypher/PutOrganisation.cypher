// PutOrganisation creates the organisation $id (a company or a school) or renames it, and answers
// whether it was created. Its name and kind reach every replica through the change log.
// Cost: one unique-index seek (MERGE on the constrained id also locks it against a racing create).
MERGE (o:Organisation {id: $id})
  ON CREATE SET o.createdAt = $now
SET o.name = $name, o.kind = $kind
RETURN o.createdAt = $now AS created

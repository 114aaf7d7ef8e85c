// ImportOrganisations creates each organisation in $batch.organisations, {id, name, kind}, for a bulk
// load into an empty graph. Answers how many were created; an id already taken fails the
// organisation_id constraint.
// Cost: one unique-index insert per row.
UNWIND $batch.organisations AS o
CREATE (:Organisation {id: o.id, name: o.name, kind: o.kind})
RETURN count(*) AS created

// MissingOrganisations answers which of the organisation ids in $batch.ids name no organisation, so
// that positions at an unknown organisation are refused, naming it, before any is written.
// Cost: one unique-index seek per id.
UNWIND $batch.ids AS id
OPTIONAL MATCH (o:Organisation {id: id})
WITH id, o
WHERE o IS NULL
RETURN collect(id) AS missing

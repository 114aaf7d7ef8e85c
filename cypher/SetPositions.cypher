// SetPositions replaces the positions member $member holds with $batch.positions, each
// {org, title, from, to} (years; to null while the position is current), one HELD relationship
// per position. MissingOrganisations has checked that every org exists; organisations are never
// deleted.
// Cost: an index seek for the member, their positions (a handful), and one seek per new position.
MATCH (m:Member {id: $member})
OPTIONAL MATCH (m)-[old:HELD]->(:Organisation)
DELETE old
WITH DISTINCT m
UNWIND $batch.positions AS p
MATCH (o:Organisation {id: p.org})
CREATE (m)-[:HELD {title: p.title, from: p.from, to: p.to}]->(o)
RETURN count(*) AS written

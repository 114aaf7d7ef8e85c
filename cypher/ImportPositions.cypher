// ImportPositions records each position in $batch.positions, {member, org, title, from, to}, as a HELD
// relationship, for a bulk load into an empty graph. Answers how many were created; a row naming
// a missing member or organisation creates none.
// Cost: two unique-index seeks per row.
UNWIND $batch.positions AS p
MATCH (m:Member {id: p.member})
MATCH (o:Organisation {id: p.org})
CREATE (m)-[:HELD {title: p.title, from: p.from, to: p.to}]->(o)
RETURN count(*) AS created

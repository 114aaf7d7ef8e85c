// ImportBlocks records, for each row in $batch.blocks, that member `by` blocks member `member` since
// `at`. It trusts its input: the two must not be connected or have invitations between them.
// Answers how many blocks were created.
// Cost: two unique-index seeks per row.
UNWIND $batch.blocks AS b
MATCH (by:Member {id: b.by})
MATCH (them:Member {id: b.member})
CREATE (by)-[:BLOCKED {at: b.at}]->(them)
RETURN count(*) AS created

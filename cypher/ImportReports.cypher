// ImportReports records, for each row in $batch.reports, that member `by` reported member `member`
// for `reason` at `at`. It trusts its input, and does not restrict anyone: the members' own rows
// say who is restricted. Answers how many reports were created.
// Cost: two unique-index seeks per row.
UNWIND $batch.reports AS r
MATCH (by:Member {id: r.by})
MATCH (them:Member {id: r.member})
CREATE (by)-[:REPORTED {reason: r.reason, at: r.at}]->(them)
RETURN count(*) AS created

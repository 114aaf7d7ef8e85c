// ImportMemberships puts each member of $batch.memberships, {member, group, since}, in their group, for
// a bulk load into an empty graph: it trusts each pair to be listed once. Answers how many were
// created; a row naming a missing member or group creates none.
// Cost: two unique-index seeks per row.
UNWIND $batch.memberships AS r
MATCH (m:Member {id: r.member})
MATCH (g:Group {id: r.group})
CREATE (m)-[:MEMBER_OF {since: r.since}]->(g)
RETURN count(*) AS created

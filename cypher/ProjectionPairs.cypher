// ProjectionPairs reads every relationship between two members that the projection keeps besides
// connections (ProjectionMembers reads those), one row each, as the bits AppendChange uses for a
// pair read from a to b: 2 a blocks b, 8 a wrote to b, 32 a's InMail or request to b awaits an
// answer, 256 a declined b's InMail or request, 512 b accepted a's request (those of messages from
// a's side of their conversation). A pair of members may have several rows; the projection joins
// them.
// Cost: a scan of the BLOCKED, IN (two per conversation) and DECLINED relationships.
CALL () {
  MATCH (a:Member)-[:BLOCKED]->(b:Member) RETURN a.id AS a, b.id AS b, 2 AS bits
  UNION ALL
  MATCH (a:Member)-[s:IN]->(:Conversation)<-[:IN]-(b:Member)
  WHERE s.wrote
  RETURN a.id AS a, b.id AS b,
         8 + CASE WHEN s.pending > 0 THEN 32 ELSE 0 END + CASE WHEN s.accepted THEN 512 ELSE 0 END AS bits
  UNION ALL
  MATCH (a:Member)-[:DECLINED]->(b:Member) RETURN a.id AS a, b.id AS b, 256 AS bits
}
RETURN a, b, bits

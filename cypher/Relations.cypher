// Relations answers how the caller stands to each member in $members, in one round trip: the
// member's profile and connection count; the degree (0 for the caller, 1, 2, 3, or null when
// further than 3 hops or not connected at all); the number of mutual connections; and what the
// messaging rules need (has the member written to the caller, declined the caller's InMail, or an
// InMail from the caller awaiting an answer). The caller comes back once per row, for their
// credits and restriction.
// A member in a block relation with the caller, either way, is left out, as if not in the graph;
// such members are also never counted as mutual connections or used as steps of a chain.
// Cost is bounded by the side with fewer connections, never by a hub's:
// - the direct check is a relationship test between two bound nodes;
// - mutual connections expand the side with fewer connections by one hop and test each neighbour
//   against the other side;
// - only when both are zero does it look for a 3-hop chain: it collects the larger side's
//   neighbours once, then walks two hops from the smaller side and stops at the first neighbour
//   of the larger side it meets.
MATCH (me:Member {id: $caller})
WITH me,
     COLLECT { MATCH (me)-[:BLOCKED]-(b:Member) RETURN DISTINCT b } AS hidden,
     COUNT { (me)-[:CONNECTED_TO]-() } AS myConnections
UNWIND $members AS memberId
MATCH (them:Member {id: memberId})
WHERE NOT them IN hidden
WITH me, hidden, myConnections, them, COUNT { (them)-[:CONNECTED_TO]-() } AS theirConnections
WITH me, hidden, them, theirConnections,
     CASE WHEN myConnections <= theirConnections THEN me ELSE them END AS small,
     CASE WHEN myConnections <= theirConnections THEN them ELSE me END AS large
WITH me, hidden, them, theirConnections, small, large,
     me <> them AND EXISTS { (me)-[:CONNECTED_TO]-(them) } AS direct,
     CASE WHEN me = them THEN 0 ELSE COUNT {
       MATCH (small)-[:CONNECTED_TO]-(x:Member)
       WHERE NOT x IN hidden AND EXISTS { (x)-[:CONNECTED_TO]-(large) }
     } END AS mutual
OPTIONAL CALL (small, large, hidden, direct, mutual) {
  WITH small, large, hidden, direct, mutual
  WHERE NOT direct AND mutual = 0 AND small <> large
  MATCH (large)-[:CONNECTED_TO]-(y:Member)
  WHERE NOT y IN hidden
  WITH small, hidden, collect(y) AS ring
  RETURN EXISTS {
    MATCH (small)-[:CONNECTED_TO]-(x:Member)-[:CONNECTED_TO]-(y:Member)
    WHERE NOT x IN hidden AND y IN ring
  } AS third
}
RETURN them {
         .id, .name, .headline, .company, .inmailCredits, .plan, .planGrantedAt, .restricted,
         .inmail, .openProfile, .profileVisibility, .connectionsVisibility, .searchable
       } AS member,
       theirConnections AS connections,
       CASE
         WHEN me = them THEN 0
         WHEN direct THEN 1
         WHEN mutual > 0 THEN 2
         WHEN third THEN 3
       END AS degree,
       mutual,
       me <> them AND EXISTS { (them)-[:MESSAGED]->(me) } AS theyWroteFirst,
       EXISTS { (them)-[:DECLINED]->(me) } AS declined,
       EXISTS { (me)-[:MESSAGED {kind: 'inmail', status: 'pending'}]->(them) } AS awaitingReply,
       me {
         .id, .name, .headline, .company, .inmailCredits, .plan, .planGrantedAt, .restricted,
         .inmail, .openProfile, .profileVisibility, .connectionsVisibility, .searchable
       } AS caller

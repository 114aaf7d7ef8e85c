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
// - mutual connections take the smaller side's connections and either test each against the
//   larger side (a relationship test, reading at most that connection's own connections) or, when
//   cheaper, intersect them with the larger side's connections read once (a hash lookup each);
// - only when both are zero does it look for a 3-hop chain: it walks one more hop from the
//   smaller side's connections and stops at the first of the larger side's connections it meets.
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
     CASE WHEN myConnections <= theirConnections THEN them ELSE me END AS large,
     CASE WHEN myConnections <= theirConnections THEN theirConnections ELSE myConnections END AS largeConnections
WITH me, hidden, them, theirConnections, small, large, largeConnections,
     me <> them AND EXISTS { (me)-[:CONNECTED_TO]-(them) } AS direct,
     [(small)-[:CONNECTED_TO]-(x:Member) WHERE NOT x IN hidden AND x <> large | x] AS near
// The large side's connections are collected (one read each) only when that is cheaper than
// testing each of the small side's connections against it (their own connections at most).
WITH me, hidden, them, theirConnections, small, large, direct, near,
     CASE WHEN me <> them
               AND largeConnections <= reduce(cost = 0, x IN near | cost + COUNT { (x)-[:CONNECTED_TO]-() })
          THEN COLLECT { MATCH (large)-[:CONNECTED_TO]-(y:Member) WHERE NOT y IN hidden RETURN y }
     END AS ring
WITH me, hidden, them, theirConnections, small, large, direct, near, ring,
     CASE
       WHEN me = them THEN 0
       WHEN ring IS NOT NULL THEN size([x IN near WHERE x IN ring])
       ELSE size([x IN near WHERE EXISTS { (x)-[:CONNECTED_TO]-(large) }])
     END AS mutual
OPTIONAL CALL (small, large, hidden, direct, mutual, near, ring) {
  WITH small, large, hidden, direct, mutual, near, ring
  WHERE NOT direct AND mutual = 0 AND small <> large
  WITH near, coalesce(ring, COLLECT {
         MATCH (large)-[:CONNECTED_TO]-(y:Member) WHERE NOT y IN hidden RETURN y
       }) AS far
  RETURN EXISTS {
    UNWIND near AS x
    MATCH (x)-[:CONNECTED_TO]-(y:Member)
    WHERE y IN far
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

// Relation answers how the caller stands to a member, in one round trip: the member's profile and
// connection count, the degree (0 for the caller, 1, 2, 3, or null when further than 3 hops or not
// connected at all) and the number of mutual connections.
// Cost is bounded by the side with fewer connections, never by a hub's:
// - the direct check is a relationship test between two bound nodes;
// - mutual connections expand the side with fewer connections by one hop and test each neighbour
//   against the other side;
// - only when both are zero does it look for a 3-hop chain: it collects the larger side's
//   neighbours once, then walks two hops from the smaller side and stops at the first neighbour
//   of the larger side it meets.
MATCH (me:Member {id: $caller})
MATCH (them:Member {id: $member})
WITH me, them,
     COUNT { (me)-[:CONNECTED_TO]-() } AS myConnections,
     COUNT { (them)-[:CONNECTED_TO]-() } AS theirConnections
WITH me, them, theirConnections,
     CASE WHEN myConnections <= theirConnections THEN me ELSE them END AS small,
     CASE WHEN myConnections <= theirConnections THEN them ELSE me END AS large
WITH me, them, theirConnections, small, large,
     me <> them AND EXISTS { (me)-[:CONNECTED_TO]-(them) } AS direct,
     CASE WHEN me = them THEN 0 ELSE COUNT {
       MATCH (small)-[:CONNECTED_TO]-(x:Member)
       WHERE EXISTS { (x)-[:CONNECTED_TO]-(large) }
     } END AS mutual
OPTIONAL CALL (small, large, direct, mutual) {
  WITH small, large, direct, mutual
  WHERE NOT direct AND mutual = 0 AND small <> large
  MATCH (large)-[:CONNECTED_TO]-(y:Member)
  WITH small, collect(y) AS ring
  RETURN EXISTS {
    MATCH (small)-[:CONNECTED_TO]-(:Member)-[:CONNECTED_TO]-(y:Member)
    WHERE y IN ring
  } AS third
}
RETURN them {
         .id, .name, .headline, .company, .inmailCredits,
         .inmail, .openProfile, .profileVisibility, .connectionsVisibility, .searchable
       } AS member,
       theirConnections AS connections,
       CASE
         WHEN me = them THEN 0
         WHEN direct THEN 1
         WHEN mutual > 0 THEN 2
         WHEN third THEN 3
       END AS degree,
       mutual

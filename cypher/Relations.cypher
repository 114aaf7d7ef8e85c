// Relations gathers, in one round trip, for each ask in $batch.asks ({caller, members, threads,
// key}; the list comes inside a map so that Neo4j plans the statement once for any number of
// asks, as AppendChange explains),
// what reach needs to say how the ask's caller stands to each of its members: the member's profile and connection count (less the members in a block
// relation with the caller, whom the member's connection list leaves out too); what the messaging
// rules need (has the member written to the caller, declined the caller's InMail or request,
// accepted the caller's request, or an InMail or request from the caller awaiting an answer; a
// group both are in and a company where both hold a current position, the lowest id of each, for
// a message request); the caller's profile, once per row, for credits, restriction and the
// requests sent this month; and the makings of the degree and mutual count, which the store
// works out in memory from its cache of connection lists (graph/neo4jstore/neighbours.go):
// - hidden: the members in a block relation with the caller, either way;
// - near: the connections of whichever of the two has fewer, each as [id, connections version];
// - the connections versions of both, to tell whether cached lists are current (and as of which
//   version to cache lists read later: never near, read beside them in this statement).
// For a send ($near false), near is read only when the two are not connected: a send needs no
// mutual count, and connected says the degree. With the ask's key not '', keyed is the message the
// caller already sent with that idempotency key, if any (else null), as MessageByKey answers it.
// A read asks once, for one caller; sends gathered into one transaction ask once each, and their
// members are all different, so each row names its send by its caller.
// What the rules read of the messages between the two comes from their sides of the conversation
// (the ask's threads map each member to the conversation's id, graph.ThreadID), never from the messages;
// filed is the box the conversation is filed in for the member, for a send's graph.Filing, and
// muted whether the member muted it.
// A member in a block relation with the caller is left out, as if not in the graph.
// Cost: two index seeks, a unique-index seek on the conversation and its two sides, the stored connection counts, the smaller side's connections (for a
// send, only for a pair not connected), a relationship-index seek for a key, a seek
// per member in a block relation with the caller, and the caller's groups and positions (a
// handful), each tested against the member's.
UNWIND $batch.asks AS ask
MATCH (me:Member {id: ask.caller})
WITH ask, me,
     COLLECT { MATCH (me)-[:BLOCKED]-(b:Member) RETURN DISTINCT b.id } AS hidden,
     COUNT { (me)-[:CONNECTED_TO]-() } AS myConnections
UNWIND ask.members AS memberId
MATCH (them:Member {id: memberId})
WHERE NOT them.id IN hidden
WITH ask, me, hidden, myConnections, them, COUNT { (them)-[:CONNECTED_TO]-() } AS theirConnections
WITH ask, me, hidden, them, theirConnections, myConnections <= theirConnections AS callerIsSmall
WITH ask, me, hidden, them, theirConnections, callerIsSmall,
     CASE WHEN callerIsSmall THEN me ELSE them END AS small,
     coalesce(me.connectionsVersion, 0) AS callerVersion,
     coalesce(them.connectionsVersion, 0) AS memberVersion,
     me <> them AND EXISTS { (me)-[:CONNECTED_TO]-(them) } AS connected
OPTIONAL MATCH (me)-[mine:IN]->(:Conversation {id: ask.threads[them.id]})<-[theirs:IN]-(them)
RETURN them {
         .id, .name, .headline, .company, .inmailCredits, .plan, .planGrantedAt, .restricted,
         .inmail, .openProfile, .profileVisibility, .connectionsVisibility, .searchable,
         .messageRequests, .requestsMonth, .requestsSent
       } AS member,
       theirConnections - size([id IN hidden WHERE EXISTS { (them)-[:CONNECTED_TO]-(:Member {id: id}) }]) AS connections,
       hidden,
       callerIsSmall,
       callerVersion,
       memberVersion,
       connected,
       CASE WHEN $near OR NOT connected
         THEN [(small)-[:CONNECTED_TO]-(x:Member) | [x.id, coalesce(x.connectionsVersion, 0)]]
         ELSE []
       END AS near,
       CASE WHEN ask.key <> '' THEN COLLECT {
         MATCH (me)-[m:MESSAGED {idempotencyKey: ask.key}]->()
         RETURN m {.*} AS m LIMIT 1
       }[0] END AS keyed,
       coalesce(theirs.wrote, false) AS theyWroteFirst,
       EXISTS { (them)-[:DECLINED]->(me) } AS declined,
       coalesce(mine.pending, 0) > 0 AS awaitingReply,
       coalesce(mine.accepted, false) AS accepted,
       coalesce(theirs.filed, '') AS filed,
       coalesce(theirs.muted, false) AS muted,
       COLLECT {
         MATCH (me)-[:MEMBER_OF]->(g:Group)
         WHERE me <> them AND EXISTS { (them)-[:MEMBER_OF]->(g) }
         RETURN g {.id, .name} AS g ORDER BY g.id LIMIT 1
       } AS sharedGroup,
       COLLECT {
         MATCH (me)-[p:HELD]->(o:Organisation {kind: 'company'})
         WHERE me <> them AND p.to IS NULL AND EXISTS { (them)-[q:HELD]->(o) WHERE q.to IS NULL }
         WITH DISTINCT o ORDER BY o.id LIMIT 1
         RETURN o {.id, .name} AS o
       } AS coworker,
       me {
         .id, .name, .headline, .company, .inmailCredits, .plan, .planGrantedAt, .restricted,
         .inmail, .openProfile, .profileVisibility, .connectionsVisibility, .searchable,
         .messageRequests, .requestsMonth, .requestsSent
       } AS caller

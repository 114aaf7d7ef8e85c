// SharedAffiliations answers, for each member in $batch.members who exists, the organisations at which
// both they and $caller have held a position (at any time) and the groups both are in, each
// {id, name, kind}. It is the Neo4j path's answer; the projection answers the default path
// (graph/projection/shared.go) with the very same rule.
// Cost: index seeks for the caller and each member, and for each pair the caller's positions and
// groups (a handful), each tested against the member's from whichever side has fewer. Asked about
// themselves, a member shares all their own.
MATCH (me:Member {id: $caller})
UNWIND $batch.members AS id
MATCH (them:Member {id: id})
RETURN id,
       COLLECT {
         MATCH (me)-[:HELD]->(o:Organisation)
         WHERE EXISTS { (them)-[:HELD]->(o) }
         RETURN DISTINCT o {.id, .name, .kind}
       } AS organisations,
       COLLECT {
         MATCH (me)-[:MEMBER_OF]->(g:Group)
         WHERE EXISTS { (them)-[:MEMBER_OF]->(g) }
         RETURN DISTINCT g {.id, .name, kind: 'group'}
       } AS groups

// BaselineHistory answers what passed between two members before, and what they share that would
// allow a message request: whether the member wrote to the caller, declined the caller's InMail
// or request, accepted the caller's request, or has an InMail or request from the caller awaiting
// an answer; a group both are in and a company where both hold a current position (the lowest
// id of each).
// Cost: two index seeks, the relationships between the pair, and the caller's groups and
// positions, each tested against the member's.
MATCH (a:Member {id: $caller})
MATCH (b:Member {id: $member})
RETURN EXISTS { (b)-[:MESSAGED]->(a) } AS theyWroteFirst,
       EXISTS { (b)-[:DECLINED]->(a) } AS declined,
       EXISTS { (a)-[:MESSAGED {status: 'pending'}]->(b) } AS awaitingReply,
       EXISTS { (a)-[:MESSAGED {kind: 'request', status: 'accepted'}]->(b) } AS accepted,
       COLLECT {
         MATCH (a)-[:MEMBER_OF]->(g:Group)<-[:MEMBER_OF]-(b)
         WHERE a <> b
         RETURN g {.id, .name} AS g ORDER BY g.id LIMIT 1
       } AS sharedGroup,
       COLLECT {
         MATCH (a)-[p:HELD]->(o:Organisation {kind: 'company'})<-[q:HELD]-(b)
         WHERE a <> b AND p.to IS NULL AND q.to IS NULL
         WITH DISTINCT o ORDER BY o.id LIMIT 1
         RETURN o {.id, .name} AS o
       } AS coworker

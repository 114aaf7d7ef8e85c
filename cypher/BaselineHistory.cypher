// BaselineHistory answers what passed between two members before: whether the member wrote to
// the caller, declined the caller's InMail, or has an InMail from the caller awaiting an answer.
// Cost: two index seeks and the relationships between the pair.
MATCH (a:Member {id: $caller})
MATCH (b:Member {id: $member})
RETURN EXISTS { (b)-[:MESSAGED]->(a) } AS theyWroteFirst,
       EXISTS { (b)-[:DECLINED]->(a) } AS declined,
       EXISTS { (a)-[:MESSAGED {kind: 'inmail', status: 'pending'}]->(b) } AS awaitingReply

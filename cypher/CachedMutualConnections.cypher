// CachedMutualConnections answers what MutualConnections does in one round trip, when the store
// holds both members' connection lists: $batch.members are the connections those lists share, and they
// are only used if both members' connections versions are still $callerVersion and
// $memberVersion. It leaves out members in a block relation with the caller, and answers nothing
// when a version has moved on, when either member is missing, or when the two are in a block
// relation, so the store falls back to Relations and MutualConnections. MutualPage
// (cypher.go) reads the page.
// Cost: two index seeks and the caller's blocks, then MutualPage's.
MATCH (me:Member {id: $caller})
MATCH (them:Member {id: $member})
WHERE coalesce(me.connectionsVersion, 0) = $callerVersion
  AND coalesce(them.connectionsVersion, 0) = $memberVersion
  AND NOT EXISTS { (me)-[:BLOCKED]-(them) }
WITH COLLECT { MATCH (me)-[:BLOCKED]-(b:Member) RETURN DISTINCT b.id } AS hidden
WITH [id IN $batch.members WHERE NOT id IN hidden] AS mutuals

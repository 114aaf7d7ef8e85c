// Report records the caller's report of a member and restricts the member once $threshold
// different members have reported them since $since (and since an administrator last lifted a
// restriction). Answers whether the member is now restricted.
// Cost: two index seeks and the member's incoming reports.
MATCH (me:Member {id: $caller})
MATCH (them:Member {id: $member})
CREATE (me)-[:REPORTED {reason: $reason, messageId: $messageId, at: $now}]->(them)
WITH them
WITH them, size(COLLECT {
  MATCH (reporter:Member)-[r:REPORTED]->(them)
  WHERE r.at >= $since AND (them.restrictionLiftedAt IS NULL OR r.at > them.restrictionLiftedAt)
  RETURN DISTINCT reporter
}) AS reporters
SET them.restricted = them.restricted OR reporters >= $threshold
RETURN them.restricted AS restricted

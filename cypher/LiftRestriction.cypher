// LiftRestriction lifts a member's restriction; reports made before now no longer count towards
// a new one. Answers the member's id when found.
// Cost: one index seek.
MATCH (m:Member {id: $id})
SET m.restricted = false, m.restrictionLiftedAt = $now
RETURN m.id AS id

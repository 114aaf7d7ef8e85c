// UpsertMembers creates each member in $members with default settings, or updates an existing
// member's profile; a null inmailCredits leaves the balance alone. Answers how many members were
// written and how many of them are new.
// Cost: one unique-index seek per member (MERGE on the constrained id also locks it against a
// racing create).
UNWIND $members AS p
MERGE (m:Member {id: p.id})
  ON CREATE SET
    m.createdAt = $now,
    m.inmailCredits = 0,
    m.inmail = 'anyone',
    m.openProfile = false,
    m.profileVisibility = 'everyone',
    m.connectionsVisibility = 'connections',
    m.searchable = true
SET m.name = p.name,
    m.headline = p.headline,
    m.company = p.company,
    m.inmailCredits = coalesce(p.inmailCredits, m.inmailCredits)
RETURN count(m) AS written,
       count(CASE WHEN m.createdAt = $now THEN m END) AS created

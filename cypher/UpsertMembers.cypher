// UpsertMembers creates each member in $batch.members with default settings on the free plan, or
// updates an existing member's profile. A null inmailCredits, plan or planGrantedAt leaves that
// value alone. A new member gets a new, random connections version, so that no connection list
// cached for a closed account with the same id is ever used for them. Answers how many members
// were written and how many of them are new.
// Cost: one unique-index seek per member (MERGE on the constrained id also locks it against a
// racing create).
UNWIND $batch.members AS p
MERGE (m:Member {id: p.id})
  ON CREATE SET
    m.createdAt = $now,
    m.connectionsVersion = toInteger(rand() * 9007199254740991),
    m.inmailCredits = 0,
    m.plan = 'free',
    m.restricted = false,
    m.inmail = 'anyone',
    m.openProfile = false,
    m.profileVisibility = 'everyone',
    m.connectionsVisibility = 'connections',
    m.searchable = true
SET m.name = p.name,
    m.nameLower = toLower(p.name),
    m.headline = p.headline,
    m.company = p.company,
    m.inmailCredits = coalesce(p.inmailCredits, m.inmailCredits),
    m.plan = coalesce(p.plan, m.plan),
    m.planGrantedAt = coalesce(p.planGrantedAt, m.planGrantedAt)
RETURN count(m) AS written,
       count(CASE WHEN m.createdAt = $now THEN m END) AS created

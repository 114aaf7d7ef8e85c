// UpsertMember creates a member with default settings, or updates an existing member's profile.
// Credits are left alone when $inmailCredits is null. Answers whether the member was created.
// Cost: one unique-index seek (MERGE on the constrained id also locks it against a racing create).
MERGE (m:Member {id: $id})
  ON CREATE SET
    m.createdAt = datetime.transaction(),
    m.inmailCredits = 0,
    m.inmail = 'anyone',
    m.openProfile = false,
    m.profileVisibility = 'everyone',
    m.connectionsVisibility = 'connections',
    m.searchable = true
SET m.name = $name,
    m.headline = $headline,
    m.company = $company,
    m.inmailCredits = coalesce($inmailCredits, m.inmailCredits)
RETURN m.createdAt = datetime.transaction() AS created

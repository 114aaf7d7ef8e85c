// ImportMembers creates each member in $batch.members with every stored property given: profile,
// settings, plan, credits, when they joined, and their message requests (turned off, and how many
// were sent in which month); nameLower is computed as UpsertMembers does. It is the bulk path
// into an empty graph: it does not look for an existing member (the member_id constraint refuses
// a repeated id). A null company, planGrantedAt, messageRequests (requests on), requestsMonth or
// requestsSent leaves that property out. Answers how many members were created.
// Cost: one unique-index insert per member.
UNWIND $batch.members AS p
CREATE (m:Member {
  id: p.id, name: p.name, nameLower: toLower(p.name), headline: p.headline, company: p.company,
  inmailCredits: p.inmailCredits, plan: p.plan, planGrantedAt: p.planGrantedAt,
  restricted: p.restricted, inmail: p.inmail, openProfile: p.openProfile,
  profileVisibility: p.profileVisibility, connectionsVisibility: p.connectionsVisibility,
  searchable: p.searchable, createdAt: p.createdAt, messageRequests: p.messageRequests,
  requestsMonth: p.requestsMonth, requestsSent: p.requestsSent
})
RETURN count(m) AS created

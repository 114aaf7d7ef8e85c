// UpdateSettings changes the settings given (a null parameter keeps the current value) and answers
// the member with its settings as they now stand.
// Cost: one unique-index seek.
MATCH (m:Member {id: $id})
SET m.inmail = coalesce($inmail, m.inmail),
    m.openProfile = coalesce($openProfile, m.openProfile),
    m.profileVisibility = coalesce($profileVisibility, m.profileVisibility),
    m.connectionsVisibility = coalesce($connectionsVisibility, m.connectionsVisibility),
    m.searchable = coalesce($searchable, m.searchable),
    m.messageRequests = coalesce($messageRequests, m.messageRequests)
RETURN m {
  .id, .name, .headline, .company, .inmailCredits, .plan, .planGrantedAt, .restricted,
  .inmail, .openProfile, .profileVisibility, .connectionsVisibility, .searchable,
  .messageRequests, .requestsMonth, .requestsSent
} AS member

// Member answers one member's profile, settings, plan and stored InMail credits.
// Cost: one unique-index seek on :Member(id).
MATCH (m:Member {id: $id})
RETURN m {
  .id, .name, .headline, .company, .inmailCredits, .plan, .planGrantedAt, .restricted,
  .inmail, .openProfile, .profileVisibility, .connectionsVisibility, .searchable,
  .messageRequests, .requestsMonth, .requestsSent
} AS member

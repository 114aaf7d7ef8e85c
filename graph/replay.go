package graph

// The spans the rules count over and the abuse limits' test, for code that replays the rules
// outside the store (the seed generator) and must apply them as the store does.

// The spans the rules count over.
const (
	// RefundWindow is how long after an InMail was sent a reply or decline still gives its
	// credit back.
	RefundWindow = refundWindow
	// AbuseWindow is the span the abuse limits count over.
	AbuseWindow = abuseWindow
	// ReportWindow is how far back reports count towards a restriction.
	ReportWindow = reportWindow
)

// InMailRefusal is the abuse limit one more InMail breaks, given the InMails its sender sent in
// the AbuseWindow before it and how many other members got one with the same body among them:
// ReasonRateLimited, ReasonMassBlast, or "" when it breaks neither.
func (l Limits) InMailRefusal(sent, sameBody int) Reason {
	switch {
	case sent >= l.InMailsPerDay:
		return ReasonRateLimited
	case sameBody >= l.BlastLimit:
		return ReasonMassBlast
	}
	return ""
}

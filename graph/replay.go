package graph

import "time"

// The spans the rules count over and the abuse limits' test: the store applies them, and code
// that replays the rules outside it (the seed generator) applies the same.

// The spans the rules count over.
const (
	// RefundWindow is how long after an InMail was sent a reply or decline still gives its
	// credit back.
	RefundWindow = 90 * 24 * time.Hour
	// AbuseWindow is the span the abuse limits count over.
	AbuseWindow = 24 * time.Hour
	// ReportWindow is how far back reports count towards a restriction.
	ReportWindow = 30 * 24 * time.Hour
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

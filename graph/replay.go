package graph

import (
	"fmt"
	"math"
	"time"
)

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

// CheckInMail refuses one more InMail that breaks an abuse limit, given the InMails its sender
// sent in the AbuseWindow before now, the oldest of them, and how many other members got one with
// the same body: ErrRateLimited with the wait until the oldest leaves the window, or ErrRefused
// for a mass blast. Every store that sends applies it, so refusals read alike.
func (l Limits) CheckInMail(sent, sameBody int, oldest, now time.Time) error {
	switch l.InMailRefusal(sent, sameBody) {
	case ReasonRateLimited:
		e := Refusal(ErrRateLimited, ReasonRateLimited,
			fmt.Sprintf("you have sent %d InMails in the last 24 hours, the most allowed", sent))
		wait := oldest.Add(AbuseWindow).Sub(now)
		e.RetryAfter = time.Duration(math.Ceil(max(wait.Seconds(), 1))) * time.Second
		return e
	case ReasonMassBlast:
		return Refusal(ErrRefused, ReasonMassBlast,
			fmt.Sprintf("this InMail went to %d members in the last 24 hours; write to each member in your own words", sameBody))
	}
	return nil
}

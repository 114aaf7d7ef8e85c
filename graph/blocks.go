package graph

import (
	"time"
)

// ReportReason is why a member reports another.
type ReportReason string

// The report reasons.
const (
	ReportSpam          ReportReason = "spam"
	ReportHarassment    ReportReason = "harassment"
	ReportInappropriate ReportReason = "inappropriate"
	ReportFake          ReportReason = "fake"
	ReportOther         ReportReason = "other"
)

// Valid reports whether r is one of the report reasons.
func (r ReportReason) Valid() bool {
	switch r {
	case ReportSpam, ReportHarassment, ReportInappropriate, ReportFake, ReportOther:
		return true
	}
	return false
}

// Report is one member's report of another.
type Report struct {
	Member    string
	MessageID string // optional: a message from the member to the reporter
	Reason    ReportReason
	Block     bool // also block the member
}

// BlockedMember is a member the caller blocks.
type BlockedMember struct {
	Member    MemberSummary
	BlockedAt time.Time
}

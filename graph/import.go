package graph

import (
	"time"
)

// This file is the bulk import: the fast path that loads a whole network into an empty graph,
// one batch of rows per transaction, with several batches in flight at once. Unlike the
// service's own writes it trusts its input: it takes no locks, checks no messaging or
// connection rule, and creates without looking for what is already there. The rows must be
// consistent among themselves: each pair connected once, no connection or invitation between
// members in a block relation, no member past MaxConnections, messages that the rules allowed.
// Run Migrate first, so that every row finds its members through the member_id index.
//
// Each Import method writes one batch in one transaction and returns how many times the
// transaction was retried after a transient failure, such as a deadlock with a concurrent batch
// that touched the same members; a loader can measure its contention by them. Batches written
// with the context of the store's BeginImport are one online import, which replicas read once,
// when EndImport ends it; a batch written without it is an import of its own. Empty strings and
// zero times are left out, as the bulk CSV importer leaves out empty fields.

// ImportMember is a member with every property the store keeps.
type ImportMember struct {
	ID            string
	Name          string
	Headline      string
	Company       string
	Settings      Settings
	Plan          Plan
	InMailCredits int       // the balance as of PlanGrantedAt's grant and every send since
	PlanGrantedAt time.Time // the plan's latest monthly grant; zero on the free plan
	Restricted    bool
	CreatedAt     time.Time
	// RequestsSent is how many message requests the member sent in RequestsMonth, the month of
	// their latest (as RequestMonth numbers it; 0 when they never sent one).
	RequestsMonth int
	RequestsSent  int
}

// ImportPosition is a member's position at an organisation.
type ImportPosition struct {
	Member string
	Position
}

// ImportMembership says that Member is in Group, since Since.
type ImportMembership struct {
	Member, Group string
	Since         time.Time
}

// ImportConnection is a connection between members A and B, made at Since.
type ImportConnection struct {
	A, B  string
	Since time.Time
}

// ImportBlock says that member By blocks Member, since At.
type ImportBlock struct {
	By, Member string
	At         time.Time
}

// ImportMessage is a message with what happened to it after it was sent. Its thread, kind and
// body hash follow from the other fields, as when it is sent.
type ImportMessage struct {
	ID                 string
	From, To           string
	Channel            Channel
	Cost               int
	Subject            string
	Body               string
	Attachments        []Attachment
	SentAt             time.Time
	ReadAt             time.Time    // zero while unread
	Status             InMailStatus // InMails and message requests only
	Refunded           bool         // the InMail's credit went back to the sender
	DeletedBySender    bool
	DeletedByRecipient bool
	CreditsAfter       int // the sender's credits right after sending
	Via                Via // message requests only
}

// ImportSide is what a member chose of their side of the conversation with member With: archived,
// muted, moved to the Other box (Other) as the Other rule files InMail. The rest of a side (its
// unread count, its last message, whether it is a request) follows from the conversation's
// messages, which the import loads too; a side whose conversation has no message shows nowhere.
type ImportSide struct {
	Member, With           string
	Archived, Muted, Other bool
}

// ImportDecline says that member By declined the InMail or message request MessageID from
// Sender, at At.
type ImportDecline struct {
	By, Sender, MessageID string
	At                    time.Time
}

// ImportReport says that member By reported Member for Reason, at At.
type ImportReport struct {
	By, Member string
	Reason     ReportReason
	At         time.Time
}

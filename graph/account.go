package graph

import (
	"time"
)

// Connection is one of a member's connections, with when it was made.
type Connection struct {
	Member MemberSummary
	Since  time.Time
}

// AccountMessage is a message as the export shows it: all its fields, with how it was sent and
// what became of it.
type AccountMessage struct {
	Message
	Channel     Channel
	ReadAt      time.Time // zero until the recipient read it
	AnsweredAt  time.Time // zero until an InMail was replied to or declined
	DeclineNote string
	Deleted     bool // the account's member deleted it from their mailbox; the other member keeps it
}

// AccountConversation is the member's side of a conversation as the export shows it.
type AccountConversation struct {
	ID            string
	With          MemberSummary
	Kind          ConversationKind
	Box           ConversationBox // the box it is filed in: inbox, other or requests; "" when the member has no message left in it
	Archived      bool
	Muted         bool
	UnreadCount   int
	LastMessageID string // "" when the member has no message left in it
	LastAt        time.Time
}

// HeldPosition is a position as the export shows it: with its organisation's name and kind.
type HeldPosition struct {
	Org   Organisation
	Title string
	From  int
	To    *int // nil while the position is current
}

// Membership is a group the member is in, and when they joined it.
type Membership struct {
	Group  Group
	Joined time.Time
}

// FiledReport is a report the member filed.
type FiledReport struct {
	Member    string
	Reason    ReportReason
	MessageID string
	At        time.Time
}

// Account is everything reach holds about one member, read section by section for their export,
// as of one moment. Each section hands its rows to each, one by one; an error from each stops it.
type Account interface {
	Member() Member
	Connections(each func(Connection) error) error
	Invitations(box Box, each func(Invitation) error) error
	Messages(incoming bool, each func(AccountMessage) error) error
	Conversations(each func(AccountConversation) error) error
	Blocks(each func(BlockedMember) error) error
	Reports(each func(FiledReport) error) error
	Positions(each func(HeldPosition) error) error
	Groups(each func(Membership) error) error
}

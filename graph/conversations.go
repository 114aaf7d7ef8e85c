package graph

import "time"

// A conversation is the thread between two members: every message between them belongs to it,
// and its id is their ThreadID. Each of the two has a side of it (their box, unread count, last
// activity, archived and muted), which only they change, and which lists it in their boxes.

// ConversationChanges says what an update changed of a member's side of a conversation, for the
// member's other devices to hear of.
type ConversationChanges struct {
	Archived     bool // archived or unarchived: Conversation.Archived says which
	Muted        bool // muted or unmuted
	MovedToInbox bool // out of Other
	Read         bool // messages marked read
	Unread       bool // the last message marked unread
}

// ConversationBox is where a conversation sits for one of its members.
type ConversationBox string

// The boxes. A conversation is filed in the inbox, Other or requests; archiving takes it out of
// that box into the archived one until it is unarchived or a new message arrives.
const (
	BoxInbox    ConversationBox = "inbox"
	BoxOther    ConversationBox = "other"    // InMail and message requests from senders that look like a blast
	BoxArchived ConversationBox = "archived" // archived by the member
	BoxRequests ConversationBox = "requests" // a message request awaiting its answer
)

// ConversationBoxes are the boxes a conversation list may ask for.
var ConversationBoxes = []ConversationBox{BoxInbox, BoxOther, BoxArchived, BoxRequests}

// ParseConversationBox returns the box named s, or false when s names none.
func ParseConversationBox(s string) (ConversationBox, bool) {
	for _, b := range ConversationBoxes {
		if string(b) == s {
			return b, true
		}
	}
	return "", false
}

// ConversationKind is what a conversation is, as its badge shows it.
type ConversationKind string

// The conversation kinds.
const (
	ConversationPlain   ConversationKind = "conversation"
	ConversationInMail  ConversationKind = "inmail"  // opened by an InMail
	ConversationRequest ConversationKind = "request" // opened by a message request not yet accepted
)

// ConversationKinds are the kinds a conversation list may be narrowed to.
var ConversationKinds = []ConversationKind{ConversationPlain, ConversationInMail, ConversationRequest}

// ParseConversationKind returns the kind named s, or false when s names none.
func ParseConversationKind(s string) (ConversationKind, bool) {
	for _, k := range ConversationKinds {
		if string(k) == s {
			return k, true
		}
	}
	return "", false
}

// ConversationKindOf is the kind of a conversation opened by a message of kind k.
func ConversationKindOf(k MessageKind) ConversationKind {
	switch k {
	case KindInMail:
		return ConversationInMail
	case KindRequest:
		return ConversationRequest
	}
	return ConversationPlain
}

// Conversation is one conversation as one of its members lists it.
type Conversation struct {
	ID          string
	With        MemberSummary // the other member; a FormerMember has no id
	Degree      Degree        // how the caller stands to With
	Messaging   Decision      // whether and at what cost the caller may write to With now
	LastMessage Message       // the last message the caller has not deleted
	UnreadCount int           // messages received and not read
	LastAt      time.Time     // the last message's time
	Kind        ConversationKind
	Box         ConversationBox // BoxArchived when Archived, else the box it is filed in
	Archived    bool
	Muted       bool
}

// ConversationFilter narrows a conversation list.
type ConversationFilter struct {
	Box        ConversationBox
	UnreadOnly bool
	Kind       ConversationKind // empty for every kind
}

// ConversationUpdate is what a member changes of their side of a conversation; nil or empty
// fields are left as they are.
type ConversationUpdate struct {
	Archived *bool
	Muted    *bool
	ReadUpTo string          // marks read every message received up to this one
	Unread   bool            // marks the last message received unread
	Box      ConversationBox // only BoxInbox: out of Other ("not spam")
}

// Empty says that u changes nothing.
func (u ConversationUpdate) Empty() bool {
	return u.Archived == nil && u.Muted == nil && u.ReadUpTo == "" && !u.Unread && u.Box == ""
}

// BoxKey is where a conversation sits in one member's box: the member's id, a space, the box, a
// space, and the ActivityKey of its last message (that message's time and id, unique among the
// member's conversations since a message belongs to one). One box's keys sort as it is listed,
// newest activity first, and never interleave with another box's or member's, so a page of a box
// is a range of keys read from an index in order (cypher/Conversations.cypher). A member's side
// keeps the ActivityKey apart (activity), so that a statement moving the conversation to another
// box writes the new key by joining the three.
func BoxKey(member string, box ConversationBox, lastAt time.Time, lastID string) string {
	return MailboxKey(member+" "+string(box), lastAt, lastID)
}

// BoxRange is the range of keys a page of member's box reads, both ends excluded, as
// MailboxRange is for a mailbox.
func BoxRange(member string, box ConversationBox, after TimeKey, ok bool) (from, until string) {
	return MailboxRange(member+" "+string(box), after, ok)
}

// Filing is what decides the box a received message files its conversation in for its recipient.
type Filing struct {
	Filed     ConversationBox // the box it is filed in for the recipient now; "" for none yet
	Kind      MessageKind     // the message's kind
	Connected bool            // sender and recipient are connected
	Blast     bool            // the sender shows the mass-blast pattern (Limits.Blasting)
}

// Box is the box the message files the conversation in: a connection's message always in the
// inbox; a conversation the recipient keeps in the inbox or Other stays there; an InMail or request
// from a sender who looks like a blast goes to Other; a request to the requests box; the rest to
// the inbox.
func (f Filing) Box() ConversationBox {
	switch {
	case f.Connected:
		return BoxInbox
	case f.Filed == BoxInbox || f.Filed == BoxOther:
		return f.Filed
	case f.Blast && (f.Kind == KindInMail || f.Kind == KindRequest):
		return BoxOther
	case f.Kind == KindRequest:
		return BoxRequests
	}
	return BoxInbox
}

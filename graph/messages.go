package graph

import (
	"crypto/sha256"
	"encoding/base32"
	"encoding/hex"
	"fmt"
	"strings"
	"time"
)

// MessageKind is what a message is to its recipient.
type MessageKind string

// The message kinds.
const (
	KindInMail  MessageKind = "inmail"
	KindMessage MessageKind = "message"
	KindRequest MessageKind = "request" // a message request, waiting for the recipient to accept it
)

// InMailStatus is where an InMail stands; plain messages have none.
type InMailStatus string

// The InMail statuses.
const (
	StatusNone     InMailStatus = ""
	StatusPending  InMailStatus = "pending"
	StatusReplied  InMailStatus = "replied"
	StatusDeclined InMailStatus = "declined"
	StatusAccepted InMailStatus = "accepted" // a message request the recipient accepted
)

// Message limits.
const (
	MaxBodyLength    = 8000
	MaxSubjectLength = 200
	MaxAttachments   = 10
)

// Attachment is the metadata of a file sent with a message; the file itself lives elsewhere.
type Attachment struct {
	Name        string `json:"name"`
	ContentType string `json:"contentType"`
	Size        int64  `json:"size"`
	URL         string `json:"url"`
}

// Draft is a message the caller wants to send.
type Draft struct {
	To          string
	Subject     string
	Body        string
	Attachments []Attachment
}

// Sent is the answer to a send; a retry with the same idempotency key gets the same answer.
type Sent struct {
	ID            string
	ThreadID      string
	Kind          MessageKind
	Cost          int
	InMailCredits int // the sender's credits right after this send
	// Replayed says that the send was a retry: the answer is its first send's, and nothing was
	// sent now, so nobody is to be told of it again.
	Replayed bool
	// RecipientBox is the box the message filed the conversation in for the recipient, and
	// RecipientMuted whether they muted it (they hear of no message then).
	RecipientBox   ConversationBox
	RecipientMuted bool
}

// Message is one message as its sender or recipient reads it.
type Message struct {
	ID          string
	ThreadID    string
	Kind        MessageKind
	Subject     string
	Body        string
	Attachments []Attachment
	From        MemberSummary
	To          MemberSummary
	SentAt      time.Time
	Read        bool
	Status      InMailStatus
	Cost        int
	Via         Via // what allowed a message request; zero for other messages
}

// Via is what allowed a message request: a group both members were in (Kind "group"), or a
// company where both held a current position ("company"), named as it was when the request went.
type Via struct {
	Kind string
	Affiliate
}

// Envelope is one mailbox entry: the message, and how the caller stands to the other member.
type Envelope struct {
	Message Message
	Other   MemberSummary
	Degree  Degree
}

// MailboxFilter narrows what a mailbox lists.
type MailboxFilter struct {
	Kind       MessageKind // empty for every kind
	UnreadOnly bool
	// Requests lists the received message requests still pending (the requests box) instead of
	// the inbox, which lists received requests only once accepted.
	Requests bool
}

// Limits are the abuse and moderation thresholds.
type Limits struct {
	InMailsPerDay     int // InMails one member may send in 24 hours
	BlastLimit        int // members one InMail body may go to in 24 hours
	ReportsToRestrict int // different reporters within 30 days that restrict a member
	RequestsMonthly   int // message requests one member may send in a calendar month
	// The Other box's rule (Blasting): an InMail or request goes to Other from the OtherSameBody-th
	// member its body went to in 24 hours, or when at least OtherDeclinePercent of its sender's
	// InMails and requests of the last 30 days (once they are OtherMinSent) were declined or drew
	// a report.
	OtherSameBody       int
	OtherDeclinePercent int
	OtherMinSent        int
}

// DefaultLimits are the limits reach starts with.
var DefaultLimits = Limits{InMailsPerDay: 50, BlastLimit: 10, ReportsToRestrict: 3, RequestsMonthly: DefaultRequestsMonthly,
	OtherSameBody: 4, OtherDeclinePercent: 50, OtherMinSent: 5}

// OrDefaults is l with DefaultLimits' value for each limit not set (zero or less).
func (l Limits) OrDefaults() Limits {
	d := DefaultLimits
	for _, f := range []struct {
		value *int
		def   int
	}{
		{&l.InMailsPerDay, d.InMailsPerDay}, {&l.BlastLimit, d.BlastLimit}, {&l.ReportsToRestrict, d.ReportsToRestrict},
		{&l.RequestsMonthly, d.RequestsMonthly}, {&l.OtherSameBody, d.OtherSameBody},
		{&l.OtherDeclinePercent, d.OtherDeclinePercent}, {&l.OtherMinSent, d.OtherMinSent},
	} {
		if *f.value <= 0 {
			*f.value = f.def
		}
	}
	return l
}

// BlastSignals are what the Other box's rule reads of a sender as an InMail or request of theirs
// goes out.
type BlastSignals struct {
	SameBody int // other members who got the same folded body in the last 24 hours
	Sent     int // InMails and requests sent in the last 30 days
	Declined int // of those, declined
	Reported int // reports against the sender in the last 30 days
}

// Blasting says that a sender with signals s shows the mass-blast pattern, so that their InMail
// or request goes to the recipient's Other box (Filing): its body went to OtherSameBody members
// with this one, or enough of what they sent lately was declined or reported.
func (l Limits) Blasting(s BlastSignals) bool {
	if s.SameBody+1 >= l.OtherSameBody {
		return true
	}
	return s.Sent >= l.OtherMinSent && (s.Declined+s.Reported)*100 >= l.OtherDeclinePercent*s.Sent
}

// ThreadID names the one conversation between two members, whoever wrote first.
func ThreadID(a, b string) string {
	sum := sha256.Sum256([]byte(min(a, b) + "\x00" + max(a, b)))
	return "th_" + base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(sum[:16])
}

// BodyHash is what the mass-blast limit compares bodies by: a hash of the body with case and
// runs of white space folded.
func BodyHash(body string) string {
	return HashOf(strings.Join(strings.Fields(strings.ToLower(body)), " "))
}

func HashOf(parts ...string) string {
	h := sha256.New()
	for _, p := range parts {
		fmt.Fprintf(h, "%d:%s;", len(p), p)
	}
	return hex.EncodeToString(h.Sum(nil))
}

// Charge is what sending a message the rules allowed changes, worked out once for every store:
// the answer, the status the message starts in, and the sender's credits and requests after it.
type Charge struct {
	Sent   Sent         // id, thread, kind, cost, and the credits left after any monthly grant
	Status InMailStatus // pending for an InMail or a request until answered; "" for a message
	// GrantedAt is when a monthly grant due was made (now), zero when none was due.
	GrantedAt time.Time
	// RequestsMonth and RequestsSent are the sender's month of requests and its count after this
	// send: a request counts, in a new month from one.
	RequestsMonth, RequestsSent int
}

// ChargeFor works out the Charge of a message with id from sender to member to, which d allowed.
func ChargeFor(sender Member, to string, d Decision, id string, now time.Time) Charge {
	kind := d.Channel.Kind()
	credits, grantedAt := Renew(sender.Plan, sender.InMailCredits, sender.Quota.GrantedAt, now)
	c := Charge{Sent: Sent{ID: id, ThreadID: ThreadID(sender.ID, to), Kind: kind, Cost: d.Cost,
		InMailCredits: credits - d.Cost}, GrantedAt: grantedAt,
		RequestsMonth: sender.Quota.RequestsMonth, RequestsSent: sender.Quota.RequestsSent}
	if kind != KindMessage {
		c.Status = StatusPending
	}
	if kind == KindRequest {
		if c.RequestsMonth != RequestMonth(now) {
			c.RequestsMonth, c.RequestsSent = RequestMonth(now), 0
		}
		c.RequestsSent++
	}
	return c
}

package graph

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base32"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/reach-network/reach/cypher"
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

// refundWindow is how long after an InMail was sent a reply or decline still gives its credit back.
const refundWindow = 90 * 24 * time.Hour

// abuseWindow is the span the abuse limits count over.
const abuseWindow = 24 * time.Hour

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
}

// DefaultLimits are the limits reach starts with.
var DefaultLimits = Limits{InMailsPerDay: 50, BlastLimit: 10, ReportsToRestrict: 3, RequestsMonthly: DefaultRequestsMonthly}

// Send sends a message from the caller, deciding by the messaging rules inside the transaction
// that writes it, so that the decision and the write cannot drift apart: two sends racing for the
// last credit are serialised on the caller's lock, and only one of them gets it. With a non-empty
// idempotency key, a send the caller already made with that key is not made again: its first
// answer comes back. A refusal is an *Error whose Reason names the rule.
func (s *Store) Send(ctx context.Context, caller string, d Draft, key string) (_ Sent, err error) {
	defer wrap(&err, "Send(%q, %q)", caller, d.To)
	if caller == d.To {
		return Sent{}, refusal(ErrSelf, ReasonSelf, "you cannot message yourself")
	}
	attachments, err := json.Marshal(d.Attachments)
	if err != nil {
		return Sent{}, err
	}
	requestHash := hashOf(d.To, d.Subject, d.Body, string(attachments))
	return write(ctx, s, func(tx neo4j.ManagedTransaction) (Sent, error) {
		rel, err := s.lockedRelation(ctx, tx, caller, d.To)
		if err != nil && !(key != "" && errors.Is(err, ErrNotFound)) {
			return Sent{}, err
		}
		if key != "" {
			// A retry finds its first answer even if the recipient has since blocked the caller.
			if sent, found, keyErr := sentWithKey(ctx, tx, caller, key, requestHash); keyErr != nil || found {
				return sent, keyErr
			}
			if err != nil {
				return Sent{}, err
			}
		}
		decision := rel.Messaging
		if !decision.Allowed {
			return Sent{}, refusal(ErrRefused, decision.Reason, refusalDetail(decision.Reason, rel.Member.Name))
		}
		now := s.now()
		kind := decision.Channel.Kind()
		bodyHash := BodyHash(d.Body)
		if kind == KindInMail {
			if err := s.checkAbuse(ctx, tx, caller, d.To, bodyHash, now); err != nil {
				return Sent{}, err
			}
		}
		caller := rel.caller
		credits, grantedAt := renew(caller.Plan, caller.InMailCredits, caller.planGrantedAt, now)
		sent := Sent{ID: rand.Text(), ThreadID: ThreadID(caller.ID, d.To), Kind: kind, Cost: decision.Cost,
			InMailCredits: credits - decision.Cost}
		var status string
		if kind != KindMessage {
			status = string(StatusPending) // an InMail or a request, until answered
		}
		month, sentThisMonth := caller.requestsMonth, caller.requestsSent
		if kind == KindRequest {
			if month != RequestMonth(now) {
				month, sentThisMonth = RequestMonth(now), 0
			}
			sentThisMonth++
		}
		via := decision.RequestVia()
		touch(tx, caller.ID, d.To) // credits or requests spent, or refunded to the InMail's sender a reply answers
		touchPair(tx, caller.ID, d.To)
		_, err = collect(ctx, tx, cypher.SendMessage, map[string]any{
			"caller": caller.ID, "to": d.To, "id": sent.ID, "threadId": sent.ThreadID,
			"kind": string(kind), "channel": string(decision.Channel), "cost": int64(decision.Cost),
			"subject": d.Subject, "body": d.Body, "bodyHash": bodyHash, "attachments": string(attachments),
			"status": status, "key": key, "requestHash": requestHash, "credits": int64(sent.InMailCredits),
			"granted": !grantedAt.IsZero(), "planGrantedAt": asNeo4jTime(grantedAt),
			"viaKind": via.Kind, "viaId": via.ID, "viaName": via.Name,
			"requestsMonth": int64(month), "requestsSent": int64(sentThisMonth),
			"now": now, "refundSince": now.Add(-refundWindow),
		})
		return sent, err
	})
}

// checkAbuse applies the abuse limits to an InMail about to be sent.
func (s *Store) checkAbuse(ctx context.Context, tx neo4j.ManagedTransaction, caller, to, bodyHash string, now time.Time) error {
	recs, err := collect(ctx, tx, cypher.RecentInMails, map[string]any{
		"caller": caller, "to": to, "bodyHash": bodyHash, "since": now.Add(-abuseWindow),
	})
	if err != nil {
		return err
	}
	sent, err1 := value[int64](recs[0], "sent")
	oldest, err2 := value[time.Time](recs[0], "oldest")
	sameBody, err3 := value[int64](recs[0], "sameBody")
	for _, err := range []error{err1, err2, err3} {
		if err != nil {
			return fmt.Errorf("recent inmails: %w", err)
		}
	}
	if int(sent) >= s.limits.InMailsPerDay {
		e := refusal(ErrRateLimited, ReasonRateLimited,
			fmt.Sprintf("you have sent %d InMails in the last 24 hours, the most allowed", sent))
		wait := oldest.Add(abuseWindow).Sub(now)
		e.RetryAfter = time.Duration(math.Ceil(max(wait.Seconds(), 1))) * time.Second
		return e
	}
	if int(sameBody) >= s.limits.BlastLimit {
		return refusal(ErrRefused, ReasonMassBlast,
			fmt.Sprintf("this InMail went to %d members in the last 24 hours; write to each member in your own words", sameBody))
	}
	return nil
}

// sentWithKey finds the message the caller already sent with an idempotency key.
func sentWithKey(ctx context.Context, tx neo4j.ManagedTransaction, caller, key, requestHash string) (Sent, bool, error) {
	recs, err := collect(ctx, tx, cypher.MessageByKey, map[string]any{"caller": caller, "key": key})
	if err != nil || len(recs) == 0 {
		return Sent{}, false, err
	}
	m, err := value[map[string]any](recs[0], "message")
	if err != nil {
		return Sent{}, false, err
	}
	if hash, _ := field[string](m, "requestHash"); hash != requestHash {
		return Sent{}, false, fail(ErrIdempotencyConflict,
			"idempotency key %q was already used for a different message", key)
	}
	id, _ := field[string](m, "id")
	thread, _ := field[string](m, "threadId")
	kind, _ := field[string](m, "kind")
	cost, _ := field[int64](m, "cost")
	credits, _ := field[int64](m, "creditsAfter")
	return Sent{ID: id, ThreadID: thread, Kind: MessageKind(kind), Cost: int(cost), InMailCredits: int(credits), Replayed: true}, true, nil
}

// Mailbox returns one page of the caller's received (incoming) or sent messages, newest first,
// each with how the caller stands to the other member. Messages exchanged with a member in a
// block relation with the caller are never listed.
func (s *Store) Mailbox(ctx context.Context, caller string, incoming bool, filter MailboxFilter, page PageRequest) (_ Page[Envelope], err error) {
	defer wrap(&err, "Mailbox(%q, incoming=%v)", caller, incoming)
	var key timeKey
	ok, err := decodeCursor(page.After, &key)
	if err != nil {
		return Page[Envelope]{}, err
	}
	params := map[string]any{
		"caller": caller, "incoming": incoming, "kind": nil, "unread": filter.UnreadOnly,
		"requests": incoming && filter.Requests,
		"limit":    int64(page.Limit), "afterSentAt": nil, "afterId": nil,
	}
	if filter.Kind != "" {
		params["kind"] = string(filter.Kind)
	}
	if ok {
		params["afterSentAt"], params["afterId"] = asNeo4jTime(key.At), key.ID
	}
	recs, err := s.read(ctx, cypher.Messages, params)
	if err != nil {
		return Page[Envelope]{}, err
	}
	var items []Envelope
	for _, rec := range recs {
		msg, err := toMessage(rec, "other", "other")
		if err != nil {
			return Page[Envelope]{}, err
		}
		other := msg.From
		if !incoming {
			other = msg.To
		}
		items = append(items, Envelope{Message: msg, Other: other})
	}
	out := pageOf(items, page.Limit, func(e Envelope) any { return timeKey{At: e.Message.SentAt, ID: e.Message.ID} })
	if len(out.Items) == 0 {
		return out, nil
	}
	others := make([]string, 0, len(out.Items))
	for _, e := range out.Items {
		if !e.Other.IsFormer() {
			others = append(others, e.Other.ID)
		}
	}
	relations, err := s.Relations(ctx, caller, others)
	if err != nil {
		return Page[Envelope]{}, err
	}
	for i := range out.Items {
		out.Items[i].Degree = OutOfNetwork
		if r, ok := relations[out.Items[i].Other.ID]; ok {
			out.Items[i].Degree = r.Degree
		}
	}
	return out, nil
}

// Message returns one message to one of its two members, and marks it read when the recipient
// reads it. Anyone else, or a member in a block relation with the other, finds nothing.
func (s *Store) Message(ctx context.Context, caller, id string) (_ Message, err error) {
	defer wrap(&err, "Message(%q, %q)", caller, id)
	return write(ctx, s, func(tx neo4j.ManagedTransaction) (Message, error) {
		recs, err := collect(ctx, tx, cypher.Message, map[string]any{
			"caller": caller, "id": id, "markRead": true, "now": s.now(),
		})
		if err != nil {
			return Message{}, err
		}
		if len(recs) == 0 {
			return Message{}, fail(ErrNotFound, "message %q not found", id)
		}
		return toMessage(recs[0], "sender", "recipient")
	})
}

// Thread returns one page of a conversation, oldest first, to one of its two members.
func (s *Store) Thread(ctx context.Context, caller, threadID string, page PageRequest) (_ Page[Message], err error) {
	defer wrap(&err, "Thread(%q, %q)", caller, threadID)
	var key timeKey
	ok, err := decodeCursor(page.After, &key)
	if err != nil {
		return Page[Message]{}, err
	}
	params := map[string]any{"caller": caller, "threadId": threadID, "limit": int64(page.Limit), "afterSentAt": nil, "afterId": nil}
	if ok {
		params["afterSentAt"], params["afterId"] = asNeo4jTime(key.At), key.ID
	}
	recs, err := s.read(ctx, cypher.Thread, params)
	if err != nil {
		return Page[Message]{}, err
	}
	if participant, err := value[bool](recs[0], "participant"); err != nil || !participant {
		if err == nil {
			err = fail(ErrNotFound, "thread %q not found", threadID)
		}
		return Page[Message]{}, err
	}
	var items []Message
	for _, rec := range recs {
		if m, _ := rec.Get("message"); m == nil {
			continue // an empty page
		}
		msg, err := toMessage(rec, "sender", "recipient")
		if err != nil {
			return Page[Message]{}, err
		}
		items = append(items, msg)
	}
	return pageOf(items, page.Limit, func(m Message) any { return timeKey{At: m.SentAt, ID: m.ID} }), nil
}

// Decline lets the recipient of a pending InMail or message request turn it down: the sender
// gets an InMail's credit back (within 90 days) and may send the caller no more InMail nor
// requests.
func (s *Store) Decline(ctx context.Context, caller, id, note string) (_ Message, err error) {
	defer wrap(&err, "Decline(%q, %q)", caller, id)
	return s.answerMessage(ctx, caller, id, StatusDeclined, func(tx neo4j.ManagedTransaction, now time.Time) ([]*neo4j.Record, error) {
		return collect(ctx, tx, cypher.DeclineMessage, map[string]any{
			"caller": caller, "id": id, "note": note, "now": now, "refundSince": now.Add(-refundWindow),
		})
	})
}

// Accept lets the recipient of a pending message request accept it: the conversation is open
// from then on, both ways (thread_reply), and the request moves from the requests box to the
// inbox.
func (s *Store) Accept(ctx context.Context, caller, id string) (_ Message, err error) {
	defer wrap(&err, "Accept(%q, %q)", caller, id)
	return s.answerMessage(ctx, caller, id, StatusAccepted, func(tx neo4j.ManagedTransaction, now time.Time) ([]*neo4j.Record, error) {
		return collect(ctx, tx, cypher.AcceptRequest, map[string]any{"caller": caller, "id": id, "now": now})
	})
}

// answerMessage is Decline and Accept: it checks that the caller received message id, pending and of a
// kind that can be answered so, locks both members, runs the answering statement and reports the
// message with its new status.
func (s *Store) answerMessage(ctx context.Context, caller, id string, to InMailStatus,
	run func(neo4j.ManagedTransaction, time.Time) ([]*neo4j.Record, error)) (Message, error) {
	return write(ctx, s, func(tx neo4j.ManagedTransaction) (Message, error) {
		msg, err := messageInTx(ctx, tx, caller, id)
		if err != nil {
			return Message{}, err
		}
		if err := answerable(msg, caller, to); err != nil {
			return Message{}, err
		}
		if _, err := lockMembers(ctx, tx, msg.From.ID, msg.To.ID); err != nil {
			return Message{}, err
		}
		touch(tx, msg.From.ID) // refunded
		touchPair(tx, msg.From.ID, msg.To.ID)
		recs, err := run(tx, s.now())
		if err != nil {
			return Message{}, err
		}
		if len(recs) == 0 {
			return Message{}, fail(ErrConflict, "message %q was answered meanwhile", id)
		}
		msg.Status = to
		return msg, nil
	})
}

// answerable says why the caller may not give msg the status to (declined or accepted), or nil.
func answerable(msg Message, caller string, to InMailStatus) error {
	what := "an InMail or a message request"
	canAnswer := msg.Kind == KindInMail || msg.Kind == KindRequest
	if to == StatusAccepted {
		what, canAnswer = "a message request", msg.Kind == KindRequest
	}
	verb := map[InMailStatus]string{StatusDeclined: "decline", StatusAccepted: "accept"}[to]
	switch {
	case msg.To.ID != caller:
		return fail(ErrForbidden, "only the recipient may %s message %q", verb, msg.ID)
	case !canAnswer:
		return fail(ErrUnprocessable, "message %q is not %s; only those can be %s", msg.ID, what, to)
	case msg.Status != StatusPending:
		return fail(ErrConflict, "message %q was already %s", msg.ID, msg.Status)
	case msg.From.IsFormer():
		return fail(ErrConflict, "the sender of message %q has closed their account", msg.ID)
	}
	return nil
}

// DeleteMessage removes a message from the caller's own mailbox; the other member keeps it.
func (s *Store) DeleteMessage(ctx context.Context, caller, id string) (err error) {
	defer wrap(&err, "DeleteMessage(%q, %q)", caller, id)
	_, err = write(ctx, s, func(tx neo4j.ManagedTransaction) (struct{}, error) {
		recs, err := collect(ctx, tx, cypher.DeleteMessage, map[string]any{"caller": caller, "id": id})
		if err == nil && len(recs) == 0 {
			err = fail(ErrNotFound, "message %q not found", id)
		}
		return struct{}{}, err
	})
	return err
}

// messageInTx reads a message visible to the caller without marking it read.
func messageInTx(ctx context.Context, tx neo4j.ManagedTransaction, caller, id string) (Message, error) {
	recs, err := collect(ctx, tx, cypher.Message, map[string]any{"caller": caller, "id": id, "markRead": false, "now": nil})
	if err != nil {
		return Message{}, err
	}
	if len(recs) == 0 {
		return Message{}, fail(ErrNotFound, "message %q not found", id)
	}
	return toMessage(recs[0], "sender", "recipient")
}

// ThreadID names the one conversation between two members, whoever wrote first.
func ThreadID(a, b string) string {
	sum := sha256.Sum256([]byte(min(a, b) + "\x00" + max(a, b)))
	return "th_" + base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(sum[:16])
}

// BodyHash is what the mass-blast limit compares bodies by: a hash of the body with case and
// runs of white space folded.
func BodyHash(body string) string {
	return hashOf(strings.Join(strings.Fields(strings.ToLower(body)), " "))
}

func hashOf(parts ...string) string {
	h := sha256.New()
	for _, p := range parts {
		fmt.Fprintf(h, "%d:%s;", len(p), p)
	}
	return hex.EncodeToString(h.Sum(nil))
}

// refusalDetail says in words why a message may not be sent.
func refusalDetail(r Reason, name string) string {
	switch r {
	case ReasonSenderRestricted:
		return "your messaging is restricted after reports from other members"
	case ReasonDeclined:
		return name + " declined your InMail before"
	case ReasonAwaitingReply:
		return "your InMail to " + name + " has not been answered yet"
	case ReasonRecipientInMailOff:
		return name + " does not accept InMail"
	case ReasonRecipientNetworkOnly:
		return name + " accepts InMail only from members within 3 degrees"
	case ReasonNoCredits:
		return "you have no InMail credits left"
	default:
		return "you may not message " + name
	}
}

package neo4jstore

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
	"github.com/reach-network/reach/cypher"
	"github.com/reach-network/reach/graph"
	"github.com/reach-network/reach/graph/bolt"
	"github.com/reach-network/reach/graph/changelog"
)

// Send sends a message from the caller, deciding by the messaging rules inside the transaction
// that writes it, so that the decision and the write cannot drift apart: two sends racing for the
// last credit are serialised on the caller's lock, and only one of them gets it. With a non-empty
// idempotency key, a send the caller already made with that key is not made again: its first
// answer comes back. A refusal is an *Error whose Reason names the rule. Sends arriving while the
// store's transactions of sends are busy share the next (sends.go); each is decided and answered
// as if it went alone.
func (s *Store) Send(ctx context.Context, caller string, d graph.Draft, key string) (graph.Sent, error) {
	return s.send(ctx, caller, d, key, nil)
}

// send is Send and SendWith: known, when not nil, lets a send between connected members go the
// direct way (direct.go).
func (s *Store) send(ctx context.Context, caller string, d graph.Draft, key string, known Known) (_ graph.Sent, err error) {
	defer bolt.Wrap(&err, "Send(%q, %q)", caller, d.To)
	if caller == d.To {
		return graph.Sent{}, graph.Refusal(graph.ErrSelf, graph.ReasonSelf, "you cannot message yourself")
	}
	r, err := newSending(ctx, caller, d, key, known)
	if err != nil {
		return graph.Sent{}, err
	}
	if changelog.IsRehearsal(ctx) || graph.IsForEveryone(ctx) {
		s.sendAll(ctx, []*sending{r}) // alone: its transaction is not like the others
	} else {
		s.sends.send(r)
	}
	return r.sent, r.err
}

// newSending is a send of d from caller, on its way to the queue.
func newSending(ctx context.Context, caller string, d graph.Draft, key string, known Known) (*sending, error) {
	attachments, err := json.Marshal(d.Attachments)
	if err != nil {
		return nil, err
	}
	return &sending{ctx: ctx, caller: caller, draft: d, key: key, attachments: string(attachments),
		requestHash: graph.HashOf(d.To, d.Subject, d.Body, string(attachments)), known: known, done: make(chan struct{})}, nil
}

// sendBatch writes a batch the send queue took, in its own context (batchContext) and, when it
// holds several sends, a span of its own that each send's trace links to (bolt.TracedBatch).
func (s *Store) sendBatch(batch []*sending) {
	ctx, cancel := batchContext(batch)
	defer cancel()
	requests := make([]context.Context, len(batch))
	for i, r := range batch {
		requests[i] = r.ctx
	}
	ctx, end := bolt.TracedBatch(ctx, "send transaction", requests)
	defer end()
	s.sendAll(ctx, batch)
}

// sendAll writes sends with no member in common and finishes each with its own answer: those
// that memory decides free messages between connected members all with one guarded statement
// (sendDirect), and, at the same time, the others in one write transaction
// (decideInTransaction); any the guard turned back follow in a transaction of their own.
func (s *Store) sendAll(ctx context.Context, batch []*sending) {
	ones, others := s.directOnes(ctx, batch)
	if len(ones) == 0 {
		s.decideInTransaction(ctx, others)
		return
	}
	var decided sync.WaitGroup
	if len(others) > 0 {
		decided.Go(func() { s.decideInTransaction(ctx, others) })
	}
	if rest := s.sendDirect(ctx, ones); len(rest) > 0 {
		s.decideInTransaction(ctx, rest)
	}
	decided.Wait()
}

// decideInTransaction decides and writes sends with no member in common in one write transaction
// and finishes each with its own answer: a refusal or a replay answers its send alone, and the
// others are written. If the transaction fails, each send of a batch is tried again alone, so
// that one send's failure is never another's.
func (s *Store) decideInTransaction(ctx context.Context, batch []*sending) {
	answers := make([]answered, len(batch))
	_, written, err := changelog.Write(ctx, s.db, s.logShards, &s.locks, func(tx neo4j.ManagedTransaction) (struct{}, error) {
		clear(answers) // an attempt the driver retries starts again
		return struct{}{}, s.decideAll(ctx, tx, batch, answers)
	})
	if err != nil && len(batch) > 1 && !unavailable(ctx, err) {
		var alone sync.WaitGroup
		for _, r := range batch {
			alone.Go(func() { s.decideInTransaction(r.ctx, []*sending{r}) }) // the direct way, if any, was tried
		}
		alone.Wait()
		return
	}
	if err == nil {
		members := written.Members
		if graph.IsForEveryone(ctx) {
			members = nil
		}
		s.wrote(written.Token, members)
	}
	for i, r := range batch {
		if err != nil {
			r.finish(graph.Sent{}, err)
			continue
		}
		if answers[i].err == nil {
			graph.RecordWrite(r.ctx, written.Token)
		}
		r.finish(answers[i].sent, answers[i].err)
	}
}

// unavailable tells whether a batch failed because Neo4j did not answer in time, which its sends
// alone would meet as well.
func unavailable(ctx context.Context, err error) bool {
	bolt.Wrap(&err, "sends")
	return ctx.Err() != nil || errors.Is(err, graph.ErrUnavailable)
}

// answered is one send's answer within its batch's transaction.
type answered struct {
	sent graph.Sent
	err  error
}

// decideAll decides each send of a batch under its members' locks, all taken by one statement,
// and writes the messages the rules allow with one more, the change log's append with it.
func (s *Store) decideAll(ctx context.Context, tx neo4j.ManagedTransaction, batch []*sending, answers []answered) error {
	rows, err := s.lockedRelations(ctx, tx, batch)
	if err != nil {
		return err
	}
	var messages []any
	for i, r := range batch {
		o, sent, err := s.decide(ctx, tx, r, rows[r.caller])
		if err != nil && !isAnswer(err) {
			return err // Neo4j failed: the transaction cannot go on
		}
		if o != nil {
			var message map[string]any
			sent, message = s.message(tx, *o)
			messages = append(messages, message)
		}
		answers[i] = answered{sent, err}
	}
	if len(messages) > 0 {
		changelog.Last(tx, cypher.SendMessage, map[string]any{"batch": map[string]any{"messages": messages}, "newSide": newSide})
	}
	return nil
}

// isAnswer tells whether err is a send's own answer (a refusal, a missing member, a key reused),
// which leaves the transaction whole, rather than a failure of Neo4j, which does not.
func isAnswer(err error) bool {
	var domain *graph.Error
	return errors.As(err, &domain)
}

// decide applies the messaging rules to one send, given the relation lockedRelations read for it
// (nil when its caller or recipient is missing or hidden): it answers the message to write, or
// the first answer to the send's idempotency key, or a refusal (isAnswer), or a failure of Neo4j.
func (s *Store) decide(ctx context.Context, tx neo4j.ManagedTransaction, r *sending, rel *relationRow) (*outgoing, graph.Sent, error) {
	if rel == nil {
		// Say which one is missing: the caller, or the member (or the member is hidden by a block).
		if _, err := lockMembers(ctx, tx, r.caller); err != nil {
			return nil, graph.Sent{}, err
		}
		if r.key == "" {
			return nil, graph.Sent{}, graph.MemberNotFound(r.draft.To)
		}
		// A retry finds its first answer even if the recipient has since blocked the caller.
		keyed, err := messageByKey(ctx, tx, r.caller, r.key)
		if sent, found, err := replayed(keyed, err, r.key, r.requestHash); err != nil || found {
			return nil, sent, err
		}
		return nil, graph.Sent{}, graph.MemberNotFound(r.draft.To)
	}
	if r.key != "" {
		if sent, found, err := replayed(rel.keyed, nil, r.key, r.requestHash); err != nil || found {
			return nil, sent, err
		}
	}
	decision := rel.Messaging
	if !decision.Allowed {
		return nil, graph.Sent{}, graph.Refusal(graph.ErrRefused, decision.Reason, graph.RefusalDetail(decision.Reason, rel.Member.Name))
	}
	now, kind, bodyHash := s.now(), decision.Channel.Kind(), graph.BodyHash(r.draft.Body)
	filing := graph.Filing{Filed: rel.filed, Kind: kind, Connected: rel.connected}
	if kind != graph.KindMessage {
		signals, err := readSenderSignals(ctx, tx, r.caller, r.draft.To, bodyHash, now)
		if err != nil {
			return nil, graph.Sent{}, err
		}
		if kind == graph.KindInMail {
			if err := s.limits.CheckInMail(signals.inmails, signals.sameInMailBody, signals.oldest, now); err != nil {
				return nil, graph.Sent{}, err
			}
		}
		filing.Blast = !filing.Connected && s.limits.Blasting(signals.blast)
	}
	o := r.outgoing(rel.caller, decision, filing, bodyHash, now)
	o.muted = rel.muted
	return &o, graph.Sent{}, nil
}

// outgoing is a message the rules allowed, on its way to being written.
type outgoing struct {
	draft                 graph.Draft
	attachments, bodyHash string // the draft's attachments as JSON, and BodyHash of its body
	key, requestHash      string // the idempotency key ("" for none) and what it was sent with
	decision              graph.Decision
	sender                graph.Member // as stored before this send
	filing                graph.Filing // files the conversation for the recipient
	muted                 bool         // the recipient muted the conversation
	now                   time.Time    // when it is sent
}

// message is o as one of SendMessage's $messages, with what it changes of its sender (credits
// spent after any monthly grant due, the month's requests counted) and the change log's record of
// it, and the answer to its send.
func (s *Store) message(tx neo4j.ManagedTransaction, o outgoing) (graph.Sent, map[string]any) {
	from, to, decision, now := o.sender, o.draft.To, o.decision, o.now
	kind := decision.Channel.Kind()
	charge := graph.ChargeFor(from, to, decision, rand.Text(), now)
	sent, grantedAt := charge.Sent, charge.GrantedAt
	via := decision.RequestVia()
	inboxKey, requestKey := graph.RecipientKeys(to, kind, charge.Status, false, now, sent.ID)
	filed, pending := o.filing.Box(), int64(0)
	sent.RecipientBox, sent.RecipientMuted = filed, o.muted
	if charge.Status == graph.StatusPending {
		pending = 1
	}
	changelog.Touch(tx, from.ID, to) // credits or requests spent, or refunded to the InMail's sender a reply answers
	changelog.TouchPair(tx, from.ID, to)
	if !o.muted {
		changelog.Tell(tx, graph.Event{Kind: graph.EventMessage, To: to, By: from.ID, ID: sent.ID, ThreadID: sent.ThreadID,
			Box: filed, MessageKind: kind, Subject: o.draft.Subject, Excerpt: graph.Excerpt(o.draft.Body)})
	}
	return sent, map[string]any{
		"caller": from.ID, "to": to, "id": sent.ID, "threadId": sent.ThreadID,
		"kind": string(kind), "channel": string(decision.Channel), "cost": int64(decision.Cost),
		"subject": o.draft.Subject, "body": o.draft.Body, "bodyHash": o.bodyHash, "attachments": o.attachments,
		"status": string(charge.Status), "key": o.key, "requestHash": o.requestHash, "credits": int64(sent.InMailCredits),
		"granted": !grantedAt.IsZero(), "planGrantedAt": bolt.AsNeo4jTime(grantedAt),
		"viaKind": via.Kind, "viaId": via.ID, "viaName": via.Name,
		"requestsMonth": int64(charge.RequestsMonth), "requestsSent": int64(charge.RequestsSent),
		"inboxKey": inboxKey, "requestKey": requestKey, "sentKey": graph.MailboxKey(from.ID, now, sent.ID),
		"now": now, "refundSince": now.Add(-graph.RefundWindow),
		"conversationKind": string(graph.ConversationKindOf(kind)), "pending": pending,
		"activity": graph.ActivityKey(now, sent.ID), "senderBoxKey": graph.BoxKey(from.ID, graph.BoxInbox, now, sent.ID),
		"recipientFiled": string(filed), "recipientBoxKey": graph.BoxKey(to, filed, now, sent.ID),
	}
}

// outgoing is r as the rules allowed it, from sender as stored, on its way to being written
// (muted left false, for a caller that knows the recipient muted the conversation to set).
func (r *sending) outgoing(sender graph.Member, decision graph.Decision, filing graph.Filing, bodyHash string, now time.Time) outgoing {
	return outgoing{draft: r.draft, attachments: r.attachments, bodyHash: bodyHash, key: r.key, requestHash: r.requestHash,
		decision: decision, sender: sender, filing: filing, now: now}
}

// newSide is a member's side of a conversation as it starts: nothing written, read or answered,
// filed nowhere until a message files it.
var newSide = map[string]any{"wrote": false, "pending": int64(0), "accepted": false, "unread": int64(0),
	"filed": "", "archived": false, "muted": false}

// senderSignals is what the rules count of a sender as an InMail or request of theirs goes out
// (cypher/SenderSignals.cypher): for the abuse limits, their InMails of the last 24 hours, the
// oldest's time, and the other members one with the same body went to; for the Other box's rule,
// the signals it reads.
type senderSignals struct {
	inmails, sameInMailBody int
	oldest                  time.Time
	blast                   graph.BlastSignals
}

// readSenderSignals reads, in one statement, what the abuse limits and the Other box's rule count
// of the caller as an InMail or request of theirs with bodyHash goes to member to.
func readSenderSignals(ctx context.Context, tx neo4j.ManagedTransaction, caller, to, bodyHash string, now time.Time) (senderSignals, error) {
	recs, err := bolt.Collect(ctx, tx, cypher.SenderSignals, map[string]any{
		"caller": caller, "to": to, "bodyHash": bodyHash, "day": now.Add(-graph.AbuseWindow), "month": now.Add(-graph.ReportWindow),
	})
	if err != nil {
		return senderSignals{}, err
	}
	oldest, err := bolt.Value[time.Time](recs[0], "oldest")
	out, errs := senderSignals{oldest: oldest}, []error{err}
	for _, f := range []struct {
		key  string
		into *int
	}{{"inmails", &out.inmails}, {"sameInMailBody", &out.sameInMailBody}, {"sameBody", &out.blast.SameBody},
		{"sent", &out.blast.Sent}, {"declined", &out.blast.Declined}, {"reported", &out.blast.Reported}} {
		n, err := bolt.Value[int64](recs[0], f.key)
		*f.into, errs = int(n), append(errs, err)
	}
	if err := errors.Join(errs...); err != nil {
		return senderSignals{}, fmt.Errorf("sender signals: %w", err)
	}
	return out, nil
}

// messageByKey finds the message the caller already sent with an idempotency key, or nil.
func messageByKey(ctx context.Context, tx neo4j.ManagedTransaction, caller, key string) (map[string]any, error) {
	recs, err := bolt.Collect(ctx, tx, cypher.MessageByKey, map[string]any{"caller": caller, "key": key})
	if err != nil || len(recs) == 0 {
		return nil, err
	}
	return bolt.Value[map[string]any](recs[0], "message")
}

// replayed is the first answer to a send with an idempotency key, from the message m sent with
// it before (found false when m is nil), or a conflict when m was sent with another request.
func replayed(m map[string]any, err error, key, requestHash string) (graph.Sent, bool, error) {
	if err != nil || m == nil {
		return graph.Sent{}, false, err
	}
	if hash, _ := bolt.Field[string](m, "requestHash"); hash != requestHash {
		return graph.Sent{}, false, graph.Fail(graph.ErrIdempotencyConflict,
			"idempotency key %q was already used for a different message", key)
	}
	id, _ := bolt.Field[string](m, "id")
	thread, _ := bolt.Field[string](m, "threadId")
	kind, _ := bolt.Field[string](m, "kind")
	cost, _ := bolt.Field[int64](m, "cost")
	credits, _ := bolt.Field[int64](m, "creditsAfter")
	return graph.Sent{ID: id, ThreadID: thread, Kind: graph.MessageKind(kind), Cost: int(cost), InMailCredits: int(credits), Replayed: true}, true, nil
}

// Mailbox returns one page of the caller's received (incoming) or sent messages, newest first,
// each with how the caller stands to the other member. Messages exchanged with a member in a
// block relation with the caller are never listed. A page reads the caller's mailbox keys
// (graph.MailboxKey) in order from the cursor's, so its cost follows the page, not the mailbox.
func (s *Store) Mailbox(ctx context.Context, caller string, incoming bool, filter graph.MailboxFilter, page graph.PageRequest) (graph.Page[graph.Envelope], error) {
	return s.MailboxWith(ctx, caller, incoming, filter, page, s.Standings)
}

// MailboxWith is Mailbox, asking standings how the caller stands to the members of the page, such
// as from memory (answer.Service); a member left out is out of network.
func (s *Store) MailboxWith(ctx context.Context, caller string, incoming bool, filter graph.MailboxFilter, page graph.PageRequest, standings Standings) (_ graph.Page[graph.Envelope], err error) {
	defer bolt.Wrap(&err, "Mailbox(%q, incoming=%v)", caller, incoming)
	statement, params, err := MailboxQuery(caller, incoming, filter, page)
	if err != nil {
		return graph.Page[graph.Envelope]{}, err
	}
	recs, err := s.db.Read(ctx, statement, params)
	if err != nil {
		return graph.Page[graph.Envelope]{}, err
	}
	var items []graph.Envelope
	for _, rec := range recs {
		msg, err := toMessage(rec, "other", "other")
		if err != nil {
			return graph.Page[graph.Envelope]{}, err
		}
		other := msg.From
		if !incoming {
			other = msg.To
		}
		items = append(items, graph.Envelope{Message: msg, Other: other})
	}
	out := graph.PageOf(items, page.Limit, func(e graph.Envelope) any { return graph.TimeKey{At: e.Message.SentAt, ID: e.Message.ID} })
	if len(out.Items) == 0 {
		return out, nil
	}
	others := make([]string, 0, len(out.Items))
	for _, e := range out.Items {
		if !e.Other.IsFormer() {
			others = append(others, e.Other.ID)
		}
	}
	known, err := standings(ctx, caller, others)
	if err != nil {
		return graph.Page[graph.Envelope]{}, err
	}
	for i := range out.Items {
		out.Items[i].Degree = graph.OutOfNetwork
		if st, ok := known[out.Items[i].Other.ID]; ok {
			out.Items[i].Degree = st.Degree
		}
	}
	return out, nil
}

// MailboxQuery is the statement Mailbox runs for a page, Inbox, Requests or Sent, with its parameters, so
// that tests and benchmarks can profile exactly that. Returns ErrInvalidCursor for a cursor the
// mailbox did not give out.
func MailboxQuery(caller string, incoming bool, filter graph.MailboxFilter, page graph.PageRequest) (string, map[string]any, error) {
	var key graph.TimeKey
	ok, err := graph.DecodeCursor(page.After, &key)
	if err != nil {
		return "", nil, err
	}
	from, until := graph.MailboxRange(caller, key, ok)
	params := map[string]any{
		"caller": caller, "from": from, "until": until, "kind": string(filter.Kind), "unread": filter.UnreadOnly,
		"limit": int64(page.Limit),
	}
	if !incoming {
		return cypher.Sent, params, nil
	}
	if filter.Requests {
		return cypher.Requests, params, nil
	}
	return cypher.Inbox, params, nil
}

// Message returns one message to one of its two members, and marks it read when the recipient
// reads it. Anyone else, or a member in a block relation with the other, finds nothing.
func (s *Store) Message(ctx context.Context, caller, id string) (_ graph.Message, err error) {
	defer bolt.Wrap(&err, "Message(%q, %q)", caller, id)
	return write(ctx, s, func(tx neo4j.ManagedTransaction) (graph.Message, error) {
		recs, err := bolt.Collect(ctx, tx, cypher.Message, map[string]any{
			"caller": caller, "id": id, "markRead": true, "now": s.now(),
		})
		if err != nil {
			return graph.Message{}, err
		}
		if len(recs) == 0 {
			return graph.Message{}, graph.Fail(graph.ErrNotFound, "message %q not found", id)
		}
		m, err := toMessage(recs[0], "sender", "recipient")
		if marked, _ := bolt.Value[bool](recs[0], "marked"); err == nil && marked {
			touchSides(tx, m) // the recipient's unread count, and whether each side's last message was read
		}
		return m, err
	})
}

// touchSides says that the transaction changed both sides of m's conversation (a former
// member's has none).
func touchSides(tx neo4j.ManagedTransaction, m graph.Message) {
	for _, member := range []graph.MemberSummary{m.From, m.To} {
		if !member.IsFormer() {
			changelog.TouchSide(tx, member.ID, m.ThreadID)
		}
	}
}

// Thread returns one page of a conversation, oldest first, to one of its two members.
func (s *Store) Thread(ctx context.Context, caller, threadID string, page graph.PageRequest) (_ graph.Page[graph.Message], err error) {
	defer bolt.Wrap(&err, "Thread(%q, %q)", caller, threadID)
	var key graph.TimeKey
	ok, err := graph.DecodeCursor(page.After, &key)
	if err != nil {
		return graph.Page[graph.Message]{}, err
	}
	params := map[string]any{"caller": caller, "threadId": threadID, "limit": int64(page.Limit), "afterSentAt": nil, "afterId": nil}
	if ok {
		params["afterSentAt"], params["afterId"] = bolt.AsNeo4jTime(key.At), key.ID
	}
	recs, err := s.db.Read(ctx, cypher.Thread, params)
	if err != nil {
		return graph.Page[graph.Message]{}, err
	}
	if participant, err := bolt.Value[bool](recs[0], "participant"); err != nil || !participant {
		if err == nil {
			err = graph.Fail(graph.ErrNotFound, "thread %q not found", threadID)
		}
		return graph.Page[graph.Message]{}, err
	}
	var items []graph.Message
	for _, rec := range recs {
		if m, _ := rec.Get("message"); m == nil {
			continue // an empty page
		}
		msg, err := toMessage(rec, "sender", "recipient")
		if err != nil {
			return graph.Page[graph.Message]{}, err
		}
		items = append(items, msg)
	}
	return graph.PageOf(items, page.Limit, func(m graph.Message) any { return graph.TimeKey{At: m.SentAt, ID: m.ID} }), nil
}

// Decline lets the recipient of a pending InMail or message request turn it down: the sender
// gets an InMail's credit back (within 90 days) and may send the caller no more InMail nor
// requests.
func (s *Store) Decline(ctx context.Context, caller, id, note string) (_ graph.Message, err error) {
	defer bolt.Wrap(&err, "Decline(%q, %q)", caller, id)
	told := graph.Event{Kind: graph.EventDecline, Note: note}
	return s.answerMessage(ctx, caller, id, graph.StatusDeclined, told, func(tx neo4j.ManagedTransaction, now time.Time) ([]*neo4j.Record, error) {
		return bolt.Collect(ctx, tx, cypher.DeclineMessage, map[string]any{
			"caller": caller, "id": id, "note": note, "now": now, "refundSince": now.Add(-graph.RefundWindow),
		})
	})
}

// Accept lets the recipient of a pending message request accept it: the conversation is open
// from then on, both ways (thread_reply), and the request moves from the requests box to the
// inbox.
func (s *Store) Accept(ctx context.Context, caller, id string) (_ graph.Message, err error) {
	defer bolt.Wrap(&err, "Accept(%q, %q)", caller, id)
	told := graph.Event{Kind: graph.EventRequestAccepted}
	return s.answerMessage(ctx, caller, id, graph.StatusAccepted, told, func(tx neo4j.ManagedTransaction, now time.Time) ([]*neo4j.Record, error) {
		return bolt.Collect(ctx, tx, cypher.AcceptRequest, map[string]any{"caller": caller, "id": id, "now": now})
	})
}

// answerMessage is Decline and Accept: it checks that the caller received message id, pending and of a
// kind that can be answered so, locks both members, runs the answering statement, tells the
// sender (told, made theirs) and reports the message with its new status.
func (s *Store) answerMessage(ctx context.Context, caller, id string, to graph.InMailStatus, told graph.Event,
	run func(neo4j.ManagedTransaction, time.Time) ([]*neo4j.Record, error)) (graph.Message, error) {
	return write(ctx, s, func(tx neo4j.ManagedTransaction) (graph.Message, error) {
		msg, err := messageInTx(ctx, tx, caller, id)
		if err != nil {
			return graph.Message{}, err
		}
		if err := answerable(msg, caller, to); err != nil {
			return graph.Message{}, err
		}
		if _, err := lockMembers(ctx, tx, msg.From.ID, msg.To.ID); err != nil {
			return graph.Message{}, err
		}
		changelog.Touch(tx, msg.From.ID) // refunded
		changelog.TouchPair(tx, msg.From.ID, msg.To.ID)
		recs, err := run(tx, s.now())
		if err != nil {
			return graph.Message{}, err
		}
		if len(recs) == 0 {
			return graph.Message{}, graph.Fail(graph.ErrConflict, "message %q was answered meanwhile", id)
		}
		msg.Status = to
		told.To, told.By, told.ID, told.ThreadID = msg.From.ID, caller, msg.ID, msg.ThreadID
		changelog.Tell(tx, told)
		return msg, nil
	})
}

// answerable says why the caller may not give msg the status to (declined or accepted), or nil.
func answerable(msg graph.Message, caller string, to graph.InMailStatus) error {
	what := "an InMail or a message request"
	canAnswer := msg.Kind == graph.KindInMail || msg.Kind == graph.KindRequest
	if to == graph.StatusAccepted {
		what, canAnswer = "a message request", msg.Kind == graph.KindRequest
	}
	verb := map[graph.InMailStatus]string{graph.StatusDeclined: "decline", graph.StatusAccepted: "accept"}[to]
	switch {
	case msg.To.ID != caller:
		return graph.Fail(graph.ErrForbidden, "only the recipient may %s message %q", verb, msg.ID)
	case !canAnswer:
		return graph.Fail(graph.ErrUnprocessable, "message %q is not %s; only those can be %s", msg.ID, what, to)
	case msg.Status != graph.StatusPending:
		return graph.Fail(graph.ErrConflict, "message %q was already %s", msg.ID, msg.Status)
	case msg.From.IsFormer():
		return graph.Fail(graph.ErrConflict, "the sender of message %q has closed their account", msg.ID)
	}
	return nil
}

// DeleteMessage removes a message from the caller's own mailbox; the other member keeps it.
func (s *Store) DeleteMessage(ctx context.Context, caller, id string) (err error) {
	defer bolt.Wrap(&err, "DeleteMessage(%q, %q)", caller, id)
	_, err = write(ctx, s, func(tx neo4j.ManagedTransaction) (struct{}, error) {
		recs, err := bolt.Collect(ctx, tx, cypher.DeleteMessage, map[string]any{"caller": caller, "id": id})
		if err == nil && len(recs) == 0 {
			err = graph.Fail(graph.ErrNotFound, "message %q not found", id)
		}
		if err != nil {
			return struct{}{}, err
		}
		thread, err := bolt.Value[string](recs[0], "threadId")
		if err == nil {
			changelog.TouchSide(tx, caller, thread) // its last message, and unread count
		}
		return struct{}{}, err
	})
	return err
}

// messageInTx reads a message visible to the caller without marking it read.
func messageInTx(ctx context.Context, tx neo4j.ManagedTransaction, caller, id string) (graph.Message, error) {
	recs, err := bolt.Collect(ctx, tx, cypher.Message, map[string]any{"caller": caller, "id": id, "markRead": false, "now": nil})
	if err != nil {
		return graph.Message{}, err
	}
	if len(recs) == 0 {
		return graph.Message{}, graph.Fail(graph.ErrNotFound, "message %q not found", id)
	}
	return toMessage(recs[0], "sender", "recipient")
}

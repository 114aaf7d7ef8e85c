package pgpeer

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/reach-network/reach/graph"
)

// Send sends d from the caller under the messaging rules, as reach's store does, in one
// PostgreSQL transaction: it locks both members, reads the pair's facts (Reachability.sql),
// decides with graph.Complete, applies the abuse limits to an InMail, and writes the message with
// the sender's credits and requests. With a key, a retry answers the first send's Sent (Replayed)
// even if the recipient has since blocked the caller.
// Returns a graph.Refusal of kind graph.ErrSelf to oneself, graph.ErrNotFound when either member
// does not exist or the two are in a block relation, graph.ErrRefused with the rule's reason
// when the rules or the same-body limit refuse, graph.ErrRateLimited with RetryAfter past the
// daily InMails, and graph.ErrIdempotencyConflict when key was used for a different message.
func (p *Peer) Send(ctx context.Context, caller string, d graph.Draft, key string) (_ graph.Sent, err error) {
	defer wrap(&err, "Send(%q, %q)", caller, d.To)
	if caller == d.To {
		return graph.Sent{}, graph.Refusal(graph.ErrSelf, graph.ReasonSelf, "you cannot message yourself")
	}
	attachments, err := json.Marshal(d.Attachments)
	if err != nil {
		return graph.Sent{}, err
	}
	o := outgoing{draft: d, attachments: string(attachments), bodyHash: graph.BodyHash(d.Body), key: key,
		requestHash: graph.HashOf(d.To, d.Subject, d.Body, string(attachments))}
	var sent graph.Sent
	err = pgx.BeginFunc(ctx, p.pool, func(tx pgx.Tx) error {
		sent, err = p.send(ctx, tx, caller, o)
		return err
	})
	return sent, err
}

// outgoing is a message on its way to being decided and written.
type outgoing struct {
	draft                 graph.Draft
	attachments, bodyHash string // the draft's attachments as JSON, and BodyHash of its body
	key, requestHash      string // the idempotency key ("" for none) and what it was sent with
}

// locked is the caller and recipient of a send, locked.
type locked struct {
	from, to int32  // their keys
	toName   string // the recipient's name, for a refusal's detail
}

// send decides and writes o from the caller inside tx.
func (p *Peer) send(ctx context.Context, tx pgx.Tx, caller string, o outgoing) (graph.Sent, error) {
	to := o.draft.To
	pair, err := lockPair(ctx, tx, caller, to)
	if err != nil {
		return graph.Sent{}, err
	}
	row, relErr := readReachability(ctx, tx, caller, to) // no row: to is missing or hidden by a block
	if relErr != nil && (o.key == "" || !errors.Is(relErr, graph.ErrNotFound)) {
		return graph.Sent{}, relErr
	}
	if o.key != "" {
		if sent, found, err := sentWithKey(ctx, tx, pair.from, o.key, o.requestHash); err != nil || found {
			return sent, err
		}
		if relErr != nil {
			return graph.Sent{}, relErr
		}
	}
	now := p.clock()
	decision := p.relation(caller, to, row, now).Messaging
	if !decision.Allowed {
		return graph.Sent{}, graph.Refusal(graph.ErrRefused, decision.Reason, graph.RefusalDetail(decision.Reason, pair.toName))
	}
	if decision.Channel.Kind() == graph.KindInMail {
		if err := p.checkAbuse(ctx, tx, pair, o.bodyHash, now); err != nil {
			return graph.Sent{}, err
		}
	}
	return writeMessage(ctx, tx, pair, o, decision, row.caller(caller), now)
}

// lockPair locks the caller and the recipient, in id order. Returns graph.ErrNotFound when the
// caller or the recipient does not exist.
func lockPair(ctx context.Context, tx pgx.Tx, caller, to string) (locked, error) {
	rows, err := tx.Query(ctx, sqlLockMembers, []string{caller, to})
	if err != nil {
		return locked{}, err
	}
	keys := map[string]int32{}
	var pair locked
	var id, name string
	var key int32
	_, err = pgx.ForEachRow(rows, []any{&id, &key, &name}, func() error {
		keys[id] = key
		if id == to {
			pair.toName = name
		}
		return nil
	})
	if err != nil {
		return locked{}, err
	}
	for _, id := range []string{caller, to} {
		if _, ok := keys[id]; !ok {
			return locked{}, graph.MemberNotFound(id)
		}
	}
	pair.from, pair.to = keys[caller], keys[to]
	return pair, nil
}

// sentWithKey finds the message the sender already sent with an idempotency key.
func sentWithKey(ctx context.Context, tx pgx.Tx, sender int32, key, requestHash string) (graph.Sent, bool, error) {
	var sent graph.Sent
	var kind, hash string
	var cost, credits int32
	err := tx.QueryRow(ctx, sqlMessageByKey, sender, key).Scan(&sent.ID, &sent.ThreadID, &kind, &cost, &credits, &hash)
	if errors.Is(err, pgx.ErrNoRows) {
		return graph.Sent{}, false, nil
	}
	if err != nil {
		return graph.Sent{}, false, err
	}
	if hash != requestHash {
		return graph.Sent{}, false, graph.Fail(graph.ErrIdempotencyConflict,
			"idempotency key %q was already used for a different message", key)
	}
	sent.Kind, sent.Cost, sent.InMailCredits, sent.Replayed = graph.MessageKind(kind), int(cost), int(credits), true
	return sent, true, nil
}

// checkAbuse applies the abuse limits to an InMail about to be sent.
func (p *Peer) checkAbuse(ctx context.Context, tx pgx.Tx, pair locked, bodyHash string, now time.Time) error {
	var sent, sameBody int64
	var oldest time.Time
	since := now.Add(-graph.AbuseWindow)
	if err := tx.QueryRow(ctx, sqlRecentInMails, pair.from, since, pair.to, bodyHash).Scan(&sent, &oldest, &sameBody); err != nil {
		return fmt.Errorf("recent inmails: %w", err)
	}
	return p.limits.CheckInMail(int(sent), int(sameBody), oldest, now)
}

// writeMessage writes o, which decision allowed, with what it changes of its sender (from, as
// stored before this send): credits spent (after any monthly grant due) and the month's requests
// counted; and answers the recipient's pending InMails and requests to the sender.
func writeMessage(ctx context.Context, tx pgx.Tx, pair locked, o outgoing, decision graph.Decision, from graph.Member, now time.Time) (graph.Sent, error) {
	charge := graph.ChargeFor(from, o.draft.To, decision, rand.Text(), now)
	sent, via := charge.Sent, decision.RequestVia()
	_, err := tx.Exec(ctx, sqlSendMessage, pair.from, pair.to, sent.ID, sent.ThreadID, string(sent.Kind),
		string(decision.Channel), int32(decision.Cost), o.draft.Subject, o.draft.Body, now, string(charge.Status),
		via.Kind, via.ID, via.Name, o.bodyHash, o.attachments, int32(sent.InMailCredits), at(charge.GrantedAt),
		int32(charge.RequestsMonth), int32(charge.RequestsSent), now.Add(-graph.RefundWindow), o.key, o.requestHash)
	return sent, err
}

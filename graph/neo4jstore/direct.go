package neo4jstore

import (
	"context"
	"errors"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
	"github.com/reach-network/reach/cypher"
	"github.com/reach-network/reach/graph"
	"github.com/reach-network/reach/graph/changelog"
)

// Known tells what is known, without Neo4j's locks, of a send's caller and the member they write
// to: the caller as stored and how they stand to the member (the degree and the rules' decision),
// and whether it knows them at all. A replica's memory knows (answer.Service); so does Neo4j itself,
// read without locks (Store.Stored).
type Known func(ctx context.Context, caller, member string) (sender graph.Member, s graph.Standing, ok bool)

// SendWith is Send, deciding a send between connected members from what known knows and writing
// it, with the other such sends of its batch, by one auto-commit statement, in one exchange with
// Neo4j rather than a transaction's four (its begin, the locked decision, the write, the commit),
// where it can (sendDirect).
func (s *Store) SendWith(ctx context.Context, caller string, d graph.Draft, key string, known Known) (graph.Sent, error) {
	return s.send(ctx, caller, d, key, known)
}

// direct is a send known decides a free message between connected members, with its sender as
// known holds them.
type direct struct {
	*sending
	sender   graph.Member
	decision graph.Decision
}

// directOnes parts batch into the sends known decides free messages between connected members,
// which sendDirect may write, and the rest, which a transaction decides: sends with no known, a
// pair known not connected or not known at all, and every send made for everyone (an
// administrator's, graph.ForEveryone).
func (s *Store) directOnes(ctx context.Context, batch []*sending) (ones []direct, rest []*sending) {
	if graph.IsForEveryone(ctx) {
		return nil, batch
	}
	for _, r := range batch {
		if r.known == nil {
			rest = append(rest, r)
			continue
		}
		sender, standing, ok := r.known(ctx, r.caller, r.draft.To)
		if !ok || standing.Degree != graph.First || !standing.Messaging.Allowed || standing.Messaging.Channel != graph.ChannelMessage {
			rest = append(rest, r)
			continue
		}
		ones = append(ones, direct{sending: r, sender: sender, decision: standing.Messaging})
	}
	return ones, rest
}

// sendDirect writes sends that directOnes found free messages between connected members, all with
// one statement (cypher.GuardedSend), in one exchange with Neo4j rather than a transaction's four
// (its begin, the locked decision, the write, the commit): it takes every member's lock and
// writes only if what each send was decided from, and what each writes back, still holds. So the
// rules are enforced inside the transaction that writes, as in decideInTransaction. It answers the sends and
// returns none, or returns them all having written nothing and answered none, for a transaction
// to decide: facts that changed since for any of them (the guard), a muted conversation or a key
// already used (which known does not know), a rehearsal (which plans the statement and writes
// nothing), a failure that Neo4j answered itself (directFailed).
func (s *Store) sendDirect(ctx context.Context, ones []direct) (rest []*sending) {
	if len(ones) == 0 {
		return nil
	}
	now := s.now()
	sent := make([]graph.Sent, len(ones))
	written, ok, err := changelog.Guarded(ctx, s.db, &s.locks, func(tx neo4j.ManagedTransaction) {
		var (
			messages, guards []any
			asks             []asking
		)
		for i, d := range ones {
			o := d.outgoing(d.sender, d.decision, graph.Filing{Kind: graph.KindMessage, Connected: true}, graph.BodyHash(d.draft.Body), now)
			var message map[string]any
			sent[i], message = s.message(tx, o)
			messages = append(messages, message)
			guards = append(guards, map[string]any{"caller": d.caller, "to": d.draft.To,
				"thread": graph.ThreadID(d.caller, d.draft.To), "quota": quotaOf(d.sender), "key": d.key})
			asks = append(asks, asking{caller: d.caller, members: []string{d.draft.To}})
		}
		changelog.Last(tx, cypher.GuardedSend, map[string]any{
			"batch":   map[string]any{"ids": lockOrder(asks), "messages": messages},
			"newSide": newSide,
			"guard":   map[string]any{"sends": guards, "rehearsal": changelog.IsRehearsal(ctx)},
		})
	})
	if err != nil {
		return s.directFailed(ctx, ones, err)
	}
	if !ok {
		if !changelog.IsRehearsal(ctx) {
			s.sends.missed.Add(int64(len(ones)))
		}
		return sendings(ones)
	}
	s.sends.direct.Add(int64(len(ones)))
	s.wrote(written.Token, written.Members)
	for i, d := range ones {
		graph.RecordWrite(d.ctx, written.Token)
		d.finish(sent[i], nil)
	}
	return nil
}

// sendings are the sends of ones.
func sendings(ones []direct) []*sending {
	out := make([]*sending, len(ones))
	for i, d := range ones {
		out[i] = d.sending
	}
	return out
}

// quotaOf is what a send writes back of its sender (credits, plan and the time of its last grant
// to the millisecond, the month's requests), as cypher/SendGuard.cypher lists it from the stored
// member, each missing property as ToMember reads it.
func quotaOf(m graph.Member) []any {
	granted := int64(0)
	if !m.Quota.GrantedAt.IsZero() {
		granted = m.Quota.GrantedAt.UnixMilli()
	}
	return []any{int64(m.InMailCredits), string(m.Plan), granted, int64(m.Quota.RequestsMonth), int64(m.Quota.RequestsSent)}
}

// directFailed answers the sends whose guarded write failed with err, unless Neo4j answered err
// itself, which leaves nothing written (a transient failure such as a deadlock, a statement
// refused) while the requests still wait: then it returns them, for a transaction to decide,
// which retries what is transient. Neo4j not answering in time, or a connection lost, which may
// have left the sends written, is their answer, as is a full gate on writes; a retry with a send's
// idempotency key finds out.
func (s *Store) directFailed(ctx context.Context, ones []direct, err error) []*sending {
	var answered *neo4j.Neo4jError
	if ctx.Err() == nil && errors.As(err, &answered) {
		return sendings(ones)
	}
	for _, d := range ones {
		d.finish(graph.Sent{}, err)
	}
	return nil
}

// Stored is Known from Neo4j, read without locks: the facts a replica's memory would hold, as of
// now. The rehearsal plans the direct way's statement with it.
func (s *Store) Stored(ctx context.Context, caller, member string) (graph.Member, graph.Standing, bool) {
	rows, err := s.relations(ctx, s.db.Read, []asking{{caller: caller, members: []string{member}}}, forSending)
	if err != nil || len(rows) != 1 {
		return graph.Member{}, graph.Standing{}, false
	}
	return rows[0].caller, rows[0].Standing(), true
}

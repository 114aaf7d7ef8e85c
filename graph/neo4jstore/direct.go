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
// it with one auto-commit statement, in one exchange with Neo4j rather than a transaction's four
// (its begin, the locked decision, the write, the commit), where it can (sendDirect).
func (s *Store) SendWith(ctx context.Context, caller string, d graph.Draft, key string, known Known) (graph.Sent, error) {
	return s.send(ctx, caller, d, key, known)
}

// sendDirect writes a send between connected members that known decides a free message with one
// statement (cypher.GuardedSend): it takes both members' locks and writes only if what the
// decision was made from, and what the send writes back, still holds. So the rules are enforced
// inside the transaction that writes, as in sendAll. It answers r and returns true, or returns
// false having written nothing and left r unanswered, for sendAll to decide in a transaction: a
// pair known not connected, or not known, facts that changed since (the guard), a muted
// conversation or a key already used (which known does not know), a rehearsal (which plans the
// statement and writes nothing).
func (s *Store) sendDirect(ctx context.Context, r *sending) bool {
	if r.known == nil || graph.IsForEveryone(ctx) {
		return false
	}
	sender, standing, ok := r.known(ctx, r.caller, r.draft.To)
	if !ok || standing.Degree != graph.First || !standing.Messaging.Allowed || standing.Messaging.Channel != graph.ChannelMessage {
		return false
	}
	o := r.outgoing(sender, standing.Messaging, graph.Filing{Kind: graph.KindMessage, Connected: true}, graph.BodyHash(r.draft.Body), s.now())
	var sent graph.Sent
	written, ok, err := changelog.Guarded(ctx, s.db, &s.locks, func(tx neo4j.ManagedTransaction) {
		var message map[string]any
		sent, message = s.message(tx, o)
		changelog.Last(tx, cypher.GuardedSend, map[string]any{
			"batch":   map[string]any{"ids": lockOrder([]asking{{caller: r.caller, members: []string{r.draft.To}}}), "messages": []any{message}},
			"newSide": newSide,
			"guard": map[string]any{"caller": r.caller, "to": r.draft.To, "thread": graph.ThreadID(r.caller, r.draft.To),
				"quota": quotaOf(sender), "key": r.key, "rehearsal": changelog.IsRehearsal(ctx)},
		})
	})
	if err != nil {
		return s.directFailed(ctx, r, err)
	}
	if !ok {
		if !changelog.IsRehearsal(ctx) {
			s.sends.missed.Add(1)
		}
		return false
	}
	s.sends.direct.Add(1)
	s.wrote(written.Token, written.Members)
	graph.RecordWrite(r.ctx, written.Token)
	r.finish(sent, nil)
	return true
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

// directFailed answers a send whose guarded write failed with err, unless Neo4j answered err
// itself, which leaves nothing written (a transient failure such as a deadlock, a statement
// refused) while the request still waits: then it returns false, for the send to go the
// transaction's way, which retries what is transient. Neo4j not answering in time, or a
// connection lost, which may have left the send written, is its answer, as is a full gate on
// writes; a retry with the send's idempotency key finds out.
func (s *Store) directFailed(ctx context.Context, r *sending, err error) bool {
	var answered *neo4j.Neo4jError
	if ctx.Err() == nil && errors.As(err, &answered) {
		return false
	}
	r.finish(graph.Sent{}, err)
	return true
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

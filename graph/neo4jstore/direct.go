package neo4jstore

import (
	"context"
	"errors"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
	"github.com/reach-network/reach/cypher"
	"github.com/reach-network/reach/graph"
	"github.com/reach-network/reach/graph/changelog"
)

// sendDirect writes a send between connected members, the most common, in two exchanges with
// Neo4j rather than a transaction's four (its begin, the locked decision, the write, the commit):
// it reads the pair's relation without locks and decides from it, then writes with one
// auto-commit statement (cypher.GuardedSend) that takes both members' locks and writes only if
// what the decision was made from still holds. So the rules are enforced inside the transaction
// that writes, as in sendAll. It answers r and returns true, or returns false having written
// nothing and left r unanswered, for sendAll to decide in a transaction: a pair not connected,
// hidden or missing, a key already used (a replay), facts that changed between the read and the
// write, a rehearsal (which plans the statements and writes nothing).
func (s *Store) sendDirect(ctx context.Context, r *sending) bool {
	if graph.IsForEveryone(ctx) {
		return false
	}
	rows, err := s.relations(ctx, s.db.Read, []asking{{caller: r.caller, members: []string{r.draft.To}, key: r.key}}, forSending)
	if err != nil && ctx.Err() != nil {
		r.finish(graph.Sent{}, err)
		return true
	}
	if err != nil || len(rows) != 1 || !rows[0].connected || rows[0].keyed != nil {
		return false
	}
	row := &rows[0]
	// Connected and not yet sent with its key: decide reads nothing more (no abuse limits, no
	// blast signals, which only InMail and requests take).
	o, _, err := s.decide(ctx, nil, r, row)
	if err != nil || o == nil || o.decision.Channel != graph.ChannelMessage {
		return false
	}
	if s.guarding != nil {
		s.guarding()
	}
	var sent graph.Sent
	written, ok, err := changelog.Guarded(ctx, s.db, &s.locks, func(tx neo4j.ManagedTransaction) {
		var message map[string]any
		sent, message = s.message(tx, *o)
		changelog.Last(tx, cypher.GuardedSend, map[string]any{
			"batch":   map[string]any{"ids": lockOrder([]asking{{caller: r.caller, members: []string{r.draft.To}}}), "messages": []any{message}},
			"newSide": newSide,
			"guard": map[string]any{"caller": r.caller, "to": r.draft.To, "thread": graph.ThreadID(r.caller, r.draft.To),
				"quota": row.quota, "muted": row.muted, "key": r.key, "rehearsal": changelog.IsRehearsal(ctx)},
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

// directFailed answers a send whose guarded write failed with err, unless Neo4j answered err
// itself, which leaves nothing written (a transient failure such as a deadlock, a statement
// refused): then it returns false, for the send to go the transaction's way. Neo4j not answering
// in time, or a connection lost, which may have left the send written, is its answer, as is a
// full gate on writes; a retry with the send's idempotency key finds out.
func (s *Store) directFailed(ctx context.Context, r *sending, err error) bool {
	var answered *neo4j.Neo4jError
	if !unavailable(ctx, err) && errors.As(err, &answered) {
		return false
	}
	r.finish(graph.Sent{}, err)
	return true
}

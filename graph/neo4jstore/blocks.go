package neo4jstore

import (
	"context"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
	"github.com/reach-network/reach/cypher"
	"github.com/reach-network/reach/graph"
	"github.com/reach-network/reach/graph/bolt"
	"github.com/reach-network/reach/graph/changelog"
)

// Block blocks a member for the caller: their connection and pending invitations go, and from
// then on each is absent to the other. Blocking a member again changes nothing. Returns
// ErrNotFound if the member does not exist, or blocks the caller (and the caller does not block
// them): the blocked member learns nothing of the block, not even by blocking back.
func (s *Store) Block(ctx context.Context, caller, member string) (err error) {
	defer bolt.Wrap(&err, "Block(%q, %q)", caller, member)
	if caller == member {
		return graph.Fail(graph.ErrSelf, "you cannot block yourself")
	}
	_, err = write(ctx, s, func(tx neo4j.ManagedTransaction) (struct{}, error) {
		if err := checkNotBlockedBy(ctx, tx, caller, member); err != nil {
			return struct{}{}, err
		}
		changelog.TouchPair(tx, caller, member)
		_, err := bolt.Collect(ctx, tx, cypher.Block, map[string]any{"caller": caller, "member": member, "now": s.now()})
		return struct{}{}, err
	})
	return err
}

// checkNotBlockedBy locks the caller and the member and fails with ErrNotFound if either does
// not exist, or if the member blocks the caller and the caller does not block them. A member who
// blocks another knows it, whatever the other did; one who is only blocked must not learn it.
func checkNotBlockedBy(ctx context.Context, tx neo4j.ManagedTransaction, caller, member string) error {
	if _, err := lockMembers(ctx, tx, caller, member); err != nil {
		return err
	}
	if callerBlocks, err := blocks(ctx, tx, caller, member); err != nil || callerBlocks {
		return err
	}
	blockedBy, err := blocks(ctx, tx, member, caller)
	if err == nil && blockedBy {
		err = graph.MemberNotFound(member)
	}
	return err
}

// blocks reports whether a blocks b.
func blocks(ctx context.Context, tx neo4j.ManagedTransaction, a, b string) (bool, error) {
	recs, err := bolt.Collect(ctx, tx, cypher.Blocks, map[string]any{
		"caller": a, "limit": int64(1), "afterAt": nil, "afterId": nil, "only": b,
	})
	return len(recs) > 0, err
}

// Unblock lifts the caller's block of a member, if there is one; what was hidden shows again
// unless the member blocks the caller too. Returns ErrNotFound if the member does not exist, or
// blocks the caller and the caller does not block them.
func (s *Store) Unblock(ctx context.Context, caller, member string) (err error) {
	defer bolt.Wrap(&err, "Unblock(%q, %q)", caller, member)
	_, err = write(ctx, s, func(tx neo4j.ManagedTransaction) (struct{}, error) {
		if err := checkNotBlockedBy(ctx, tx, caller, member); err != nil {
			return struct{}{}, err
		}
		changelog.TouchPair(tx, caller, member)
		_, err := bolt.Collect(ctx, tx, cypher.Unblock, map[string]any{"caller": caller, "member": member})
		return struct{}{}, err
	})
	return err
}

// Blocks returns one page of the members the caller blocks, most recent first.
func (s *Store) Blocks(ctx context.Context, caller string, page graph.PageRequest) (_ graph.Page[graph.BlockedMember], err error) {
	defer bolt.Wrap(&err, "Blocks(%q)", caller)
	var key graph.TimeKey
	ok, err := graph.DecodeCursor(page.After, &key)
	if err != nil {
		return graph.Page[graph.BlockedMember]{}, err
	}
	params := map[string]any{"caller": caller, "limit": int64(page.Limit), "afterAt": nil, "afterId": nil, "only": nil}
	if ok {
		params["afterAt"], params["afterId"] = bolt.AsNeo4jTime(key.At), key.ID
	}
	recs, err := s.db.Read(ctx, cypher.Blocks, params)
	if err != nil {
		return graph.Page[graph.BlockedMember]{}, err
	}
	var items []graph.BlockedMember
	for _, rec := range recs {
		m, err := bolt.Value[map[string]any](rec, "member")
		if err != nil {
			return graph.Page[graph.BlockedMember]{}, err
		}
		sum, err := toSummary(m)
		if err != nil {
			return graph.Page[graph.BlockedMember]{}, err
		}
		at, err := bolt.Value[time.Time](rec, "at")
		if err != nil {
			return graph.Page[graph.BlockedMember]{}, err
		}
		items = append(items, graph.BlockedMember{Member: sum, BlockedAt: at.UTC()})
	}
	return graph.PageOf(items, page.Limit, func(b graph.BlockedMember) any { return graph.TimeKey{At: b.BlockedAt, ID: b.Member.ID} }), nil
}

// Report records the caller's report of a member, blocking them too when asked. Once
// Limits.ReportsToRestrict different members have reported a member within 30 days, the member
// is restricted: they may no longer send InMail, until an administrator lifts it. Returns
// ErrNotFound if the member does not exist, blocks the caller (and the caller does not block
// them), or did not send the caller the message named; a member may report one they block.
func (s *Store) Report(ctx context.Context, caller string, r graph.Report) (err error) {
	defer bolt.Wrap(&err, "Report(%q, %q)", caller, r.Member)
	if caller == r.Member {
		return graph.Fail(graph.ErrSelf, "you cannot report yourself")
	}
	_, err = write(ctx, s, func(tx neo4j.ManagedTransaction) (struct{}, error) {
		if err := checkNotBlockedBy(ctx, tx, caller, r.Member); err != nil {
			return struct{}{}, err
		}
		var messageID any
		if r.MessageID != "" {
			recs, err := bolt.Collect(ctx, tx, cypher.ReportedMessage, map[string]any{
				"caller": caller, "member": r.Member, "id": r.MessageID,
			})
			if err != nil {
				return struct{}{}, err
			}
			if len(recs) == 0 {
				return struct{}{}, graph.Fail(graph.ErrNotFound, "message %q is not one %q sent you", r.MessageID, r.Member)
			}
			messageID = r.MessageID
		}
		now := s.now()
		changelog.Touch(tx, r.Member) // a report may restrict them
		if _, err := bolt.Collect(ctx, tx, cypher.Report, map[string]any{
			"caller": caller, "member": r.Member, "reason": string(r.Reason), "messageId": messageID,
			"now": now, "since": now.Add(-graph.ReportWindow), "threshold": int64(s.limits.ReportsToRestrict),
		}); err != nil {
			return struct{}{}, err
		}
		if r.Block {
			changelog.TouchPair(tx, caller, r.Member)
			_, err := bolt.Collect(ctx, tx, cypher.Block, map[string]any{"caller": caller, "member": r.Member, "now": now})
			return struct{}{}, err
		}
		return struct{}{}, nil
	})
	return err
}

// LiftRestriction lifts a member's restriction; earlier reports no longer count towards one.
func (s *Store) LiftRestriction(ctx context.Context, id string) (err error) {
	defer bolt.Wrap(&err, "LiftRestriction(%q)", id)
	_, err = write(ctx, s, func(tx neo4j.ManagedTransaction) (struct{}, error) {
		changelog.Touch(tx, id)
		recs, err := bolt.Collect(ctx, tx, cypher.LiftRestriction, map[string]any{"id": id, "now": s.now()})
		if err == nil && len(recs) == 0 {
			return struct{}{}, graph.MemberNotFound(id)
		}
		return struct{}{}, err
	})
	return err
}

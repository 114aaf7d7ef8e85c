package neo4jstore

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
	"github.com/reach-network/reach/cypher"
	"github.com/reach-network/reach/graph"
	"github.com/reach-network/reach/graph/bolt"
	"github.com/reach-network/reach/graph/changelog"
)

// Connect connects two members directly, as an import does. Connecting members already connected
// succeeds and changes nothing.
func (s *Store) Connect(ctx context.Context, a, b string) (err error) {
	defer bolt.Wrap(&err, "Connect(%q, %q)", a, b)
	if a == b {
		return graph.Fail(graph.ErrSelf, "a member cannot connect to themselves")
	}
	_, err = write(ctx, s, func(tx neo4j.ManagedTransaction) (struct{}, error) {
		counts, err := lockMembers(ctx, tx, a, b)
		if err != nil {
			return struct{}{}, err
		}
		state, err := pairState(ctx, tx, a, b)
		switch {
		case err != nil || state.connected:
			return struct{}{}, err
		case state.blocked:
			return struct{}{}, graph.Fail(graph.ErrConflict, "%q and %q are in a block relation; they cannot be connected", a, b)
		}
		if err := checkLimit(counts, a, b); err != nil {
			return struct{}{}, err
		}
		return struct{}{}, connect(ctx, tx, s.now(), a, b)
	})
	return err
}

// ConnectAll connects many pairs of existing members in one transaction. It is the bulk path for
// imports and seeding and trusts its input: it takes no locks and does not check the connection
// limit. Pairs naming a missing member fail the whole batch with ErrNotFound.
func (s *Store) ConnectAll(ctx context.Context, pairs [][2]string) (err error) {
	defer bolt.Wrap(&err, "ConnectAll(%d)", len(pairs))
	rows, unique := connectRows(pairs)
	params := map[string]any{"batch": map[string]any{"pairs": rows}, "now": s.now()}
	// The count is checked inside the transaction, so that a short count rolls the batch back.
	_, err = write(ctx, s, func(tx neo4j.ManagedTransaction) (struct{}, error) {
		touchPairs(tx, rows)
		recs, err := bolt.Collect(ctx, tx, cypher.Connect, params)
		if err != nil {
			return struct{}{}, err
		}
		n, err := bolt.Value[int64](recs[0], "pairs")
		if err == nil && int(n) != unique {
			err = graph.Fail(graph.ErrNotFound, "%d of %d pairs name a member that does not exist", unique-int(n), unique)
		}
		return struct{}{}, err
	})
	return err
}

// connectRows orders each pair low-high, drops self-pairs and duplicates, and returns the rows
// the Connect statement takes with their count.
func connectRows(pairs [][2]string) ([]any, int) {
	seen := make(map[[2]string]bool, len(pairs))
	rows := make([]any, 0, len(pairs))
	for _, p := range pairs {
		key := [2]string{min(p[0], p[1]), max(p[0], p[1])}
		if key[0] == key[1] || seen[key] {
			continue
		}
		seen[key] = true
		rows = append(rows, []any{key[0], key[1]})
	}
	return rows, len(rows)
}

// Disconnect removes the connection between the caller and a member, if there is one. Returns
// ErrNotFound if the member does not exist or is in a block relation with the caller, either way.
func (s *Store) Disconnect(ctx context.Context, caller, member string) (err error) {
	defer bolt.Wrap(&err, "Disconnect(%q, %q)", caller, member)
	_, err = write(ctx, s, func(tx neo4j.ManagedTransaction) (struct{}, error) {
		changelog.TouchPair(tx, caller, member)
		recs, err := bolt.Collect(ctx, tx, cypher.Disconnect, map[string]any{"caller": caller, "member": member})
		if err != nil {
			return struct{}{}, err
		}
		if len(recs) == 0 {
			return struct{}{}, graph.MemberNotFound(caller)
		}
		found, err := bolt.Value[bool](recs[0], "found")
		if err == nil && !found {
			err = graph.MemberNotFound(member)
		}
		return struct{}{}, err
	})
	return err
}

// Connections returns one page of a member's connections, ordered by name, with their total.
// A member whose connections are visible only to themselves refuses anyone else with ErrForbidden.
func (s *Store) Connections(ctx context.Context, caller, member string, page graph.PageRequest) (_ graph.Page[graph.MemberSummary], err error) {
	defer bolt.Wrap(&err, "Connections(%q, %q)", caller, member)
	params, err := nameParams(page)
	if err != nil {
		return graph.Page[graph.MemberSummary]{}, err
	}
	params["caller"], params["member"] = caller, member
	recs, err := s.db.Read(ctx, cypher.Connections, params)
	if err != nil {
		return graph.Page[graph.MemberSummary]{}, err
	}
	if len(recs) == 0 {
		return graph.Page[graph.MemberSummary]{}, graph.MemberNotFound(member)
	}
	hidden, err := bolt.Value[bool](recs[0], "hidden")
	if err != nil {
		return graph.Page[graph.MemberSummary]{}, err
	}
	if hidden {
		return graph.Page[graph.MemberSummary]{}, graph.Fail(graph.ErrForbidden, "member %q shows their connections to nobody else", member)
	}
	return summaryPage(recs[0], page.Limit)
}

// lockMembers locks the members with the given ids, in id order, and returns each one's
// connection count. A missing member fails with ErrNotFound.
func lockMembers(ctx context.Context, tx neo4j.ManagedTransaction, ids ...string) (map[string]int, error) {
	sorted := slices.Clone(ids)
	slices.Sort(sorted)
	sorted = slices.Compact(sorted)
	recs, err := bolt.Collect(ctx, tx, cypher.LockMembers, map[string]any{"batch": map[string]any{"ids": sorted}})
	if err != nil {
		return nil, err
	}
	counts := make(map[string]int, len(recs))
	for _, rec := range recs {
		id, err1 := bolt.Value[string](rec, "id")
		n, err2 := bolt.Value[int64](rec, "connections")
		if err1 != nil || err2 != nil {
			return nil, fmt.Errorf("lock members: %w", errors.Join(err1, err2))
		}
		counts[id] = int(n)
	}
	for _, id := range ids {
		if _, ok := counts[id]; !ok {
			return nil, graph.MemberNotFound(id)
		}
	}
	return counts, nil
}

// checkLimit refuses a new connection that would take either member past MaxConnections.
func checkLimit(counts map[string]int, ids ...string) error {
	for _, id := range ids {
		if counts[id] >= graph.MaxConnections {
			return graph.Fail(graph.ErrConnectionLimit, "member %q already has the most connections allowed (%d)", id, graph.MaxConnections)
		}
	}
	return nil
}

// pair is what stands between two members.
type pair struct {
	blocked    bool // either blocks the other
	connected  bool
	sentID     string // a's pending invitation to b
	receivedID string // b's pending invitation to a
}

func pairState(ctx context.Context, tx neo4j.ManagedTransaction, a, b string) (pair, error) {
	recs, err := bolt.Collect(ctx, tx, cypher.PairState, map[string]any{"a": a, "b": b})
	if err != nil {
		return pair{}, err
	}
	if len(recs) != 1 {
		return pair{}, fmt.Errorf("pair state: got %d records", len(recs))
	}
	var p pair
	var errs [4]error
	p.blocked, errs[0] = bolt.Value[bool](recs[0], "blocked")
	p.connected, errs[1] = bolt.Value[bool](recs[0], "connected")
	p.sentID, errs[2] = bolt.Value[string](recs[0], "sentId")
	p.receivedID, errs[3] = bolt.Value[string](recs[0], "receivedId")
	for _, err := range errs {
		if err != nil {
			return pair{}, fmt.Errorf("pair state: %w", err)
		}
	}
	return p, nil
}

// connect writes the connection between a and b and clears invitations between them.
func connect(ctx context.Context, tx neo4j.ManagedTransaction, now time.Time, a, b string) error {
	rows, _ := connectRows([][2]string{{a, b}})
	touchPairs(tx, rows)
	_, err := bolt.Collect(ctx, tx, cypher.Connect, map[string]any{"batch": map[string]any{"pairs": rows}, "now": now})
	return err
}

// listedPairs is the most pairs one change lists; a batch of more asks replicas to read
// everything again.
const listedPairs = 1000

// touchPairs says that the transaction connects the pairs of rows, as connectRows makes them.
func touchPairs(tx neo4j.ManagedTransaction, rows []any) {
	if len(rows) > listedPairs {
		changelog.TouchAll(tx)
		return
	}
	for _, r := range rows {
		pair := r.([]any)
		changelog.TouchPair(tx, pair[0].(string), pair[1].(string))
	}
}

// nameParams turns a page request over a name-ordered list into statement parameters.
func nameParams(page graph.PageRequest) (map[string]any, error) {
	var key graph.NameKey
	ok, err := graph.DecodeCursor(page.After, &key)
	if err != nil {
		return nil, err
	}
	params := map[string]any{"limit": int64(page.Limit), "afterName": nil, "afterId": nil}
	if ok {
		params["afterName"], params["afterId"] = key.Name, key.ID
	}
	return params, nil
}

// summaryPage reads the "total" and "items" columns of a name-ordered list, items holding up to
// limit+1 entries: the extra one only says that another page follows.
func summaryPage(rec *neo4j.Record, limit int) (graph.Page[graph.MemberSummary], error) {
	total, err := bolt.Value[int64](rec, "total")
	if err != nil {
		return graph.Page[graph.MemberSummary]{}, err
	}
	list, err := bolt.Value[[]any](rec, "items")
	if err != nil {
		return graph.Page[graph.MemberSummary]{}, err
	}
	items, err := toSummaries(list)
	if err != nil {
		return graph.Page[graph.MemberSummary]{}, err
	}
	page := graph.PageOf(items, limit, func(m graph.MemberSummary) any { return graph.NameKey{Name: m.Name, ID: m.ID} })
	page.Total = int(total)
	return page, nil
}

package answer

import (
	"context"
	"errors"
	"slices"
	"time"

	"github.com/reach-network/reach/graph"
	"github.com/reach-network/reach/graph/changelog"
	"github.com/reach-network/reach/graph/neo4jstore"
	"github.com/reach-network/reach/graph/projection"
)

// memory is the chain's link that answers from the projection when the read's consistency allows
// (graph.Mode), and hands the read to next otherwise.
type memory struct {
	projection *projection.Projection
	heads      heads // looks at the change log's head, shared by fully consistent reads
	freshness  projection.Freshness
	store      *neo4jstore.Store // for the clock, the limits and the change log's head
	next       Answerer
}

// read runs fn on the projection's state when it may answer ctx's read, and tells whether it did.
// A fully consistent read first asks Neo4j for the change log's head, and is answered from memory
// only once the projection has applied it: the projection then holds every write committed
// before the read began.
func (m *memory) read(ctx context.Context, members []string, fn func(*projection.State)) bool {
	return m.answer(ctx, members, func(st *projection.State) bool { fn(st); return true })
}

// answer is read for a read the state may still leave to Neo4j once it runs: fn says whether it
// answered (projection.Projection.Answer).
func (m *memory) answer(ctx context.Context, members []string, fn func(*projection.State) bool) bool {
	c := graph.ConsistencyOf(ctx)
	if c.Mode == graph.FullyConsistent {
		head, err := m.heads.at(ctx, time.Now(), m.head)
		if err != nil {
			m.projection.Fallback()
			return false // the Neo4j path then reports what is wrong
		}
		c = graph.Consistency{Mode: graph.AtLeastAsFresh, Token: head}
	}
	return m.projection.Answer(c, members, m.freshness, fn)
}

// head reads the change log's head through the store's connections: a fully consistent read is
// a request like any other, with no claim on the tailer's.
func (m *memory) head(ctx context.Context) (graph.Token, error) {
	return changelog.HeadFor(ctx, m.store.DB(), m.projection)
}

func (m *memory) Reachability(ctx context.Context, caller, member string) (r graph.Reach, err error) {
	if m.read(ctx, []string{caller, member}, func(st *projection.State) {
		r, err = st.Reach(caller, member, m.store.Clock(), m.store.Limits().RequestsMonthly)
	}) {
		return r, wrapped(err, "Reachability(%q, %q)", caller, member)
	}
	return m.next.Reachability(ctx, caller, member)
}

func (m *memory) Reachabilities(ctx context.Context, caller string, members []string) (out map[string]graph.Reach, err error) {
	if !m.read(ctx, append([]string{caller}, members...), func(st *projection.State) { out, err = m.all(st, caller, members) }) {
		return m.next.Reachabilities(ctx, caller, members)
	}
	return out, wrapped(err, "Reachabilities(%q, %d members)", caller, len(members))
}

// all is Reachabilities from st.
func (m *memory) all(st *projection.State, caller string, members []string) (map[string]graph.Reach, error) {
	now, monthly := m.store.Clock(), m.store.Limits().RequestsMonthly
	if _, err := st.Reach(caller, caller, now, monthly); err != nil {
		return nil, err // the caller does not exist
	}
	out := make(map[string]graph.Reach, len(members))
	for _, id := range slices.Compact(slices.Sorted(slices.Values(members))) {
		if r, err := st.Reach(caller, id, now, monthly); err == nil {
			out[id] = r
		}
	}
	return out, nil
}

func (m *memory) Standings(ctx context.Context, caller string, members []string) (out map[string]graph.Standing, err error) {
	if !m.read(ctx, append([]string{caller}, members...), func(st *projection.State) {
		out, err = st.Standings(caller, members, m.store.Clock(), m.store.Limits().RequestsMonthly)
	}) {
		return m.next.Standings(ctx, caller, members)
	}
	return out, wrapped(err, "Standings(%q, %d members)", caller, len(members))
}

// known is neo4jstore.Known from the projection: the caller as memory holds them and how they
// stand to the member, when memory may answer a default read about both (Projection.Know).
func (m *memory) known(_ context.Context, caller, member string) (sender graph.Member, s graph.Standing, ok bool) {
	var err error
	read := m.projection.Know([]string{caller, member}, m.freshness, func(st *projection.State) {
		s, err = st.Standing(caller, member, m.store.Clock(), m.store.Limits().RequestsMonthly)
		sender, ok = st.Member(caller)
	})
	return sender, s, read && ok && err == nil
}

// MutualConnections answers a page of mutual connections wholly from the projection when the
// read's consistency allows: who they are, their names and headlines, their order and the page;
// it asks Neo4j nothing then.
func (m *memory) MutualConnections(ctx context.Context, caller, member string, page graph.PageRequest) (out graph.Page[graph.MemberSummary], err error) {
	if !m.answer(ctx, []string{caller, member}, func(st *projection.State) bool {
		out, err = st.MutualPage(caller, member, page)
		return !errors.Is(err, projection.ErrUnnamed)
	}) {
		return m.next.MutualConnections(ctx, caller, member, page)
	}
	return out, wrapped(err, "MutualConnections(%q, %q)", caller, member)
}

// conversations answers a page of the caller's conversations wholly from the projection when the
// read's consistency allows and the projection holds them (projection.State.ConversationPage),
// and tells whether it did; Neo4j answers the rest (Service.Conversations).
func (m *memory) conversations(ctx context.Context, caller string, filter graph.ConversationFilter, page graph.PageRequest) (out graph.Page[graph.Conversation], ok bool, err error) {
	ok = m.answer(ctx, []string{caller}, func(st *projection.State) bool {
		out, err = st.ConversationPage(caller, filter, page, m.store.Clock(), m.store.Limits().RequestsMonthly)
		return !errors.Is(err, projection.ErrUnheld) && !errors.Is(err, projection.ErrUnnamed)
	})
	return out, ok, wrapped(err, "Conversations(%q, %s)", caller, filter.Box)
}

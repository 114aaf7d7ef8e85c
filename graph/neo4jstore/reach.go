package neo4jstore

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
	"github.com/reach-network/reach/cypher"
	"github.com/reach-network/reach/graph"
	"github.com/reach-network/reach/graph/bolt"
)

// Relation returns how the caller stands to a member: the member's profile, connection count,
// degree, mutual count, what they share and whether and how the caller may message them, from
// Neo4j: the Relations statement, then whichever connection lists the cache lacks or holds at an
// older version (the larger side's, then for a 3-hop test the smaller side's connections'), then
// what they share. A member in a block relation with the caller, either way, is not found.
func (s *Store) Relation(ctx context.Context, caller, member string) (_ graph.Relation, err error) {
	defer bolt.Wrap(&err, "Relation(%q, %q)", caller, member)
	rels, err := s.relations(ctx, s.db.Read, []asking{{caller: caller, members: []string{member}}}, forReading)
	if err != nil {
		return graph.Relation{}, err
	}
	if len(rels) == 0 {
		return graph.Relation{}, s.missing(ctx, caller, member)
	}
	r := rels[0].Relation
	shared, err := s.sharedFromNeo4j(ctx, caller, []string{member})
	r.Shared = shared[member]
	return r, err
}

// Relations returns how the caller stands to each of members, as Relation does but for what they
// share, which it leaves empty: the cheaper form lists that show degrees need. Members not found
// or in a block relation with the caller are left out.
func (s *Store) Relations(ctx context.Context, caller string, members []string) (_ map[string]graph.Relation, err error) {
	defer bolt.Wrap(&err, "Relations(%q, %d members)", caller, len(members))
	members = slices.Compact(slices.Sorted(slices.Values(members)))
	rels, err := s.relations(ctx, s.db.Read, []asking{{caller: caller, members: members}}, forReading)
	if err != nil {
		return nil, err
	}
	out := make(map[string]graph.Relation, len(rels))
	for _, r := range rels {
		out[r.Member.ID] = r.Relation
	}
	return out, nil
}

// lockedRelations locks the members of a batch of sends (in id order) inside a write transaction
// and then computes the relation of each send's caller to its recipient, in one round trip, so
// that each decision holds when the messages are written. It answers them by caller (a batch's
// members are all different), with no entry for a send whose caller or recipient is missing or
// hidden. A send with a key finds in its row the message its caller already sent with it (keyed).
func (s *Store) lockedRelations(ctx context.Context, tx neo4j.ManagedTransaction, batch []*sending) (map[string]*relationRow, error) {
	asks := make([]asking, len(batch))
	for i, r := range batch {
		asks[i] = asking{caller: r.caller, members: []string{r.draft.To}, key: r.key}
	}
	rels, err := s.relations(ctx, inTx(tx), asks, forSendingLocked)
	if err != nil {
		return nil, err
	}
	rows := make(map[string]*relationRow, len(rels))
	for i := range rels {
		rows[rels[i].caller.ID] = &rels[i]
	}
	return rows, nil
}

// querier runs one statement, on its own or inside a transaction.
type querier func(ctx context.Context, query string, params map[string]any) ([]*neo4j.Record, error)

// inTx runs statements inside tx.
func inTx(tx neo4j.ManagedTransaction) querier {
	return func(ctx context.Context, query string, params map[string]any) ([]*neo4j.Record, error) {
		return bolt.Collect(ctx, tx, query, params)
	}
}

// asking is one caller's question about members, as the Relations statement takes it; a send
// asks about its recipient, with its idempotency key ("" for none).
type asking struct {
	caller  string
	members []string
	key     string
}

// param is a as one of the statement's $asks.
func (a asking) param() map[string]any {
	ids := make([]any, len(a.members))
	threads := make(map[string]any, len(a.members))
	for i, m := range a.members {
		ids[i], threads[m] = m, graph.ThreadID(a.caller, m)
	}
	return map[string]any{"caller": a.caller, "members": ids, "threads": threads, "key": a.key}
}

// lockOrder is every member of asks, callers and the members they ask about, each once and
// sorted, the order in which LockPair locks them.
func lockOrder(asks []asking) []string {
	var members []string
	for _, a := range asks {
		members = append(append(members, a.caller), a.members...)
	}
	return slices.Compact(slices.Sorted(slices.Values(members)))
}

// asked says what a Relations statement is run for.
type asked int

const (
	forReading       asked = iota // a read: degrees and mutual counts
	forSending                    // a send's decision, read without locks, which its guard checks again (direct.go)
	forSendingLocked              // sends' decisions under their members' locks, in their write transaction
)

// relations runs the Relations statement and completes each row's degree and mutual count from
// connection lists: the smaller side's, which the statement returns, and the larger side's and
// (for the 3-hop test) the smaller side's connections', taken from the cache when their versions
// are current and read with q otherwise. For sends it skips what only reads show: the mutual
// count, and the degree wherever the decision does not turn on it (settled); inside their write
// transaction (forSendingLocked), it first locks every member asked about and every caller.
func (s *Store) relations(ctx context.Context, q querier, asks []asking, purpose asked) ([]relationRow, error) {
	params := make([]any, len(asks))
	for i, a := range asks {
		params[i] = a.param()
	}
	send := purpose != forReading
	batch := map[string]any{"asks": params}
	query, args := cypher.Relations, map[string]any{"batch": batch, "near": !send}
	if purpose == forSendingLocked {
		query, batch["ids"] = cypher.LockedRelations, lockOrder(asks)
	}
	recs, err := q(ctx, query, args)
	if err != nil {
		return nil, err
	}
	// The rows' numbers are all from one generation of the cache (neighbours.go).
	g := s.neighbours.current()
	rows := make([]relationRow, len(recs))
	for i, rec := range recs {
		if rows[i], err = toRelationRow(g, rec); err != nil {
			return nil, err
		}
		rows[i].settled = send && s.settled(&rows[i])
	}
	lists := newConnectionLists(g, q)
	// The larger side's lists first: they settle the direct test and the mutual count.
	for i := range rows {
		if !rows[i].Self && !rows[i].settled {
			lists.want(rows[i].Large, rows[i].largeVersion)
		}
	}
	if err := lists.load(ctx); err != nil {
		return nil, err
	}
	for i := range rows {
		if !rows[i].settled {
			rows[i].settle(lists.of)
		}
	}
	// Then, for pairs neither connected nor sharing a connection, the lists of the smaller side's
	// connections, to look for a 3-hop chain.
	for i := range rows {
		if rows[i].Degree == graph.OutOfNetwork && !rows[i].settled {
			for j, x := range rows[i].Near {
				if !rows[i].Hidden[x] {
					lists.want(x, rows[i].nearVersions[j])
				}
			}
		}
	}
	if err := lists.load(ctx); err != nil {
		return nil, err
	}
	for i := range rows {
		if !rows[i].settled {
			rows[i].settleThird(lists.of)
		}
		rows[i].Relation = s.decided(rows[i].Relation, rows[i].caller)
	}
	return rows, nil
}

// settled settles, for a send, a degree that needs no connection list: first for a connected
// pair; out of network for a pair not connected whose messaging decision is the same in network
// and out of it, which is every recipient's but one who takes InMail from their network alone
// (graph.Decide). A send's degree shows nowhere but in its decision, so looking for a 2- or 3-hop
// chain that cannot change it would only cost Neo4j the connection lists of the members between.
func (s *Store) settled(r *relationRow) bool {
	if r.Self {
		return false
	}
	if r.connected {
		r.Degree = graph.First
		return true
	}
	in, out := r.Relation, r.Relation
	in.Degree, out.Degree = graph.Second, graph.OutOfNetwork
	if s.decided(in, r.caller).Messaging != s.decided(out, r.caller).Messaging {
		return false
	}
	r.Degree = graph.OutOfNetwork
	return true
}

// relationRow is one row of the Relations statement, on its way to a Relation.
type relationRow struct {
	graph.Relation
	graph.Reckoning
	caller       graph.Member // the caller as stored, for a send to write its credits from
	gen          *generation  // numbers the members of the Reckoning
	smallVersion int64        // the connections versions of Small and Large
	largeVersion int64
	nearVersions []int64               // by Near
	connected    bool                  // the two are connected
	settled      bool                  // a send's degree, settled with no connection list (Store.settled)
	keyed        map[string]any        // for a send with a key: the message sent with it before, or nil
	filed        graph.ConversationBox // the box the pair's conversation is filed in for the member, "" for none
	muted        bool                  // the member muted the pair's conversation
}

// toRelationRow reads one row of the Relations statement, numbering its members in g.
func toRelationRow(g *generation, rec *neo4j.Record) (relationRow, error) {
	var errs []error
	mapOf := func(key string) map[string]any {
		v, err := bolt.Value[map[string]any](rec, key)
		errs = append(errs, err)
		return v
	}
	flag := func(key string) bool {
		v, err := bolt.Value[bool](rec, key)
		errs = append(errs, err)
		return v
	}
	number := func(key string) int64 {
		v, err := bolt.Value[int64](rec, key)
		errs = append(errs, err)
		return v
	}
	list := func(key string) []any {
		v, err := bolt.Value[[]any](rec, key)
		errs = append(errs, err)
		return v
	}
	member, err := ToMember(mapOf("member"))
	errs = append(errs, err)
	caller, err := ToMember(mapOf("caller"))
	errs = append(errs, err)
	row := relationRow{
		Relation: graph.Relation{Member: member, Connections: int(number("connections")), Reach: graph.Reach{Degree: graph.OutOfNetwork}},
		caller:   caller,
		gen:      g,
	}
	row.Hidden = map[int32]bool{}
	row.Facts = graph.Facts{
		TheyWroteFirst: flag("theyWroteFirst"),
		Declined:       flag("declined"),
		AwaitingReply:  flag("awaitingReply"),
		Accepted:       flag("accepted"),
	}
	row.Facts.SharedGroup, err = FirstAffiliate(list("sharedGroup"))
	errs = append(errs, err)
	row.Facts.Coworker, err = FirstAffiliate(list("coworker"))
	errs = append(errs, err)
	for _, h := range list("hidden") {
		id, ok := h.(string)
		if !ok {
			errs = append(errs, fmt.Errorf("hidden: got %T, want a member id", h))
			continue
		}
		row.Hidden[g.intern(id)] = true
	}
	me, them := g.intern(caller.ID), g.intern(member.ID)
	callerVersion, memberVersion := number("callerVersion"), number("memberVersion")
	row.Small, row.Large, row.smallVersion, row.largeVersion = them, me, memberVersion, callerVersion
	if flag("callerIsSmall") {
		row.Small, row.Large, row.smallVersion, row.largeVersion = me, them, callerVersion, memberVersion
	}
	row.Self = me == them
	row.connected = flag("connected")
	row.keyed = mapOf("keyed") // nil when null
	filed, err := bolt.Value[string](rec, "filed")
	row.filed = graph.ConversationBox(filed)
	errs = append(errs, err)
	row.muted = flag("muted")
	var nearIDs []string
	for _, v := range list("near") {
		pair, ok := v.([]any)
		var id string
		var version int64
		if ok && len(pair) == 2 {
			id, ok = pair[0].(string)
			version, _ = pair[1].(int64)
		}
		if !ok {
			errs = append(errs, fmt.Errorf("near: got %v, want [member id, version]", v))
			continue
		}
		nearIDs = append(nearIDs, id)
		row.nearVersions = append(row.nearVersions, version)
	}
	row.Near = g.internAll(nearIDs)
	if err := errors.Join(errs...); err != nil {
		return relationRow{}, fmt.Errorf("relation: %w", err)
	}
	return row, nil
}

// firstAffiliate reads a list of at most one {id, name} map, as Relations returns a shared group
// or company: the zero Affiliate when it is empty.
func FirstAffiliate(list []any) (graph.Affiliate, error) {
	if len(list) == 0 {
		return graph.Affiliate{}, nil
	}
	m, ok := list[0].(map[string]any)
	if !ok {
		return graph.Affiliate{}, fmt.Errorf("affiliate: got %T, want a map", list[0])
	}
	id, err1 := bolt.Field[string](m, "id")
	name, err2 := bolt.Field[string](m, "name")
	return graph.Affiliate{ID: id, Name: name}, errors.Join(err1, err2)
}

// settle works out the direct test and the mutual count, given the larger side's connections.
func (r *relationRow) settle(listOf func(int32) []int32) {
	r.Degree = r.Reckoning.Settle(listOf)
	r.MutualCount = len(r.Mutuals)
}

// settleThird looks for a 3-hop chain for a pair neither connected nor sharing a connection.
func (r *relationRow) settleThird(listOf func(int32) []int32) {
	if r.Degree == graph.OutOfNetwork && r.Reckoning.Third(listOf) {
		r.Degree = graph.Third
	}
}

// decided completes a relation with the messaging decision (graph.Complete) and the member's
// current credits.
func (s *Store) decided(r graph.Relation, caller graph.Member) graph.Relation {
	now, monthly := s.clock(), s.limits.RequestsMonthly
	r.Reach = graph.Complete(r.Reach, r.Member, caller, now, monthly)
	r.Member = r.Member.Current(now, monthly)
	return r
}

// withCurrentCredits is m as of now, as Member.Current says.
func (s *Store) withCurrentCredits(m graph.Member) graph.Member {
	return m.Current(s.clock(), s.limits.RequestsMonthly)
}

// MutualConnections returns one page of the connections the caller and a member share, ordered by
// name, with their total, from Neo4j: connection lists say who they are, cached (one round trip)
// or through Relations, and a last query reads the page.
func (s *Store) MutualConnections(ctx context.Context, caller, member string, page graph.PageRequest) (_ graph.Page[graph.MemberSummary], err error) {
	defer bolt.Wrap(&err, "MutualConnections(%q, %q)", caller, member)
	params, err := nameParams(page)
	if err != nil {
		return graph.Page[graph.MemberSummary]{}, err
	}
	if page, ok, err := s.cachedMutualConnections(ctx, caller, member, params, page.Limit); err != nil || ok {
		return page, err
	}
	mutuals, err := s.mutualsFromLists(ctx, caller, member)
	if err != nil {
		return graph.Page[graph.MemberSummary]{}, err
	}
	return s.mutualPage(ctx, mutuals, params, page.Limit)
}

// mutualPage reads the page of mutuals that params asks for.
func (s *Store) mutualPage(ctx context.Context, mutuals []any, params map[string]any, limit int) (graph.Page[graph.MemberSummary], error) {
	params["batch"] = map[string]any{"members": mutuals}
	recs, err := s.db.Read(ctx, cypher.MutualConnections, params)
	if err != nil {
		return graph.Page[graph.MemberSummary]{}, err
	}
	return summaryPage(recs[0], limit)
}

// mutualsFromLists finds the mutual connections through Relations, then keeps the smaller side's
// list too (Relations keeps the larger side's), so that the next page is cachedMutualConnections'.
func (s *Store) mutualsFromLists(ctx context.Context, caller, member string) ([]any, error) {
	rels, err := s.relations(ctx, s.db.Read, []asking{{caller: caller, members: []string{member}}}, forReading)
	if err != nil {
		return nil, err
	}
	if len(rels) == 0 {
		return nil, s.missing(ctx, caller, member)
	}
	r := rels[0]
	if !r.Self {
		lists := newConnectionLists(r.gen, s.db.Read)
		lists.want(r.Small, r.smallVersion)
		if err := lists.load(ctx); err != nil {
			return nil, err
		}
	}
	return r.gen.idsOf(r.Mutuals), nil
}

// cachedMutualConnections answers a mutual-connections page in one round trip when the cache
// holds both members' connection lists and Neo4j confirms they are current; ok is false when it
// cannot, and MutualConnections then takes the longer way.
func (s *Store) cachedMutualConnections(ctx context.Context, caller, member string, params map[string]any, limit int) (_ graph.Page[graph.MemberSummary], ok bool, _ error) {
	if caller == member {
		return graph.Page[graph.MemberSummary]{}, false, nil
	}
	// The ids came with the request: look them up, never intern them (neighbours.go).
	g := s.neighbours.current()
	me, ok1 := g.lookup(caller)
	them, ok2 := g.lookup(member)
	if !ok1 || !ok2 {
		return graph.Page[graph.MemberSummary]{}, false, nil
	}
	mine, ok1 := g.latest(me)
	theirs, ok2 := g.latest(them)
	if !ok1 || !ok2 {
		return graph.Page[graph.MemberSummary]{}, false, nil
	}
	mutuals := g.idsOf(slices.Collect(graph.Common(mine.members, theirs.members)))
	params["caller"], params["member"] = caller, member
	params["batch"] = map[string]any{"members": mutuals}
	params["callerVersion"], params["memberVersion"] = mine.version, theirs.version
	recs, err := s.db.Read(ctx, cypher.CachedMutualConnections, params)
	if err != nil || len(recs) == 0 {
		return graph.Page[graph.MemberSummary]{}, false, err
	}
	page, err := summaryPage(recs[0], limit)
	return page, err == nil, err
}

// Path returns one shortest chain of connections from the caller to a member, both ends included.
// It fails with ErrNotFound when the member is further than 3 hops away or not connected at all.
func (s *Store) Path(ctx context.Context, caller, member string) (_ []graph.PathStep, err error) {
	defer bolt.Wrap(&err, "Path(%q, %q)", caller, member)
	recs, err := s.db.Read(ctx, cypher.Path, map[string]any{"caller": caller, "member": member})
	if err != nil {
		return nil, err
	}
	if len(recs) == 0 {
		return nil, s.missing(ctx, caller, member)
	}
	list, err := bolt.Value[[]any](recs[0], "path")
	if err != nil {
		return nil, err
	}
	if list == nil {
		return nil, graph.Fail(graph.ErrNotFound, "no chain of 3 connections or fewer leads to member %q", member)
	}
	steps := make([]graph.PathStep, 0, len(list))
	for _, v := range list {
		sum, err := toSummary(v)
		if err != nil {
			return nil, err
		}
		steps = append(steps, graph.PathStep{ID: sum.ID, Name: sum.Name})
	}
	return steps, nil
}

// missing names which of two members a statement that answered nothing could not find. A member
// hidden by a block is reported exactly as one that does not exist.
func (s *Store) missing(ctx context.Context, caller, member string) error {
	if _, err := s.Member(ctx, caller); err != nil {
		return err
	}
	return graph.MemberNotFound(member)
}

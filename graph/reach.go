package graph

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/reach-network/reach/cypher"
)

// Relation returns how the caller stands to a member: the member's profile, degree, mutual
// connection count and whether and how the caller may message them, computed from one query (and
// a second when connection lists are not cached yet). A member in a block relation with the
// caller, either way, is not found.
func (s *Store) Relation(ctx context.Context, caller, member string) (_ Relation, err error) {
	defer wrap(&err, "Relation(%q, %q)", caller, member)
	rels, err := s.relations(ctx, s.read, caller, []string{member}, readOnly)
	if err != nil {
		return Relation{}, err
	}
	if len(rels) == 0 {
		return Relation{}, s.missing(ctx, caller, member)
	}
	return rels[0].Relation, nil
}

// Relations returns how the caller stands to each of members, as Relation does, for all of them
// at once. Members not found or in a block relation with the caller are left out.
func (s *Store) Relations(ctx context.Context, caller string, members []string) (_ map[string]Relation, err error) {
	defer wrap(&err, "Relations(%q, %d members)", caller, len(members))
	members = slices.Compact(slices.Sorted(slices.Values(members)))
	rels, err := s.relations(ctx, s.read, caller, members, readOnly)
	if err != nil {
		return nil, err
	}
	out := make(map[string]Relation, len(rels))
	for _, r := range rels {
		out[r.Member.ID] = r.Relation
	}
	return out, nil
}

// lockedRelation locks the caller and the member (in id order) inside a write transaction and
// then computes their relation, in one round trip, so that the decision holds when the message
// is written.
func (s *Store) lockedRelation(ctx context.Context, tx neo4j.ManagedTransaction, caller, member string) (Relation, error) {
	rels, err := s.relations(ctx, inTx(tx), caller, []string{member}, lockFirst)
	if err != nil {
		return Relation{}, err
	}
	if len(rels) == 0 {
		// Say which one is missing: the caller, or the member (or the member is hidden by a block).
		if _, err := lockMembers(ctx, tx, caller); err != nil {
			return Relation{}, err
		}
		return Relation{}, memberNotFound(member)
	}
	return rels[0].Relation, nil
}

// querier runs one statement, on its own or inside a transaction.
type querier func(ctx context.Context, query string, params map[string]any) ([]*neo4j.Record, error)

// inTx runs statements inside tx.
func inTx(tx neo4j.ManagedTransaction) querier {
	return func(ctx context.Context, query string, params map[string]any) ([]*neo4j.Record, error) {
		return collect(ctx, tx, query, params)
	}
}

// locking says whether relations first locks the caller and the members, inside a write
// transaction.
type locking bool

const (
	readOnly  locking = false
	lockFirst locking = true
)

// relations runs the Relations statement and completes each row's degree and mutual count from
// connection lists: the smaller side's, which the statement returns, and the larger side's and
// (for the 3-hop test) the smaller side's connections', taken from the cache when their versions
// are current and read with q otherwise.
func (s *Store) relations(ctx context.Context, q querier, caller string, members []string, lock locking) ([]relationRow, error) {
	ids := make([]any, len(members))
	for i, m := range members {
		ids[i] = m
	}
	query, params := cypher.Relations, map[string]any{"caller": caller, "members": ids}
	if lock {
		query, params["ids"] = cypher.LockedRelations, slices.Sorted(slices.Values(append([]string{caller}, members...)))
	}
	recs, err := q(ctx, query, params)
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
	}
	lists := newConnectionLists(g, q)
	// The larger side's lists first: they settle the direct test and the mutual count.
	for i := range rows {
		if !rows[i].self {
			lists.want(rows[i].large, rows[i].largeVersion)
		}
	}
	if err := lists.load(ctx); err != nil {
		return nil, err
	}
	for i := range rows {
		rows[i].settle(lists.of)
	}
	// Then, for pairs neither connected nor sharing a connection, the lists of the smaller side's
	// connections, to look for a 3-hop chain.
	for i := range rows {
		if rows[i].Degree == OutOfNetwork {
			for _, x := range rows[i].near {
				if !rows[i].hidden[x.member] {
					lists.want(x.member, x.version)
				}
			}
		}
	}
	if err := lists.load(ctx); err != nil {
		return nil, err
	}
	for i := range rows {
		rows[i].settleThird(lists.of)
		rows[i].Relation = s.decided(rows[i].Relation)
	}
	return rows, nil
}

// relationRow is one row of the Relations statement, on its way to a Relation.
type relationRow struct {
	Relation
	gen          *generation    // numbers the members below
	self         bool           // the caller asked about themselves
	hidden       map[int32]bool // members in a block relation with the caller
	small, large int32          // the side with fewer connections, and the other
	smallVersion int64          // their connections versions
	largeVersion int64
	near         []versioned // the smaller side's connections
	mutuals      []int32     // the connections both share, leaving out hidden members
}

// versioned is a member with its connections version.
type versioned struct {
	member  int32
	version int64
}

// toRelationRow reads one row of the Relations statement, numbering its members in g.
func toRelationRow(g *generation, rec *neo4j.Record) (relationRow, error) {
	var errs []error
	mapOf := func(key string) map[string]any {
		v, err := value[map[string]any](rec, key)
		errs = append(errs, err)
		return v
	}
	flag := func(key string) bool {
		v, err := value[bool](rec, key)
		errs = append(errs, err)
		return v
	}
	number := func(key string) int64 {
		v, err := value[int64](rec, key)
		errs = append(errs, err)
		return v
	}
	list := func(key string) []any {
		v, err := value[[]any](rec, key)
		errs = append(errs, err)
		return v
	}
	member, err := toMember(mapOf("member"))
	errs = append(errs, err)
	caller, err := toMember(mapOf("caller"))
	errs = append(errs, err)
	row := relationRow{
		Relation: Relation{Member: member, Connections: int(number("connections")), Degree: OutOfNetwork, caller: caller},
		gen:      g,
		hidden:   map[int32]bool{},
	}
	row.Facts = Facts{
		TheyWroteFirst: flag("theyWroteFirst"),
		Declined:       flag("declined"),
		AwaitingReply:  flag("awaitingReply"),
		Accepted:       flag("accepted"),
	}
	row.Facts.SharedGroup, err = firstAffiliate(list("sharedGroup"))
	errs = append(errs, err)
	row.Facts.Coworker, err = firstAffiliate(list("coworker"))
	errs = append(errs, err)
	for _, h := range list("hidden") {
		id, ok := h.(string)
		if !ok {
			errs = append(errs, fmt.Errorf("hidden: got %T, want a member id", h))
			continue
		}
		row.hidden[g.intern(id)] = true
	}
	me, them := g.intern(caller.ID), g.intern(member.ID)
	callerVersion, memberVersion := number("callerVersion"), number("memberVersion")
	row.small, row.large, row.smallVersion, row.largeVersion = them, me, memberVersion, callerVersion
	if flag("callerIsSmall") {
		row.small, row.large, row.smallVersion, row.largeVersion = me, them, callerVersion, memberVersion
	}
	row.self = me == them
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
		row.near = append(row.near, versioned{version: version})
	}
	for i, k := range g.internAll(nearIDs) {
		row.near[i].member = k
	}
	if err := errors.Join(errs...); err != nil {
		return relationRow{}, fmt.Errorf("relation: %w", err)
	}
	return row, nil
}

// firstAffiliate reads a list of at most one {id, name} map, as Relations returns a shared group
// or company: the zero Affiliate when it is empty.
func firstAffiliate(list []any) (Affiliate, error) {
	if len(list) == 0 {
		return Affiliate{}, nil
	}
	m, ok := list[0].(map[string]any)
	if !ok {
		return Affiliate{}, fmt.Errorf("affiliate: got %T, want a map", list[0])
	}
	id, err1 := field[string](m, "id")
	name, err2 := field[string](m, "name")
	return Affiliate{ID: id, Name: name}, errors.Join(err1, err2)
}

// settle works out the direct test and the mutual count, given the larger side's connections.
func (r *relationRow) settle(listOf func(int32) []int32) {
	if r.self {
		r.Degree = Self
		return
	}
	far := listOf(r.large)
	if contains(far, r.small) {
		r.Degree = First
	}
	for _, x := range r.near {
		if !r.hidden[x.member] && contains(far, x.member) {
			r.mutuals = append(r.mutuals, x.member)
		}
	}
	r.MutualCount = len(r.mutuals)
	if r.Degree == OutOfNetwork && r.MutualCount > 0 {
		r.Degree = Second
	}
}

// settleThird looks for a 3-hop chain, small - x - y - large, for a pair neither connected nor
// sharing a connection, given the lists of the smaller side's connections. Members hidden from
// the caller are never steps of the chain.
func (r *relationRow) settleThird(listOf func(int32) []int32) {
	if r.Degree != OutOfNetwork {
		return
	}
	far := listOf(r.large)
	skip := func(y int32) bool { return r.hidden[y] }
	for _, x := range r.near {
		if !r.hidden[x.member] && countCommon(listOf(x.member), far, skip, 1) > 0 {
			r.Degree = Third
			return
		}
	}
}

// decided completes a relation with the caller's current credits and the messaging decision.
func (s *Store) decided(r Relation) Relation {
	credits, _ := renew(r.caller.Plan, r.caller.InMailCredits, r.caller.planGrantedAt, s.clock())
	r.Facts.Self = r.Degree == Self
	r.Facts.Degree = r.Degree
	r.Facts.Restricted = r.caller.Restricted
	r.Facts.InMail = r.Member.Settings.InMail
	r.Facts.OpenProfile = r.Member.Settings.OpenProfile
	r.Facts.Credits = credits
	r.Facts.RequestsOff = !r.Member.Settings.MessageRequests
	r.Facts.RequestsLeft = RequestsLeft(s.limits.RequestsMonthly, r.caller.requestsMonth, r.caller.requestsSent, s.clock())
	r.Messaging = Decide(r.Facts)
	r.Member = s.withCurrentCredits(r.Member)
	return r
}

// withCurrentCredits applies the monthly grants that fell due since the last one the store wrote,
// and says how many message requests the member may still send this month.
func (s *Store) withCurrentCredits(m Member) Member {
	now := s.clock()
	m.InMailCredits, m.planGrantedAt = renew(m.Plan, m.InMailCredits, m.planGrantedAt, now)
	m.RequestsLeft = RequestsLeft(s.limits.RequestsMonthly, m.requestsMonth, m.requestsSent, now)
	return m
}

// MutualConnections returns one page of the connections the caller and a member share, ordered by
// name, with their total. The projection says who they are when the read's consistency allows
// (fastpath.go); otherwise connection lists do, cached (one round trip) or through Relations.
// A last query reads the page.
func (s *Store) MutualConnections(ctx context.Context, caller, member string, page PageRequest) (_ Page[MemberSummary], err error) {
	defer wrap(&err, "MutualConnections(%q, %q)", caller, member)
	params, err := nameParams(page)
	if err != nil {
		return Page[MemberSummary]{}, err
	}
	mutuals, ok, err := s.mutualsFromMemory(ctx, caller, member)
	if err != nil {
		return Page[MemberSummary]{}, err
	}
	if !ok {
		if page, ok, err := s.cachedMutualConnections(ctx, caller, member, params, page.Limit); err != nil || ok {
			return page, err
		}
		if mutuals, err = s.mutualsFromLists(ctx, caller, member); err != nil {
			return Page[MemberSummary]{}, err
		}
	}
	params["members"] = mutuals
	recs, err := s.read(ctx, cypher.MutualConnections, params)
	if err != nil {
		return Page[MemberSummary]{}, err
	}
	return summaryPage(recs[0], page.Limit)
}

// mutualsFromLists finds the mutual connections through Relations, then keeps the smaller side's
// list too (Relations keeps the larger side's), so that the next page is cachedMutualConnections'.
func (s *Store) mutualsFromLists(ctx context.Context, caller, member string) ([]any, error) {
	rels, err := s.relations(ctx, s.read, caller, []string{member}, readOnly)
	if err != nil {
		return nil, err
	}
	if len(rels) == 0 {
		return nil, s.missing(ctx, caller, member)
	}
	r := rels[0]
	if !r.self {
		lists := newConnectionLists(r.gen, s.read)
		lists.want(r.small, r.smallVersion)
		if err := lists.load(ctx); err != nil {
			return nil, err
		}
	}
	return r.gen.idsOf(r.mutuals), nil
}

// cachedMutualConnections answers a mutual-connections page in one round trip when the cache
// holds both members' connection lists and Neo4j confirms they are current; ok is false when it
// cannot, and MutualConnections then takes the longer way.
func (s *Store) cachedMutualConnections(ctx context.Context, caller, member string, params map[string]any, limit int) (_ Page[MemberSummary], ok bool, _ error) {
	if caller == member {
		return Page[MemberSummary]{}, false, nil
	}
	// The ids came with the request: look them up, never intern them (neighbours.go).
	g := s.neighbours.current()
	me, ok1 := g.lookup(caller)
	them, ok2 := g.lookup(member)
	if !ok1 || !ok2 {
		return Page[MemberSummary]{}, false, nil
	}
	mine, ok1 := g.latest(me)
	theirs, ok2 := g.latest(them)
	if !ok1 || !ok2 {
		return Page[MemberSummary]{}, false, nil
	}
	mutuals := g.idsOf(slices.Collect(common(mine.members, theirs.members)))
	params["caller"], params["member"] = caller, member
	params["members"], params["callerVersion"], params["memberVersion"] = mutuals, mine.version, theirs.version
	recs, err := s.read(ctx, cypher.CachedMutualConnections, params)
	if err != nil || len(recs) == 0 {
		return Page[MemberSummary]{}, false, err
	}
	page, err := summaryPage(recs[0], limit)
	return page, err == nil, err
}

// Path returns one shortest chain of connections from the caller to a member, both ends included.
// It fails with ErrNotFound when the member is further than 3 hops away or not connected at all.
func (s *Store) Path(ctx context.Context, caller, member string) (_ []PathStep, err error) {
	defer wrap(&err, "Path(%q, %q)", caller, member)
	recs, err := s.read(ctx, cypher.Path, map[string]any{"caller": caller, "member": member})
	if err != nil {
		return nil, err
	}
	if len(recs) == 0 {
		return nil, s.missing(ctx, caller, member)
	}
	list, err := value[[]any](recs[0], "path")
	if err != nil {
		return nil, err
	}
	if list == nil {
		return nil, fail(ErrNotFound, "no chain of 3 connections or fewer leads to member %q", member)
	}
	steps := make([]PathStep, 0, len(list))
	for _, v := range list {
		sum, err := toSummary(v)
		if err != nil {
			return nil, err
		}
		steps = append(steps, PathStep{ID: sum.ID, Name: sum.Name})
	}
	return steps, nil
}

// missing names which of two members a statement that answered nothing could not find. A member
// hidden by a block is reported exactly as one that does not exist.
func (s *Store) missing(ctx context.Context, caller, member string) error {
	if _, err := s.Member(ctx, caller); err != nil {
		return err
	}
	return memberNotFound(member)
}

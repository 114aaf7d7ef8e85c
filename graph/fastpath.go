package graph

import (
	"context"
	"errors"
	"slices"
	"time"

	"github.com/reach-network/reach/cypher"
)

// Reachability returns how the caller stands to a member, as Relation does, but only the parts a
// reachability answer needs: the degree, the mutual count and the messaging decision (the
// member's profile is left empty). It answers from the projection (projection.go) when the read's
// consistency allows (see Mode), and from Neo4j otherwise. Returns ErrNotFound if either does not
// exist, or the member is in a block relation with the caller.
func (s *Store) Reachability(ctx context.Context, caller, member string) (_ Relation, err error) {
	defer wrap(&err, "Reachability(%q, %q)", caller, member)
	if st, ok := s.answering(ctx); ok {
		defer s.projection.mu.RUnlock()
		return s.fromMemory(st, caller, member)
	}
	r, err := s.Relation(ctx, caller, member)
	if err != nil {
		return Relation{}, err
	}
	shared, err := s.sharedFromNeo4j(ctx, caller, []string{member})
	r.Shared = shared[member]
	return r, err
}

// Reachabilities is Reachability for many members at once; members not found or in a block
// relation with the caller are left out, as Relations leaves them out.
func (s *Store) Reachabilities(ctx context.Context, caller string, members []string) (_ map[string]Relation, err error) {
	defer wrap(&err, "Reachabilities(%q, %d members)", caller, len(members))
	st, ok := s.answering(ctx)
	if !ok {
		return s.relationsWithShared(ctx, caller, members)
	}
	defer s.projection.mu.RUnlock()
	out := make(map[string]Relation, len(members))
	if _, err := s.fromMemory(st, caller, caller); err != nil {
		return nil, err // the caller does not exist
	}
	for _, m := range slices.Compact(slices.Sorted(slices.Values(members))) {
		if r, err := s.fromMemory(st, caller, m); err == nil {
			out[m] = r
		}
	}
	return out, nil
}

// relationsWithShared is Reachabilities from Neo4j: Relations, and what the caller shares with
// each member found.
func (s *Store) relationsWithShared(ctx context.Context, caller string, members []string) (map[string]Relation, error) {
	rels, err := s.Relations(ctx, caller, members)
	if err != nil || len(rels) == 0 {
		return rels, err
	}
	found := make([]string, 0, len(rels))
	for id := range rels {
		found = append(found, id)
	}
	shared, err := s.sharedFromNeo4j(ctx, caller, found)
	if err != nil {
		return nil, err
	}
	for id, r := range rels {
		r.Shared = shared[id]
		rels[id] = r
	}
	return rels, nil
}

// answering returns the projection's state, read-locked, when it may answer ctx's read. A fully
// consistent read first asks Neo4j for the change log's head, and is answered from memory only
// once the projection has applied it: the projection then holds every write committed before
// the read began.
func (s *Store) answering(ctx context.Context) (*projState, bool) {
	p := s.projection
	c := consistencyOf(ctx)
	if c.Mode == FullyConsistent {
		head, err := s.heads.at(ctx, time.Now(), s.logHead)
		if err != nil {
			p.fallbacks.Add(1)
			return nil, false // the Neo4j path then reports what is wrong
		}
		c = Consistency{Mode: AtLeastAsFresh, Token: head}
	}
	if !p.answerable(c, s.freshness.Bound, s.freshness.Wait) {
		p.fallbacks.Add(1)
		return nil, false
	}
	p.mu.RLock()
	if p.state == nil {
		p.mu.RUnlock()
		p.fallbacks.Add(1)
		return nil, false
	}
	p.served.Add(1)
	return p.state, true
}

// CheckToken refuses, with ErrInvalidToken, a token naming a change this database's log never
// made: one of another epoch (a token made up, or from a database since replaced) or past the
// log's head. A token whose change the projection has applied passes at once; otherwise the
// log's head is read. A token without an epoch (a write that changed nothing projected) always
// passes, and so does any token when Neo4j cannot be asked: the read then says what is wrong.
func (s *Store) CheckToken(ctx context.Context, t Token) error {
	if t.Epoch == "" {
		return nil
	}
	p := s.projection
	p.mu.RLock()
	applied := p.state != nil && p.state.epoch == t.Epoch && p.state.applied >= t.Seq
	p.mu.RUnlock()
	if applied {
		return nil
	}
	head, err := s.logHead(ctx)
	if err != nil {
		return nil
	}
	if head.Epoch != t.Epoch || t.Seq > head.Seq {
		return fail(ErrInvalidToken, "the consistency token names a change this database never made")
	}
	return nil
}

// logHead returns the change log's head as a token: its epoch and latest committed change.
func (s *Store) logHead(ctx context.Context) (Token, error) {
	recs, err := s.read(ctx, cypher.ChangeLogHead, nil)
	if err != nil {
		return Token{}, err
	}
	epoch, err1 := value[string](recs[0], "epoch")
	head, err2 := value[int64](recs[0], "head")
	if err := errors.Join(err1, err2); err != nil {
		return Token{}, err
	}
	if epoch == "" {
		return Token{}, errors.New("no change log yet")
	}
	return Token{Epoch: epoch, Seq: head}, nil
}

// fromMemory works out the relation from the projection's state, with the very rules the Neo4j
// path applies (settle, settleThird, decided). st must be read-locked.
func (s *Store) fromMemory(st *projState, caller, member string) (Relation, error) {
	kc, km, err := st.pair(caller, member)
	if err != nil {
		return Relation{}, err
	}
	row := relationRow{
		Relation: Relation{Member: st.member(km), Degree: OutOfNetwork, caller: st.member(kc),
			Connections: len(st.adj[km]) - countCommon(st.adj[km], st.hidden[kc], func(int32) bool { return false }, len(st.adj[km]))},
		self:   kc == km,
		hidden: make(map[int32]bool, len(st.hidden[kc])),
	}
	for _, h := range st.hidden[kc] {
		row.hidden[h] = true
	}
	row.small, row.large = km, kc
	if len(st.adj[kc]) <= len(st.adj[km]) {
		row.small, row.large = kc, km
	}
	row.near = make([]versioned, len(st.adj[row.small]))
	for i, x := range st.adj[row.small] {
		row.near[i] = versioned{member: x}
	}
	row.Facts = st.pairFacts(kc, km)
	listOf := func(k int32) []int32 { return st.adj[k] }
	row.settle(listOf)
	row.settleThird(listOf)
	r := s.decided(row.Relation)
	r.Shared = st.shared(kc, km)
	return r, nil
}

// pair numbers the caller and a member, failing with ErrNotFound as the Neo4j path does when
// either does not exist or the member is in a block relation with the caller. st must be
// read-locked.
func (st *projState) pair(caller, member string) (kc, km int32, err error) {
	kc, ok := st.number(caller, false)
	if !ok || !st.facts[kc].present {
		return 0, 0, memberNotFound(caller)
	}
	km, ok = st.number(member, false)
	if !ok || !st.facts[km].present || contains(st.hidden[kc], km) {
		return 0, 0, memberNotFound(member)
	}
	return kc, km, nil
}

// mutualsFromMemory returns the ids of the connections the caller and a member share, leaving
// out members in a block relation with the caller, when the projection may answer ctx's read
// (ok is false when it may not). Errors are those of Relation.
func (s *Store) mutualsFromMemory(ctx context.Context, caller, member string) (ids []any, ok bool, err error) {
	st, ok := s.answering(ctx)
	if !ok {
		return nil, false, nil
	}
	defer s.projection.mu.RUnlock()
	kc, km, err := st.pair(caller, member)
	if err != nil {
		return nil, true, err
	}
	ids = []any{}
	if kc == km {
		return ids, true, nil
	}
	for x := range common(st.adj[kc], st.adj[km]) {
		if !contains(st.hidden[kc], x) {
			ids = append(ids, st.ids[x])
		}
	}
	return ids, true, nil
}

// member is what the projection knows of a member, as a Member.
func (st *projState) member(k int32) Member {
	f := st.facts[k]
	return Member{ID: st.ids[k], Settings: Settings{InMail: f.inmail, OpenProfile: f.openProfile,
		MessageRequests: !f.requestsOff}, Plan: f.plan, InMailCredits: f.credits, Restricted: f.restricted,
		planGrantedAt: f.grantedAt, requestsMonth: int(f.requestsMonth), requestsSent: int(f.requestsSent)}
}

// pairFacts are the messaging facts of the caller's pair with a member.
func (st *projState) pairFacts(caller, member int32) Facts {
	key, flip := pairKey(caller, member)
	bits := st.pairs[key]
	if flip {
		bits = bits.swapped() // now read from the caller to the member
	}
	f := Facts{
		TheyWroteFirst: caller != member && bits&bitWroteBA != 0,
		Declined:       bits&bitDeclinedByB != 0,
		AwaitingReply:  bits&bitPendingAB != 0,
		Accepted:       bits&bitAcceptedByB != 0,
	}
	if caller != member {
		f.SharedGroup, f.Coworker = st.requestBasis(caller, member)
	}
	return f
}

// requestBasis finds what allows a message request between members a and b, as Relations does: a
// group both are in, and a company where both hold a current position, each the one with the
// lowest id (zero when there is none). st must be read-locked.
func (st *projState) requestBasis(a, b int32) (group, company Affiliate) {
	lowest := func(into *Affiliate, e affiliate) {
		if e.present && (into.ID == "" || e.id < into.ID) {
			*into = Affiliate{ID: e.id, Name: e.name}
		}
	}
	for o, current := range commonOrganisations(st.held[a], st.held[b]) {
		if e := st.orgs.entries[o]; current && e.kind != School {
			lowest(&company, e)
		}
	}
	for g := range common(st.joined[a], st.joined[b]) {
		lowest(&group, st.groups.entries[g])
	}
	return group, company
}

// ProjectionStats reports on the projection.
func (s *Store) ProjectionStats() ProjectionStats { return s.projection.stats() }

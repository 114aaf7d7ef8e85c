package projection

import (
	"time"

	"github.com/reach-network/reach/graph"
)

// Reach works out how the caller stands to a member from the state, with the very rules every
// path applies (Reckoning, Complete), as of now under a monthly cap of requestsMonthly. Returns
// ErrNotFound as the Neo4j path does.
func (st *State) Reach(caller, member string, now time.Time, requestsMonthly int) (graph.Reach, error) {
	kc, km, err := st.pair(caller, member)
	if err != nil {
		return graph.Reach{}, err
	}
	r := graph.Reach{Degree: graph.OutOfNetwork, Facts: st.pairFacts(kc, km)}
	rk := st.reckoning(kc, km, st.hiddenFrom(kc))
	listOf := func(k int32) []int32 { return st.adj[k] }
	r.Degree = rk.Settle(listOf)
	r.MutualCount = len(rk.Mutuals)
	if r.Degree == graph.OutOfNetwork && rk.Third(listOf) {
		r.Degree = graph.Third
	}
	r = graph.Complete(r, st.member(km), st.member(kc), now, requestsMonthly)
	r.Shared = st.shared(kc, km)
	return r, nil
}

// Standings works out how the caller stands to each of members as Reach does, but only what a
// list's row shows (graph.Standing): the degree, found with less work (Reckoning.Reckon), and the
// rules' decision. Members not found or in a block relation with the caller are left out; returns
// ErrNotFound when the caller is not found.
func (st *State) Standings(caller string, members []string, now time.Time, requestsMonthly int) (map[string]graph.Standing, error) {
	kc, _, err := st.pair(caller, caller)
	if err != nil {
		return nil, err
	}
	hidden := st.hiddenFrom(kc)
	out := make(map[string]graph.Standing, len(members))
	for _, id := range members {
		if _, km, err := st.pair(caller, id); err == nil {
			out[id] = st.standing(kc, km, hidden, now, requestsMonthly)
		}
	}
	return out, nil
}

// Standing is Standings for one member, failing as Reach does.
func (st *State) Standing(caller, member string, now time.Time, requestsMonthly int) (graph.Standing, error) {
	kc, km, err := st.pair(caller, member)
	if err != nil {
		return graph.Standing{}, err
	}
	return st.standing(kc, km, st.hiddenFrom(kc), now, requestsMonthly), nil
}

// standing is how kc stands to km, hidden being the members in a block relation with kc. st must
// be read-locked.
func (st *State) standing(kc, km int32, hidden map[int32]bool, now time.Time, requestsMonthly int) graph.Standing {
	rk := st.reckoning(kc, km, hidden)
	r := graph.Reach{Degree: rk.Reckon(func(k int32) []int32 { return st.adj[k] }), Facts: st.pairFacts(kc, km)}
	return graph.Complete(r, st.member(km), st.member(kc), now, requestsMonthly).Standing()
}

// reckoning sets out the work of finding how far apart kc and km stand: the smaller side's list
// is the one walked. hidden are the members in a block relation with kc. st must be read-locked.
func (st *State) reckoning(kc, km int32, hidden map[int32]bool) graph.Reckoning {
	rk := graph.Reckoning{Self: kc == km, Hidden: hidden, Small: km, Large: kc}
	if len(st.adj[kc]) <= len(st.adj[km]) {
		rk.Small, rk.Large = kc, km
	}
	rk.Near = st.adj[rk.Small]
	return rk
}

// hiddenFrom is the set of members in a block relation with k. st must be read-locked.
func (st *State) hiddenFrom(k int32) map[int32]bool {
	hidden := make(map[int32]bool, len(st.hidden[k]))
	for _, h := range st.hidden[k] {
		hidden[h] = true
	}
	return hidden
}

// pair numbers the caller and a member, failing with ErrNotFound as the Neo4j path does when
// either does not exist or the member is in a block relation with the caller. st must be
// read-locked.
func (st *State) pair(caller, member string) (kc, km int32, err error) {
	kc, ok := st.Number(caller, false)
	if !ok || !st.facts[kc].Present {
		return 0, 0, graph.MemberNotFound(caller)
	}
	km, ok = st.Number(member, false)
	if !ok || !st.facts[km].Present || graph.Contains(st.hidden[kc], km) {
		return 0, 0, graph.MemberNotFound(member)
	}
	return kc, km, nil
}

// Member is what the state holds of member id, as a Member (its facts, not its profile), and
// whether it holds the member as present. st must be read-locked.
func (st *State) Member(id string) (graph.Member, bool) {
	k, ok := st.Number(id, false)
	if !ok || !st.facts[k].Present {
		return graph.Member{}, false
	}
	return st.member(k), true
}

// member is what the projection knows of a member, as a Member.
func (st *State) member(k int32) graph.Member {
	f := st.facts[k]
	return graph.Member{ID: st.ids[k], Settings: graph.Settings{InMail: f.Inmail, OpenProfile: f.OpenProfile,
		MessageRequests: !f.RequestsOff}, Plan: f.Plan, InMailCredits: f.Credits, Restricted: f.Restricted,
		Quota: graph.Quota{GrantedAt: f.GrantedAt, RequestsMonth: int(f.RequestsMonth), RequestsSent: int(f.RequestsSent)}}
}

// pairFacts are the messaging facts of the caller's pair with a member.
func (st *State) pairFacts(caller, member int32) graph.Facts {
	key, flip := PairKey(caller, member)
	bits := st.pairs[key]
	if flip {
		bits = bits.swapped() // now read from the caller to the member
	}
	f := graph.Facts{
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
// group both are in, and an organisation of kind company (never one of an empty or unknown kind)
// where both hold a current position, each the one with the lowest id (zero when there is none).
// st must be read-locked.
func (st *State) requestBasis(a, b int32) (group, company graph.Affiliate) {
	lowest := func(into *graph.Affiliate, e affiliate) {
		if e.present && (into.ID == "" || e.id < into.ID) {
			*into = graph.Affiliate{ID: e.id, Name: e.name}
		}
	}
	for o, current := range commonOrganisations(st.held[a], st.held[b]) {
		if e := st.orgs.entries[o]; current && e.Kind == graph.Company {
			lowest(&company, e)
		}
	}
	for g := range graph.Common(st.joined[a], st.joined[b]) {
		lowest(&group, st.groups.entries[g])
	}
	return group, company
}

// Shared is what the caller and a member share; ok is false when the state does not hold both,
// or the member is in a block relation with the caller.
func (st *State) Shared(caller, member string) (_ graph.Shared, ok bool) {
	kc, km, err := st.pair(caller, member)
	if err != nil {
		return graph.Shared{}, false
	}
	return st.shared(kc, km), true
}

package graph

import (
	"cmp"
	"context"
	"fmt"
	"iter"
	"slices"

	"github.com/reach-network/reach/cypher"
)

// SharedItems is the most items each list of Shared holds; Total counts them all.
const SharedItems = 5

// Affiliate is an organisation or a group, as a list of what two members share shows it.
type Affiliate struct {
	ID   string
	Name string
}

// SharedList is what two members share of one kind: how many, and up to SharedItems of them,
// ordered by name, then id.
type SharedList struct {
	Total int
	Items []Affiliate
}

// Shared is what two members share: the companies and schools at which both have held a
// position (at any time), and the groups both are in.
type Shared struct {
	Companies SharedList
	Schools   SharedList
	Groups    SharedList
}

// sharedList counts items and keeps the first SharedItems by name, then id.
func sharedList(items []Affiliate) SharedList {
	slices.SortFunc(items, func(a, b Affiliate) int {
		return cmp.Or(cmp.Compare(a.Name, b.Name), cmp.Compare(a.ID, b.ID))
	})
	return SharedList{Total: len(items), Items: items[:min(len(items), SharedItems)]}
}

// catalogue numbers organisations or groups, as projState numbers members, and keeps their names.
type catalogue struct {
	index   map[string]int32
	entries []affiliate // by number
}

// affiliate is what the projection knows of an organisation or a group.
type affiliate struct {
	id, name string
	kind     OrgKind // empty for a group
	present  bool
}

// number returns an entry's number, adding it when add is set.
func (c *catalogue) number(id string, add bool) (int32, bool) {
	if k, ok := c.index[id]; ok || !add {
		return k, ok
	}
	if c.index == nil {
		c.index = map[string]int32{}
	}
	k := int32(len(c.entries))
	c.index[id] = k
	c.entries = append(c.entries, affiliate{id: id})
	return k, true
}

// heldKey is how a member's held list keeps an organisation: its number, and in the lowest bit
// whether the member holds a current position there. Sorted keys are sorted by organisation.
func heldKey(org int32, current bool) int32 {
	if current {
		return org<<1 | 1
	}
	return org << 1
}

// commonOrganisations yields the organisations two held lists (of heldKey) share, with whether
// both hold a current position there: the coworker rule's test.
func commonOrganisations(a, b []int32) iter.Seq2[int32, bool] {
	return func(yield func(int32, bool) bool) {
		for i, j := 0, 0; i < len(a) && j < len(b); {
			switch oa, ob := a[i]>>1, b[j]>>1; {
			case oa < ob:
				i++
			case oa > ob:
				j++
			default:
				if !yield(oa, a[i]&b[j]&1 == 1) {
					return
				}
				i, j = i+1, j+1
			}
		}
	}
}

// shared works out what members a and b share from the projection. st must be read-locked.
func (st *projState) shared(a, b int32) Shared {
	var companies, schools, groups []Affiliate
	for o := range commonOrganisations(st.held[a], st.held[b]) {
		e := st.orgs.entries[o]
		switch {
		case !e.present:
		case e.kind == School:
			schools = append(schools, Affiliate{ID: e.id, Name: e.name})
		default:
			companies = append(companies, Affiliate{ID: e.id, Name: e.name})
		}
	}
	for g := range common(st.joined[a], st.joined[b]) {
		if e := st.groups.entries[g]; e.present {
			groups = append(groups, Affiliate{ID: e.id, Name: e.name})
		}
	}
	return Shared{Companies: sharedList(companies), Schools: sharedList(schools), Groups: sharedList(groups)}
}

// Profile returns how the caller stands to a member, as Relation does, with what they share: from
// the projection when the read's consistency allows (the profile's relation itself is read from
// Neo4j), from Neo4j otherwise. Returns ErrNotFound as Relation does.
func (s *Store) Profile(ctx context.Context, caller, member string) (_ Relation, err error) {
	defer wrap(&err, "Profile(%q, %q)", caller, member)
	r, err := s.Relation(ctx, caller, member)
	if err != nil {
		return Relation{}, err
	}
	if st, ok := s.answering(ctx); ok {
		defer s.projection.mu.RUnlock()
		if kc, km, err := st.pair(caller, member); err == nil {
			r.Shared = st.shared(kc, km)
		}
		return r, nil // a member the projection does not hold yet shares nothing yet
	}
	shared, err := s.sharedFromNeo4j(ctx, caller, []string{member})
	r.Shared = shared[member]
	return r, err
}

// sharedFromNeo4j works out what the caller shares with each of members from Neo4j, with the
// rule the projection applies; members who do not exist are left out.
func (s *Store) sharedFromNeo4j(ctx context.Context, caller string, members []string) (map[string]Shared, error) {
	recs, err := s.read(ctx, cypher.SharedAffiliations, map[string]any{"caller": caller, "members": members})
	if err != nil {
		return nil, err
	}
	out := make(map[string]Shared, len(recs))
	for _, rec := range recs {
		id, e1 := value[string](rec, "id")
		orgs, e2 := value[[]any](rec, "organisations")
		groups, e3 := value[[]any](rec, "groups")
		if e1 != nil || e2 != nil || e3 != nil {
			return nil, fmt.Errorf("shared: %v %v %v", e1, e2, e3)
		}
		var byKind [3][]Affiliate // companies, schools, groups
		for _, v := range append(orgs, groups...) {
			m, _ := v.(map[string]any)
			a := Affiliate{}
			a.ID, _ = field[string](m, "id")
			a.Name, _ = field[string](m, "name")
			kind, _ := field[string](m, "kind")
			i := map[string]int{string(School): 1, "group": 2}[kind]
			byKind[i] = append(byKind[i], a)
		}
		out[id] = Shared{Companies: sharedList(byKind[0]), Schools: sharedList(byKind[1]), Groups: sharedList(byKind[2])}
	}
	return out, nil
}

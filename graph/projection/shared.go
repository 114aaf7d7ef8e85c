package projection

import (
	"iter"

	"github.com/reach-network/reach/graph"
)

// catalogue numbers organisations or groups, as projState numbers members, and keeps their names.
type catalogue struct {
	index   map[string]int32
	entries []affiliate // by number
}

// affiliate is what the projection knows of an organisation or a group.
type affiliate struct {
	id, name string
	Kind     graph.OrgKind // empty for a group
	present  bool
}

// number returns an entry's number, adding it when add is set.
func (c *catalogue) Number(id string, add bool) (int32, bool) {
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
func (st *State) shared(a, b int32) graph.Shared {
	var companies, schools, groups []graph.Affiliate
	for o := range commonOrganisations(st.held[a], st.held[b]) {
		e := st.orgs.entries[o]
		switch {
		case !e.present:
		case e.Kind == graph.School:
			schools = append(schools, graph.Affiliate{ID: e.id, Name: e.name})
		default:
			companies = append(companies, graph.Affiliate{ID: e.id, Name: e.name})
		}
	}
	for g := range graph.Common(st.joined[a], st.joined[b]) {
		if e := st.groups.entries[g]; e.present {
			groups = append(groups, graph.Affiliate{ID: e.id, Name: e.name})
		}
	}
	return graph.Shared{Companies: graph.NewSharedList(companies), Schools: graph.NewSharedList(schools), Groups: graph.NewSharedList(groups)}
}

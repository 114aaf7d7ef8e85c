package main

import (
	"cmp"
	"encoding/binary"
	"runtime"
	"slices"

	"github.com/reach-network/reach/graph"
	"github.com/reach-network/reach/seed"
)

// The fast path's projection: what a reach replica would keep in memory to answer degrees,
// mutual counts and messaging decisions without asking Neo4j. Its parts are built here one at a
// time, so that the heap each takes can be measured.

// facts is what the messaging decision needs of a member besides the graph, in 4 bytes.
type facts struct {
	settings uint8  // InMail policy (2 bits), profile visibility (2), connections hidden, open profile, unsearchable
	flags    uint8  // plan (3 bits), restricted
	credits  uint16 // InMail credits
}

var (
	inmailCode     = map[graph.InMailPolicy]uint8{graph.InMailAnyone: 0, graph.InMailNetwork: 1, graph.InMailOff: 2}
	visibilityCode = map[graph.ProfileVisibility]uint8{graph.ProfileEveryone: 0, graph.ProfileNetwork: 1, graph.ProfileConnections: 2}
	planCode       = map[graph.Plan]uint8{graph.PlanFree: 0, graph.PlanCareer: 1, graph.PlanBusiness: 2, graph.PlanSalesNavigator: 3, graph.PlanRecruiterLite: 4}
)

// memberFacts packs every member's facts.
func memberFacts(g *seed.Generated) []facts {
	out := make([]facts, g.Counts().Members)
	for i := range out {
		m := g.Member(i)
		s := m.Settings
		f := facts{settings: inmailCode[s.InMail] | visibilityCode[s.ProfileVisibility]<<2, flags: planCode[m.Plan], credits: uint16(m.InMailCredits)}
		if s.ConnectionsVisibility == graph.ConnectionsOnlyMe {
			f.settings |= 1 << 4
		}
		if s.OpenProfile {
			f.settings |= 1 << 5
		}
		if !s.Searchable {
			f.settings |= 1 << 6
		}
		if m.Restricted {
			f.flags |= 1 << 3
		}
		out[i] = f
	}
	return out
}

// blockPairs is every block relation as member<<32 | other, in both directions, sorted: whether
// two members are in a block relation, and whom a member is in one with, by binary search.
func blockPairs(g *seed.Generated) []uint64 {
	out := make([]uint64, 0, 2*g.Counts().Blocks)
	for k := range g.Counts().Blocks {
		by, member := g.BlockEnds(k)
		out = append(out, uint64(by)<<32|uint64(member), uint64(member)<<32|uint64(by))
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// idTable numbers reach's member ids (strings) as int32, both ways, as graph/neo4jstore/neighbours.go does.
type idTable struct {
	index map[string]int32
	ids   []string
}

func newIDTable(g *seed.Generated) *idTable {
	n := g.Counts().Members
	t := &idTable{index: make(map[string]int32, n), ids: make([]string, n)}
	for i := range n {
		id := g.ID(i)
		t.ids[i] = id
		t.index[id] = int32(i)
	}
	return t
}

// perMemberLists is the mutable alternative to compressed sparse rows: one slice per member,
// which a change replaces without moving anyone else's.
func perMemberLists(a *adjacency) [][]int32 {
	out := make([][]int32, a.members())
	for i := range out {
		out[i] = slices.Clone(a.of(int32(i)))
	}
	return out
}

// deltaBytes is what the lists take with each sorted list stored as varint gaps (the first
// member as is), after numbering the members by renumber (nil: as they are).
func deltaBytes(a *adjacency, renumber []int32) int64 {
	var buf [binary.MaxVarintLen64]byte
	var total int64
	var list []int32
	for i := range int32(a.members()) {
		list = append(list[:0], a.of(i)...)
		if renumber != nil {
			for k, j := range list {
				list[k] = renumber[j]
			}
			slices.Sort(list)
		}
		prev := int32(0)
		for _, j := range list {
			total += int64(binary.PutUvarint(buf[:], uint64(j-prev)))
			prev = j
		}
	}
	return total
}

// companyOrder numbers members company by company (by index within one), so that colleagues,
// who are much of one another's connections, get near numbers.
func companyOrder(company []int32) []int32 {
	order := make([]int32, len(company))
	for i := range order {
		order[i] = int32(i)
	}
	slices.SortStableFunc(order, func(x, y int32) int { return cmp.Compare(company[x], company[y]) })
	renumber := make([]int32, len(company))
	for k, i := range order {
		renumber[i] = int32(k)
	}
	return renumber
}

// heapOf is the heap that what build returns keeps alive: the heap in use after a collection,
// less that before build ran.
func heapOf[T any](build func() T) uint64 {
	var m runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&m)
	before := m.HeapAlloc
	v := build()
	runtime.GC()
	runtime.ReadMemStats(&m)
	runtime.KeepAlive(v)
	if m.HeapAlloc < before {
		return 0
	}
	return m.HeapAlloc - before
}

// affiliations are what the projection keeps to say what two members share, as reach keeps them
// (graph/projection/shared.go): by member, the organisations they held a position at (number<<1, the low bit
// set when one is current) and the groups they are in, each a sorted []int32.
type affiliations struct{ held, joined [][]int32 }

// memberAffiliations lays out every member's affiliations as the projection does.
func memberAffiliations(g *seed.Generated) affiliations {
	n := g.Counts().Members
	a := affiliations{held: make([][]int32, n), joined: make([][]int32, n)}
	for k := range g.Positions() {
		m, org, current := g.PositionEnds(k)
		key := int32(org) << 1
		if current {
			key |= 1
		}
		a.held[m] = append(a.held[m], key)
	}
	for k := range g.Memberships() {
		m, group := g.MembershipEnds(k)
		a.joined[m] = append(a.joined[m], int32(group))
	}
	for i := range a.held {
		slices.Sort(a.held[i])
		a.held[i], a.joined[i] = slices.Clip(a.held[i]), slices.Clip(a.joined[i])
	}
	return a
}

// memberCards lays out every member's name and headline as the projection does
// (graph/projection/mutual.go): one string per member, the name's length as a uvarint, the name,
// then the headline.
func memberCards(g *seed.Generated) []string {
	out := make([]string, g.Counts().Members)
	var size [binary.MaxVarintLen64]byte
	for i := range out {
		m := g.Member(i)
		n := binary.PutUvarint(size[:], uint64(len(m.Name)))
		out[i] = string(size[:n]) + m.Name + m.Headline
	}
	return out
}

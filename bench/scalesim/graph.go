package main

import (
	"slices"

	"github.com/reach-network/reach/seed"
)

// adjacency is every member's connections in compressed sparse rows: member i's connections are
// list[start[i]:start[i+1]], sorted. It is the layout of the fast path's projection and of each
// simulated shard. 32-bit offsets hold up to 4 G entries, enough for one shard; a whole graph
// of a billion members would need 64-bit ones.
type adjacency struct {
	start []uint32
	list  []int32
}

// members is how many members the adjacency covers.
func (a *adjacency) members() int { return len(a.start) - 1 }

// of is member i's connections, sorted.
func (a *adjacency) of(i int32) []int32 { return a.list[a.start[i]:a.start[i+1]] }

// degree is how many connections member i has.
func (a *adjacency) degree(i int32) int { return int(a.start[i+1] - a.start[i]) }

// connected reports whether i and j are connected.
func (a *adjacency) connected(i, j int32) bool {
	_, ok := slices.BinarySearch(a.of(i), j)
	return ok
}

// fromGenerated lays out a generated network's connections.
func fromGenerated(g *seed.Generated) *adjacency {
	n, m := g.Counts().Members, g.Counts().Connections
	a := &adjacency{start: make([]uint32, n+1), list: make([]int32, 2*m)}
	for i := range n {
		a.start[i+1] = a.start[i] + uint32(g.Degree(i))
	}
	next := slices.Clone(a.start[:n])
	// Connections come in ascending order of (lower, higher) end, so every list fills sorted:
	// first the members below it (where it is the higher end, by their index), then those above.
	for k := range m {
		lo, hi := g.Ends(k)
		a.list[next[lo]] = int32(hi)
		next[lo]++
		a.list[next[hi]] = int32(lo)
		next[hi]++
	}
	return a
}

// fromEdges lays out n members and the given connections (each pair once, in any order).
func fromEdges(n int, edges [][2]int32) *adjacency {
	lists := make([][]int32, n)
	for _, e := range edges {
		lists[e[0]] = append(lists[e[0]], e[1])
		lists[e[1]] = append(lists[e[1]], e[0])
	}
	a := &adjacency{start: make([]uint32, n+1)}
	for i, l := range lists {
		slices.Sort(l)
		a.list = append(a.list, l...)
		a.start[i+1] = uint32(len(a.list))
	}
	return a
}

// intersect counts the members two sorted lists share.
func intersect(x, y []int32) int {
	n := 0
	for i, j := 0, 0; i < len(x) && j < len(y); {
		switch {
		case x[i] < y[j]:
			i++
		case x[i] > y[j]:
			j++
		default:
			n++
			i++
			j++
		}
	}
	return n
}

// marks is a set of members that is emptied in constant time: a member is in it when its stamp
// equals the current one.
type marks struct {
	stamp []uint32
	now   uint32
}

func newMarks(n int) *marks { return &marks{stamp: make([]uint32, n), now: 1} }

// reset empties the set.
func (m *marks) reset() {
	m.now++
	if m.now == 0 {
		clear(m.stamp)
		m.now = 1
	}
}

func (m *marks) add(i int32)      { m.stamp[i] = m.now }
func (m *marks) has(i int32) bool { return m.stamp[i] == m.now }
func (m *marks) addAll(list []int32) {
	for _, i := range list {
		m.stamp[i] = m.now
	}
}

package neo4jstore

import (
	"fmt"
	"math/rand/v2"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/reach-network/reach/graph"
)

// TestNeighboursVersions checks that a list is only served at the version it was read as of,
// that a list put last replaces the one held (versions are random, so none is older), and that a
// list too large for the cache is not kept.
func TestNeighboursVersions(t *testing.T) {
	n := newNeighbours(1 << 20)
	g := n.current()
	a := g.intern("a")
	g.put(a, 2, []int32{1, 2})
	if _, ok := g.get(a, 1); ok {
		t.Error("list of version 2 served for version 1")
	}
	if l, ok := g.get(a, 2); !ok || !slices.Equal(l, []int32{1, 2}) {
		t.Errorf("get(a, 2) = %v, %v", l, ok)
	}
	g.put(a, 3, []int32{1, 2, 3})
	if l, ok := g.get(a, 3); !ok || len(l) != 3 {
		t.Errorf("a list put later did not replace the list: %v, %v", l, ok)
	}
	if _, ok := g.get(a, 2); ok {
		t.Error("the replaced list of version 2 is still served")
	}
	g.put(a, 1, []int32{1})
	g.put(a, 3, []int32{1, 2, 3})
	if l, ok := g.get(a, 3); !ok || len(l) != 3 {
		t.Errorf("a list of a lower version put before did not give way: %v, %v", l, ok)
	}
	if st := n.stats(); st.Connections != 3 || st.Lists != 1 {
		t.Errorf("after replacing a list: %d connections in %d lists, want 3 in 1", st.Connections, st.Lists)
	}
	big := g.intern("big")
	g.put(big, 0, make([]int32, 300_000))
	if _, ok := g.get(big, 0); ok {
		t.Error("a list larger than the whole cache was kept")
	}
}

// TestNeighboursFootprintStaysWithinBudget puts thousands of lists, some at the connection limit,
// into a small cache, and checks after each one that the id table and the lists together stay
// within the budget: first lists of a network small enough for the id table to hold, so that the
// lists fill the room it leaves, then lists of a network of a million, so that the id table fills
// up again and again.
func TestNeighboursFootprintStaysWithinBudget(t *testing.T) {
	const budget = 4 << 20
	n := newNeighbours(budget)
	rng := rand.New(rand.NewPCG(5, 6))
	put := func(i, network int) {
		name := func() string { return fmt.Sprintf("member%07d", rng.IntN(network)) }
		g := n.current()
		ids := make([]string, 1+rng.IntN(300))
		if i%400 == 0 {
			ids = make([]string, graph.MaxConnections)
		}
		for j := range ids {
			ids[j] = name()
		}
		g.put(g.intern(name()), 1, g.internList(ids))
		if st := n.stats(); st.Bytes > budget {
			t.Fatalf("after %d lists the cache takes %d bytes (%d ids, %d lists), budget %d", i+1, st.Bytes, st.IDs, st.Lists, budget)
		}
	}
	for i := range 10_000 {
		put(i, 10_000)
	}
	if st := n.stats(); st.Renewals != 0 || st.Bytes < budget*9/10 {
		t.Errorf("the lists of a small network: %d renewals, %d bytes; want none, and the budget nearly full", st.Renewals, st.Bytes)
	}
	for i := range 2000 {
		put(i, 1_000_000)
	}
	if st := n.stats(); st.Renewals == 0 || st.Lists == 0 {
		t.Errorf("the lists of a large network: %d renewals, %d lists held; want the id table filled, and lists kept", st.Renewals, st.Lists)
	}
}

// TestNeighboursLookupInternsNothing checks that looking an id up does not number it.
func TestNeighboursLookupInternsNothing(t *testing.T) {
	n := newNeighbours(1 << 20)
	g := n.current()
	for i := range 1000 {
		if _, ok := g.lookup(fmt.Sprintf("nobody%d", i)); ok {
			t.Fatal("an id never interned was found")
		}
	}
	if st := n.stats(); st.IDs != 0 {
		t.Errorf("lookups interned %d ids", st.IDs)
	}
}

// TestNeighboursConcurrentUse has goroutines intern, store and read lists while the id table keeps
// filling up and the lists are evicted, and checks that every list served, read back through the
// id table of the generation that served it, holds the members it was stored with at its version.
func TestNeighboursConcurrentUse(t *testing.T) {
	n := newNeighbours(256 << 10)
	const members = 3000
	// connections returns the ids of member m's connections as of version v.
	connections := func(m, v int) []string {
		rng := rand.New(rand.NewPCG(uint64(m), uint64(v)))
		out := make([]string, 1+rng.IntN(200))
		for i := range out {
			out[i] = fmt.Sprintf("m%d", rng.IntN(members))
		}
		slices.Sort(out)
		return slices.Compact(out)
	}
	var versions [members]atomic.Int64
	var wg sync.WaitGroup
	for w := range 4 {
		wg.Go(func() {
			rng := rand.New(rand.NewPCG(uint64(w), 9))
			for range 3000 {
				g := n.current()
				m := rng.IntN(members)
				k := g.intern(fmt.Sprintf("m%d", m))
				v := int(versions[m].Load())
				if rng.IntN(10) == 0 {
					v = int(versions[m].Add(1))
				}
				list, ok := g.get(k, int64(v))
				if !ok {
					list = g.internList(connections(m, v))
					g.put(k, int64(v), list)
				}
				got := make([]string, len(list))
				for i, id := range g.idsOf(list) {
					got[i] = id.(string)
				}
				slices.Sort(got)
				if want := connections(m, v); !slices.Equal(got, want) {
					t.Errorf("m%d at version %d (cached %v): got %v, want %v", m, v, ok, got, want)
					return
				}
			}
		})
	}
	wg.Wait()
	if st := n.stats(); st.Renewals == 0 {
		t.Errorf("%d renewals: the test did not fill the id table", st.Renewals)
	}
}

// TestGetsDoNotWaitForEviction parks an eviction in progress and checks that reads of lists and
// of the id table go on meanwhile. (A store waits only if its list falls in the hash-table bucket
// of the list being evicted, for as long as that one list takes to go.)
func TestGetsDoNotWaitForEviction(t *testing.T) {
	n := newNeighbours(1 << 20)
	parked, release := make(chan struct{}), make(chan struct{})
	var once, released sync.Once
	n.evicting = func() { once.Do(func() { close(parked); <-release }) }
	defer released.Do(func() { close(release) })

	g := n.current()
	keys := g.internAll([]string{"a", "b", "c"})
	g.put(keys[0], 1, []int32{keys[1]})
	list := make([]int32, 1000)
	go func() { // fill the cache until an eviction starts
		for i := int32(100); ; i++ {
			select {
			case <-parked:
				return
			default:
			}
			g.put(i, 1, list)
			time.Sleep(100 * time.Microsecond)
		}
	}()
	select {
	case <-parked:
	case <-time.After(10 * time.Second):
		t.Fatal("no eviction started")
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		for i := range int32(1000) {
			g.get(100+i, 1)
			g.latest(keys[0])
			g.lookup("b")
			g.internAll([]string{"a", "c"})
			g.idsOf(keys)
		}
	}()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("reads of the cache waited for an eviction")
	}
}

// TestNeighboursFootprintIsHonest checks what the cache counts against the heap: a cache filled
// with lists of a network of 50,000 takes no more memory than the footprint it reports.
func TestNeighboursFootprintIsHonest(t *testing.T) {
	const budget = 16 << 20
	rng := rand.New(rand.NewPCG(7, 8))
	before := liveHeap()
	n := newNeighbours(budget)
	for range 20_000 {
		g := n.current()
		ids := make([]string, 1+rng.IntN(300))
		for j := range ids {
			ids[j] = fmt.Sprintf("member%07d", rng.IntN(50_000))
		}
		g.put(g.intern(fmt.Sprintf("member%07d", rng.IntN(50_000))), 1, g.internList(ids))
	}
	st := n.stats()
	used := int64(liveHeap() - before)
	runtime.KeepAlive(n)
	t.Logf("%d ids and %d lists of %d connections: %d bytes on the heap, %d counted", st.IDs, st.Lists, st.Connections, used, st.Bytes)
	if st.Renewals != 0 || st.Bytes < budget/2 {
		t.Fatalf("%d renewals, %d bytes counted: the test did not fill one generation", st.Renewals, st.Bytes)
	}
	if used > st.Bytes {
		t.Errorf("the cache takes %d bytes of heap, more than the %d it counts", used, st.Bytes)
	}
}

// liveHeap returns the bytes of live objects on the heap.
func liveHeap() uint64 {
	runtime.GC()
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}

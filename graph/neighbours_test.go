package graph

import (
	"math/rand/v2"
	"slices"
	"testing"
)

// TestCountCommon checks both ways of intersecting sorted lists against a plain count.
func TestCountCommon(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	list := func(n, max int) []int32 {
		out := make([]int32, n)
		for i := range out {
			out[i] = int32(rng.IntN(max))
		}
		slices.Sort(out)
		return slices.Compact(out)
	}
	odd := func(k int32) bool { return k%2 == 1 }
	for _, sizes := range [][2]int{{0, 10}, {5, 5}, {50, 60}, {3, 5000}, {5000, 3}, {200, 200}} {
		for range 20 {
			a, b := list(sizes[0], 400), list(sizes[1], 400)
			want := 0
			for _, k := range a {
				if slices.Contains(b, k) && !odd(k) {
					want++
				}
			}
			if got := countCommon(a, b, odd, len(a)+len(b)); got != want {
				t.Fatalf("countCommon(%v, %v) = %d, want %d", a, b, got, want)
			}
			if got, most := countCommon(a, b, odd, 1), min(want, 1); got != most {
				t.Fatalf("countCommon(…, 1) = %d, want %d", got, most)
			}
		}
	}
}

// TestNeighboursVersions checks that a list is only served at the version it was read as of,
// that an older read never replaces a newer list, and that the size bound holds.
func TestNeighboursVersions(t *testing.T) {
	n := newNeighbours(100)
	a := n.intern("a")
	n.put(a, 2, []int32{1, 2})
	if _, ok := n.get(a, 1); ok {
		t.Error("list of version 2 served for version 1")
	}
	if l, ok := n.get(a, 2); !ok || !slices.Equal(l, []int32{1, 2}) {
		t.Errorf("get(a, 2) = %v, %v", l, ok)
	}
	n.put(a, 1, []int32{1})
	if l, ok := n.get(a, 2); !ok || len(l) != 2 {
		t.Errorf("an older read replaced the list: %v, %v", l, ok)
	}
	for i := range 50 {
		n.put(n.intern(string(rune('b'+i))), 0, make([]int32, 10))
		if n.held > n.limit {
			t.Fatalf("%d held, limit %d", n.held, n.limit)
		}
	}
	n.put(n.intern("big"), 0, make([]int32, 101))
	if _, ok := n.get(n.intern("big"), 0); ok {
		t.Error("a list longer than the whole cache was kept")
	}
}

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
			if got := CountCommon(a, b, odd, len(a)+len(b)); got != want {
				t.Fatalf("countCommon(%v, %v) = %d, want %d", a, b, got, want)
			}
			if got, most := CountCommon(a, b, odd, 1), min(want, 1); got != most {
				t.Fatalf("countCommon(…, 1) = %d, want %d", got, most)
			}
		}
	}
}

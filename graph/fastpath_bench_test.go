package graph

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"time"
)

// BenchmarkFromMemory measures a reachability answer worked out from the projection alone, on a
// network of 100,000 members with 100 connections each on average, a tenth of them hubs of 1,000,
// for random pairs: the work left to reach once Neo4j is out of the read path.
func BenchmarkFromMemory(b *testing.B) {
	st := syntheticProjection(100_000, 100, 1)
	s := &Store{clock: time.Now, limits: DefaultLimits}
	rng := rand.New(rand.NewPCG(2, 3))
	b.ResetTimer()
	for b.Loop() {
		a, c := st.ids[rng.IntN(len(st.ids))], st.ids[rng.IntN(len(st.ids))]
		if _, err := s.fromMemory(st, a, c); err != nil {
			b.Fatal(err)
		}
	}
}

// syntheticProjection makes a projection of n members with about degree connections each, drawn
// so that a tenth of the connections go to the first percent of members (hubs).
func syntheticProjection(n, degree int, seed uint64) *projState {
	rng := rand.New(rand.NewPCG(seed, seed))
	st := newProjState("bench", 0)
	for i := range n {
		k, _ := st.number(fmt.Sprintf("m%d", i), true)
		st.facts[k] = memberFacts{present: true, inmail: InMailAnyone, plan: PlanFree}
	}
	for range n * degree / 2 {
		a := int32(rng.IntN(n))
		b := int32(rng.IntN(n))
		if rng.IntN(10) == 0 {
			b = int32(rng.IntN(n / 100))
		}
		if a != b {
			st.adj[a], st.adj[b] = append(st.adj[a], b), append(st.adj[b], a)
		}
	}
	for k, list := range st.adj {
		slices.Sort(list)
		st.adj[k] = slices.Compact(list)
	}
	return st
}

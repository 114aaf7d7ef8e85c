package projection

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/reach-network/reach/graph"
)

// BenchmarkFromMemory measures a reachability answer worked out from the projection alone, on a
// network of 100,000 members with 100 connections each on average, a tenth of them hubs of 1,000,
// for random pairs: the work left to reach once Neo4j is out of the read path.
func BenchmarkFromMemory(b *testing.B) {
	st := syntheticProjection(100_000, 100, 1)
	answerRandomPairs(b, st)
}

// BenchmarkFromMemoryWithAffiliations is BenchmarkFromMemory on the same network with what
// members share worked out too: each member holds a current position, two past ones and a school
// among 4,000 organisations, and is in three of 30,000 groups, the small ones drawn more often.
func BenchmarkFromMemoryWithAffiliations(b *testing.B) {
	st := syntheticProjection(100_000, 100, 1)
	addAffiliations(st, rand.New(rand.NewPCG(4, 5)))
	answerRandomPairs(b, st)
}

// answerRandomPairs works out reachability answers from st for random pairs of its members.
func answerRandomPairs(b *testing.B, st *State) {
	rng := rand.New(rand.NewPCG(2, 3))
	b.ResetTimer()
	for b.Loop() {
		a, c := st.ids[rng.IntN(len(st.ids))], st.ids[rng.IntN(len(st.ids))]
		if _, err := st.Reach(a, c, time.Now(), graph.DefaultRequestsMonthly); err != nil {
			b.Fatal(err)
		}
	}
}

// addAffiliations gives every member of st positions and groups, as the generator's shape has
// them: organisations and groups drawn with a skew towards the first ones.
func addAffiliations(st *State, rng *rand.Rand) {
	const companies, schools, groups = 3_300, 700, 30_000
	skewed := func(n int) int32 { return int32(float64(n) * rng.Float64() * rng.Float64()) }
	for i := range companies + schools {
		k, _ := st.orgs.Number(fmt.Sprintf("o%d", i), true)
		kind := graph.Company
		if i >= companies {
			kind = graph.School
		}
		st.orgs.entries[k] = affiliate{id: fmt.Sprintf("o%d", i), name: fmt.Sprintf("Organisation %d", i), Kind: kind, present: true}
	}
	for i := range groups {
		k, _ := st.groups.Number(fmt.Sprintf("g%d", i), true)
		st.groups.entries[k] = affiliate{id: fmt.Sprintf("g%d", i), name: fmt.Sprintf("Group %d", i), present: true}
	}
	for k := range st.ids {
		held := []int32{heldKey(skewed(companies), true), heldKey(skewed(companies), false),
			heldKey(skewed(companies), false), heldKey(companies+skewed(schools), false)}
		st.held[k] = mergedHeld(held)
		joined := []int32{skewed(groups), skewed(groups), skewed(groups)}
		st.joined[k] = slices.Compact(slices.Sorted(slices.Values(joined)))
	}
}

// syntheticProjection makes a projection of n members with about degree connections each, drawn
// so that a tenth of the connections go to the first percent of members (hubs).
func syntheticProjection(n, degree int, seed uint64) *State {
	rng := rand.New(rand.NewPCG(seed, seed))
	st := NewState("bench", []int64{0})
	for i := range n {
		k, _ := st.Number(fmt.Sprintf("m%d", i), true)
		st.facts[k] = MemberFacts{Present: true, Inmail: graph.InMailAnyone, Plan: graph.PlanFree}
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

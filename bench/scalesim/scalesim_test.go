package main

import (
	"bytes"
	"slices"
	"strings"
	"testing"

	"github.com/reach-network/reach/seed"
)

// pathGraph is 0–1–2–3–4 and a member 5 with no connections, on two shards: 0, 1 and 4 on
// shard 0, the others on shard 1.
func pathGraph() (*adjacency, partition) {
	a := fromEdges(6, [][2]int32{{0, 1}, {1, 2}, {2, 3}, {3, 4}})
	return a, partition{name: "hand", shards: 2, owner: []uint16{0, 0, 1, 1, 0, 1}}
}

// TestAskByHand checks the costs of a few questions worked out by hand from the sizes on the
// wire (ids 4 bytes, a list 4 + 4 per id, a witness 8).
func TestAskByHand(t *testing.T) {
	a, p := pathGraph()
	hub1 := []bool{false, true, false, false, false, false} // member 1's list on every shard
	for _, tc := range []struct {
		name       string
		replicated []bool
		a, b       int32
		want       answer
	}{
		// Round 1: ids 8, N(2) = {1, 3} 12, N(3) = {2, 4} 12, both on shard 1.
		{"FirstDegreeOneShard", nil, 2, 3, answer{degree: 1, rounds: 1, shards: 1, requests: 1, bytes: 32, bloomBytes: 32}},
		// Round 1: 8 + N(1) 12 + N(3) 12, shards 0 and 1; mutual {2}.
		{"SecondDegree", nil, 1, 3, answer{degree: 2, mutual: 1, rounds: 1, shards: 2, requests: 2, bytes: 32, bloomBytes: 32}},
		// Round 1: 8 + N(0) 8 + N(3) 12 = 28. Round 2: 0 is the smaller side; shard 0 gets [1]
		// (8), l = 3 (4), N(3) (12; Bloom 4 + 3) and answers a witness (8): 32, Bloom 27.
		{"ThirdDegree", nil, 0, 3, answer{degree: 3, rounds: 2, shards: 2, requests: 3, bytes: 60, bloomBytes: 55, scanned: 2}},
		// Member 1's list is on every shard, so it is expanded on shard 1, which holds N(3):
		// round 2 is 8 + 4 + 8 with no copy of N(3).
		{"ThirdDegreeHubReplicated", hub1, 0, 3, answer{degree: 3, rounds: 2, shards: 2, requests: 3, bytes: 48, bloomBytes: 48, scanned: 2}},
		// Round 1: 8 + 8 + 8, both on shard 0. Round 2 on shard 0, which holds N(4): 8 + 4 + 8.
		{"OutOfNetwork", nil, 0, 4, answer{degree: 0, rounds: 2, shards: 1, requests: 2, bytes: 44, bloomBytes: 44, scanned: 2}},
		// Member 5 has no connections: round 1 (8 + 8 + 4) says all there is.
		{"NoConnections", nil, 0, 5, answer{degree: 0, rounds: 1, shards: 2, requests: 2, bytes: 20, bloomBytes: 20}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := newCluster(a, p, tc.replicated).ask(tc.a, tc.b); got != tc.want {
				t.Errorf("ask(%d, %d)\n got %+v\nwant %+v", tc.a, tc.b, got, tc.want)
			}
		})
	}
	c := newCluster(a, p, nil)
	// N(0) = {1} on shard 0, which merges N(1) = {0, 2}: 8 + 12; within 2 hops: 1, 2.
	if got, want := c.buildTwoHop(0), (twoHop{size: 2, shards: 1, requests: 1, bytes: 20}); got != want {
		t.Errorf("buildTwoHop(0) = %+v, want %+v", got, want)
	}
	// N(2) = {1, 3}: shard 0 merges N(1) = {0, 2}, shard 1 N(3) = {2, 4}: 2 × (8 + 12).
	if got, want := c.buildTwoHop(2), (twoHop{size: 4, shards: 2, requests: 2, bytes: 40}); got != want {
		t.Errorf("buildTwoHop(2) = %+v, want %+v", got, want)
	}
}

// TestAskMatchesDirectComputation asks every pair of a small generated network on several
// partitions, with and without hub lists on every shard, and checks each answer and its costs
// against a computation from the definitions: breadth-first search for the degree, sets of
// shards and sums of list sizes for the costs.
func TestAskMatchesDirectComputation(t *testing.T) {
	g, err := seed.Generate(seed.Spec{Members: 400, AvgDegree: 4, Seed: 7}, nil)
	if err != nil {
		t.Fatal(err)
	}
	a := fromGenerated(g)
	n := a.members()
	company := make([]int32, n)
	for i := range company {
		company[i] = int32(g.Company(i))
	}
	hubs := make([]bool, n)
	for i := range hubs {
		hubs[i] = a.degree(int32(i)) >= 12
	}
	degrees := map[int]int{}
	for _, p := range []partition{hashPartition(n, 4), hashPartition(n, 16), companyPartition(company, g.Companies(), 8)} {
		for _, rep := range [][]bool{nil, hubs} {
			c := newCluster(a, p, rep)
			for x := range int32(n) {
				dist := bfs(a, x, 3)
				for y := range int32(n) {
					if x == y {
						continue
					}
					got, want := c.ask(x, y), direct(a, p, rep, x, y, dist[y])
					if got != want {
						t.Fatalf("%s, %d shards, replicated %v: ask(%d, %d)\n got %+v\nwant %+v", p.name, p.shards, rep != nil, x, y, got, want)
					}
					degrees[got.degree]++
				}
			}
		}
	}
	for d := range 4 {
		if degrees[d] == 0 {
			t.Errorf("no pair of degree %d: the network does not exercise every answer (%v)", d, degrees)
		}
	}
}

// bfs is every member's distance from x, up to limit; -1 beyond it.
func bfs(a *adjacency, x int32, limit int) []int {
	dist := make([]int, a.members())
	for i := range dist {
		dist[i] = -1
	}
	dist[x] = 0
	frontier := []int32{x}
	for d := 1; d <= limit; d++ {
		var next []int32
		for _, u := range frontier {
			for _, v := range a.of(u) {
				if dist[v] < 0 {
					dist[v] = d
					next = append(next, v)
				}
			}
		}
		frontier = next
	}
	return dist
}

// direct is what ask must answer for x and y at distance dist (-1 beyond 3), worked out from
// the definitions in cluster.go.
func direct(a *adjacency, p partition, replicated []bool, x, y int32, dist int) answer {
	holds := func(s uint16, i int32) bool { return p.owner[i] == s || replicated != nil && replicated[i] }
	nx, ny := a.of(x), a.of(y)
	var ans answer
	ans.degree = max(dist, 0)
	in := map[int32]bool{}
	for _, v := range nx {
		in[v] = true
	}
	for _, v := range ny {
		if in[v] {
			ans.mutual++
		}
	}
	// Round 1: one request per shard that serves x's and y's lists; one serves both if it can.
	sx, sy := p.owner[x], p.owner[y]
	if holds(sy, x) {
		sx = sy
	} else if holds(sx, y) {
		sy = sx
	}
	shards := map[uint16]bool{sx: true, sy: true}
	ans.rounds, ans.requests = 1, len(shards)
	ans.bytes = 8 + 4*int64(1+len(nx)) + 4*int64(1+len(ny))
	ans.bloomBytes = ans.bytes
	if dist == 1 || dist == 2 || len(nx) == 0 || len(ny) == 0 {
		ans.shards = len(shards)
		return ans
	}
	// Round 2: the smaller side's connections go to the shards holding their lists (l's shard
	// for lists on every shard); each shard not holding N(l) also gets a copy of it.
	small, l, nl := nx, y, ny
	if len(ny) < len(nx) {
		small, l, nl = ny, x, nx
	}
	per := map[uint16]int{}
	for _, v := range small {
		s := p.owner[v]
		if replicated != nil && replicated[v] {
			s = p.owner[l]
		}
		per[s]++
		ans.scanned += int64(a.degree(v))
	}
	ans.rounds = 2
	for s, k := range per {
		shards[s] = true
		ans.requests++
		base := 4*int64(1+k) + 4 + 8
		ans.bytes += base
		ans.bloomBytes += base
		if !holds(s, l) {
			ans.bytes += 4 * int64(1+len(nl))
			ans.bloomBytes += 4 + (int64(len(nl))*10+7)/8
		}
	}
	ans.shards = len(shards)
	return ans
}

// TestTwoHopMatchesDirectComputation checks each member's 2nd-degree cache size against
// breadth-first search and its cost against the shards of its connections.
func TestTwoHopMatchesDirectComputation(t *testing.T) {
	g, err := seed.Generate(seed.Spec{Members: 400, AvgDegree: 4, Seed: 7}, nil)
	if err != nil {
		t.Fatal(err)
	}
	a := fromGenerated(g)
	p := hashPartition(a.members(), 8)
	c := newCluster(a, p, nil)
	for x := range int32(a.members()) {
		within := 0
		for y, d := range bfs(a, x, 2) {
			if d > 0 && int32(y) != x {
				within++
			}
		}
		groups := map[uint16][]int32{}
		for _, v := range a.of(x) {
			groups[p.owner[v]] = append(groups[p.owner[v]], v)
		}
		var moved int64
		for _, vs := range groups {
			union := map[int32]bool{}
			for _, v := range vs {
				for _, u := range a.of(v) {
					union[u] = true
				}
			}
			moved += 4*int64(1+len(vs)) + 4*int64(1+len(union))
		}
		want := twoHop{size: within, shards: len(groups), requests: len(groups), bytes: moved}
		if got := c.buildTwoHop(x); got != want {
			t.Fatalf("buildTwoHop(%d) = %+v, want %+v", x, got, want)
		}
	}
}

func TestPartitions(t *testing.T) {
	g, err := seed.Generate(seed.Spec{Members: 5000, AvgDegree: 20, Seed: 2}, nil)
	if err != nil {
		t.Fatal(err)
	}
	a := fromGenerated(g)
	n := a.members()
	company := make([]int32, n)
	for i := range company {
		company[i] = int32(g.Company(i))
	}
	h := hashPartition(n, 16)
	if imb := imbalance(h); imb > 1.3 {
		t.Errorf("hash: largest shard %.2f × the mean", imb)
	}
	cp := companyPartition(company, g.Companies(), 16)
	size, shardOf := map[int32]int{}, map[int32]uint16{}
	for _, c := range company {
		size[c]++
	}
	for i, c := range company {
		if s, ok := shardOf[c]; ok && s != cp.owner[i] && size[c] <= (n+15)/16 {
			t.Fatalf("company %d of %d members is on shards %d and %d", c, size[c], s, cp.owner[i])
		}
		shardOf[c] = cp.owner[i]
	}
	if imb := imbalance(cp); imb > 1.1 {
		t.Errorf("company: largest shard %.2f × the mean", imb)
	}
	// At 256 shards the largest companies are bigger than a shard's share, and are cut.
	if imb := imbalance(companyPartition(company, g.Companies(), 256)); imb > 1.5 {
		t.Errorf("company, 256 shards: largest shard %.2f × the mean", imb)
	}
	lp := refine(a, cp, 5, 1.05, 1)
	if imb := imbalance(lp); imb > 1.05+16.0/float64(n) {
		t.Errorf("label propagation: largest shard %.2f × the mean, above its 1.05", imb)
	}
	if cutShare(a, lp) > cutShare(a, cp) || cutShare(a, cp) >= cutShare(a, h) {
		t.Errorf("connections cut: hash %.3f, company %.3f, refined %.3f", cutShare(a, h), cutShare(a, cp), cutShare(a, lp))
	}
	hand, p := pathGraph()
	if got := cutShare(hand, p); got != 0.5 { // 1–2 and 3–4 cross, 0–1 and 2–3 do not
		t.Errorf("cut share of the path = %v, want 0.5", got)
	}
}

// TestDrawPairs checks that pairs are of the kind they are filed under.
func TestDrawPairs(t *testing.T) {
	g, err := seed.Generate(seed.Spec{Members: 3000, AvgDegree: 6, Seed: 5}, nil)
	if err != nil {
		t.Fatal(err)
	}
	a := fromGenerated(g)
	pairs := drawPairs(a, 40, 1)
	for _, k := range kinds[1:] {
		if len(pairs[k]) == 0 {
			t.Errorf("no %s pairs", k)
		}
		for _, p := range pairs[k] {
			d := bfs(a, p[0], 3)[p[1]]
			if kindOf(max(d, 0)) != k || p[0] == p[1] {
				t.Fatalf("%v filed as %s is at distance %d", p, k, d)
			}
		}
	}
	if len(pairs[kindRandom]) != 40 {
		t.Errorf("%d random pairs, want 40", len(pairs[kindRandom]))
	}
}

// TestRun runs the whole command on a small network.
func TestRun(t *testing.T) {
	var out bytes.Buffer
	if err := run([]string{"-members", "3000", "-avg-degree", "10", "-pairs", "30", "-two-hop", "20", "-shards", "4,16"}, &out); err != nil {
		t.Fatal(err)
	}
	for _, heading := range []string{"## The fast path's memory, measured", "## Extrapolated", "## Partitions",
		"## Fan-out, 3rd pairs", "## Fan-out with hub lists on every shard, hub pairs", "## 2nd-degree caches"} {
		if !strings.Contains(out.String(), heading) {
			t.Errorf("no %q in the output:\n%s", heading, out.String())
		}
	}
	if _, err := parse([]string{"-shards", "4,x"}); err == nil {
		t.Error("-shards 4,x accepted")
	}
}

// TestPercentile pins the nearest-rank percentiles the tables report.
func TestPercentile(t *testing.T) {
	v := []float64{5, 1, 4, 2, 3, 6, 7, 8, 9, 10}
	for q, want := range map[float64]float64{50: 5, 99: 10, 10: 1, 100: 10} {
		if got := percentile(v, q); got != want {
			t.Errorf("percentile(%v) = %v, want %v", q, got, want)
		}
	}
	if !slices.Equal(v, []float64{5, 1, 4, 2, 3, 6, 7, 8, 9, 10}) {
		t.Error("percentile sorted its input")
	}
}

package main

// A cluster is the graph spread over shards by a partition, asked by a coordinator (a reach
// replica holding no graph) the way docs/scaling.md describes. Asking counts what the answer
// costs: rounds of requests, shards touched, requests, and bytes on the wire.
//
// Sizes on the wire: a member id is 4 bytes, a list is a 4-byte length and its ids, a witness
// (the middle two members of a 3-hop chain) is 8 bytes. Headers and framing are left out.
type cluster struct {
	adj *adjacency
	p   partition
	// replicated, when not nil, marks members whose connection list every shard holds (hubs).
	replicated []bool

	inLarger, scratch *marks // sets of members, reused from query to query
}

func newCluster(a *adjacency, p partition, replicated []bool) *cluster {
	n := a.members()
	return &cluster{adj: a, p: p, replicated: replicated, inLarger: newMarks(n), scratch: newMarks(n)}
}

// Wire sizes, in bytes.
const (
	idSize      = 4
	witnessSize = 8
	// bloomBits is what a Bloom filter spends per member for about 1% false positives
	// (10 bits and 7 hash functions: 0.8%).
	bloomBits = 10
)

func listSize(n int) int64  { return idSize * int64(1+n) }
func bloomSize(n int) int64 { return idSize + (int64(n)*bloomBits+7)/8 }

// answer is the degree and mutual count a query found, and what it cost.
type answer struct {
	degree int // 1, 2, 3, or 0 when out of network (beyond 3)
	mutual int

	rounds   int   // round trips one after the other
	shards   int   // distinct shards that received a request
	requests int   // requests sent, each answered by one reply
	bytes    int64 // requests and replies, lists shipped as lists
	// bloomBytes is bytes with the larger side's list shipped in round 2 as a Bloom filter
	// instead; the shards then return candidate witnesses the coordinator checks.
	bloomBytes int64
	// scanned is the connections round 2 reads on the shards: every connection of every
	// connection of the smaller side, when no shard finds a witness early.
	scanned int64
}

// holds reports whether shard s holds member i's connection list.
func (c *cluster) holds(s uint16, i int32) bool {
	return c.p.owner[i] == s || c.replicated != nil && c.replicated[i]
}

// ask answers how a is connected to b (a ≠ b), bidirectionally:
//
//	round 1: fetch N(a) and N(b) from the shards that hold them (one request each, or one for
//	  both when one shard holds both). b ∈ N(a) is the 1st degree; N(a) ∩ N(b) the mutual
//	  connections, and the 2nd degree when there are any.
//	round 2, only when neither: the smaller side s expands one hop where its connections live.
//	  Each shard holding some of N(s) gets those members and the larger side l's list (unless
//	  the shard holds N(l) itself) and looks for x in its part of N(s) and y in N(x) with y in
//	  N(l): s–x–y–l is a 3rd-degree chain. Connections of s whose lists every shard holds are
//	  checked on l's shard, which needs no copy of N(l).
func (c *cluster) ask(a, b int32) answer {
	var ans answer
	touched := map[uint16]bool{}

	// Round 1.
	sa, sb := c.p.owner[a], c.p.owner[b]
	if sa != sb && c.holds(sb, a) {
		sa = sb
	} else if sa != sb && c.holds(sa, b) {
		sb = sa
	}
	na, nb := c.adj.of(a), c.adj.of(b)
	ans.rounds, ans.requests = 1, 2
	if sa == sb {
		ans.requests = 1
	}
	ans.bytes = 2*idSize + listSize(len(na)) + listSize(len(nb))
	touched[sa], touched[sb] = true, true
	ans.bloomBytes = ans.bytes
	ans.mutual = intersect(na, nb)
	switch {
	case c.adj.connected(a, b):
		ans.degree = 1
	case ans.mutual > 0:
		ans.degree = 2
	}
	if ans.degree > 0 || len(na) == 0 || len(nb) == 0 {
		ans.shards = len(touched)
		return ans
	}

	// Round 2.
	l, ns, nl := b, na, nb
	if len(nb) < len(na) {
		l, ns, nl = a, nb, na
	}
	home := c.p.owner[l] // the shard that owns l's list
	group := map[uint16][]int32{}
	for _, x := range ns {
		at := c.p.owner[x]
		if c.replicated != nil && c.replicated[x] {
			at = home
		}
		group[at] = append(group[at], x)
	}
	c.inLarger.reset()
	c.inLarger.addAll(nl)
	found := false
	ans.rounds = 2
	for at, xs := range group {
		touched[at] = true
		ans.requests++
		req := listSize(len(xs)) + idSize // the members to expand, and l
		ans.bytes += req + witnessSize
		ans.bloomBytes += req + witnessSize
		if !c.holds(at, l) {
			ans.bytes += listSize(len(nl))
			ans.bloomBytes += bloomSize(len(nl))
		}
		for _, x := range xs {
			nx := c.adj.of(x)
			ans.scanned += int64(len(nx))
			if found {
				continue
			}
			for _, y := range nx {
				if c.inLarger.has(y) {
					found = true
					break
				}
			}
		}
	}
	if found {
		ans.degree = 3
	}
	ans.shards = len(touched)
	return ans
}

// twoHop is what a per-member cache of the 2nd-degree network costs (the approach LinkedIn
// describes): building it for member a, and keeping it.
type twoHop struct {
	size     int   // members within 2 hops of a, a excluded
	shards   int   // shards asked to build it: those holding a's connections' lists
	requests int   // one per shard
	bytes    int64 // a's connections sent, each shard's merged union returned
}

// buildTwoHop builds a's 2nd-degree cache: a's connections are sent, grouped by shard, to the
// shards holding their lists; each shard merges its part into one union (so the coordinator does
// not receive the same member many times over) and returns it. Connections of a whose lists
// every shard holds are merged on a's own shard.
func (c *cluster) buildTwoHop(a int32) twoHop {
	var t twoHop
	na := c.adj.of(a)
	group := map[uint16][]int32{}
	for _, x := range na {
		at := c.p.owner[x]
		if c.replicated != nil && c.replicated[x] {
			at = c.p.owner[a]
		}
		group[at] = append(group[at], x)
	}
	all, part := c.inLarger, c.scratch
	all.reset()
	all.add(a)
	for _, x := range na {
		if !all.has(x) {
			all.add(x)
			t.size++
		}
	}
	for _, xs := range group {
		t.requests++
		part.reset()
		merged := 0
		for _, x := range xs {
			for _, y := range c.adj.of(x) {
				if !part.has(y) {
					part.add(y)
					merged++
				}
				if !all.has(y) {
					all.add(y)
					t.size++
				}
			}
		}
		t.bytes += listSize(len(xs)) + listSize(merged)
	}
	t.shards = len(group)
	return t
}

package main

import (
	"fmt"
	"io"
	"math"
	"math/rand/v2"

	"github.com/reach-network/reach/seed"
)

// printMemory measures the projection's parts on the heap and extrapolates them.
func printMemory(w io.Writer, g *seed.Generated, adj *adjacency) {
	n, m := float64(g.Counts().Members), float64(g.Counts().Connections)
	csr := heapOf(func() *adjacency { return fromGenerated(g) })
	fs := heapOf(func() []facts { return memberFacts(g) })
	blocks := heapOf(func() []uint64 { return blockPairs(g) })
	ids := heapOf(func() *idTable { return newIDTable(g) })
	slicesHeap := heapOf(func() [][]int32 { return perMemberLists(adj) })
	affiliated := heapOf(func() affiliations { return memberAffiliations(g) })
	cards := heapOf(func() []string { return memberCards(g) })
	company := make([]int32, g.Counts().Members)
	for i := range company {
		company[i] = int32(g.Company(i))
	}
	deltaNatural := deltaBytes(adj, nil)
	deltaCompany := deltaBytes(adj, companyOrder(company))

	fmt.Fprintln(w, "## The fast path's memory, measured")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "| part | MB | bytes per member | bytes per connection |")
	fmt.Fprintln(w, "| --- | ---: | ---: | ---: |")
	line := func(part string, bytes float64) {
		fmt.Fprintf(w, "| %s | %.1f | %.1f | %.2f |\n", part, bytes/1e6, bytes/n, bytes/m)
	}
	line("connection lists, compressed sparse rows (int32 ids, 32-bit offsets)", float64(csr))
	line("member facts (settings, plan, restriction, credits)", float64(fs))
	line(fmt.Sprintf("block relations (%d blocks, sorted pairs both ways)", g.Counts().Blocks), float64(blocks))
	line(fmt.Sprintf("affiliations (%d positions, %d group memberships: two sorted int32 slices per member)",
		g.Positions(), g.Memberships()), float64(affiliated))
	core := float64(csr + fs + blocks + affiliated)
	line("**fast path, members numbered densely**", core)
	line("reach's string ids numbered as int32 (map and slice)", float64(ids))
	line("**fast path with string ids**", core+float64(ids))
	line("names and headlines, for mutual pages (one string per member: the name's length, the name, the headline)", float64(cards))
	line("instead of compressed rows: one slice per member (mutable in place)", float64(slicesHeap))
	line("instead of compressed rows: lists as varint gaps, members as numbered (computed, at this size)", float64(deltaNatural))
	line("instead of compressed rows: lists as varint gaps, members numbered by company (computed, at this size)", float64(deltaCompany))
	fmt.Fprintln(w)

	// Per member and per connection, from the measurement: what is not the lists counts per
	// member, the lists per connection.
	perMember := (core-float64(csr))/n + 8 // and a 64-bit offset, for a table of the whole graph
	perConnection := float64(csr) / (float64(len(adj.list))*idSize + 4*(n+1)) * 2 * idSize
	fmt.Fprintln(w, "## Extrapolated")
	fmt.Fprintln(w)
	fmt.Fprintf(w, "Per member %.1f bytes besides the lists (facts, blocks, affiliations, a 64-bit offset), per connection %.2f bytes "+
		"(listed both ways, 4 bytes each); string ids as measured would add %.0f bytes per member, names and headlines %.0f.\n\n",
		perMember, perConnection, float64(ids)/n, float64(cards)/n)
	fmt.Fprintln(w, "| network | members | connections | fast path | 256 GB machines, 192 GB used each |")
	fmt.Fprintln(w, "| --- | ---: | ---: | ---: | ---: |")
	for _, s := range []struct {
		name       string
		members    float64
		meanDegree float64
	}{
		{"per million members, this mean degree", 1e6, 2 * m / n},
		{"LinkedIn-sized, 100 B connections", 1e9, 200},
		{"LinkedIn-sized, 300 B connections", 1e9, 600},
	} {
		conns := s.members * s.meanDegree / 2
		bytes := s.members*perMember + conns*perConnection
		fmt.Fprintf(w, "| %s | %s | %s | %s | %.0f |\n", s.name, count(s.members), count(conns), size(bytes), math.Ceil(bytes/192e9))
	}
	fmt.Fprintln(w)
}

// printReplication compares hash partitions with and without the hubs' lists on every shard.
func printReplication(w io.Writer, adj *adjacency, o options, pairs map[string][][2]int32) {
	replicated := make([]bool, adj.members())
	hubs, hubEntries := 0, 0
	for i := range replicated {
		if d := adj.degree(int32(i)); d >= o.hubDegree {
			replicated[i] = true
			hubs++
			hubEntries += d
		}
	}
	fmt.Fprintf(w, "## Hub lists on every shard\n\n%d members have at least %d connections; their lists hold %.1f%% of all list entries.\n\n",
		hubs, o.hubDegree, 100*float64(hubEntries)/float64(len(adj.list)))
	fmt.Fprintln(w, "| shards | extra memory, share of the lists |")
	fmt.Fprintln(w, "| ---: | ---: |")
	for _, p := range o.shards {
		fmt.Fprintf(w, "| %d | %.0f%% |\n", p, 100*float64(hubEntries)*float64(p-1)/float64(len(adj.list)))
	}
	fmt.Fprintln(w)
	for _, k := range []string{kindRandom, kindHub} {
		var rows []row
		for _, p := range o.shards {
			h := hashPartition(adj.members(), p)
			for _, rep := range [][]bool{nil, replicated} {
				c := newCluster(adj, h, rep)
				r, err := askAll(c, pairs[k])
				if err != nil {
					fmt.Fprintln(w, "error:", err)
					return
				}
				if rep != nil {
					r.label += ", hubs on every shard"
				}
				rows = append(rows, r)
			}
		}
		printRows(w, fmt.Sprintf("Fan-out with hub lists on every shard, %s pairs", k), rows)
	}
}

// printTwoHop reports the size of members' 2nd-degree networks, what building a cache of one
// costs per partition, and what a question costs once it is built.
func printTwoHop(w io.Writer, adj *adjacency, parts []partition, o options, pairs [][2]int32) {
	rng := rand.New(rand.NewPCG(o.seed, 0x2409))
	var sample []int32
	for len(sample) < o.twoHop {
		if a := int32(rng.IntN(adj.members())); adj.degree(a) > 0 {
			sample = append(sample, a)
		}
	}
	one := newCluster(adj, hashPartition(adj.members(), 1), nil)
	var sizes, exact, bloom []float64
	for _, a := range sample {
		t := one.buildTwoHop(a)
		sizes = append(sizes, float64(t.size))
		exact = append(exact, float64(listSize(t.size)))
		bloom = append(bloom, float64(bloomSize(t.size)))
	}
	n := float64(adj.members())
	fmt.Fprintf(w, "## 2nd-degree caches\n\n%d members with connections, drawn at random.\n\n", len(sample))
	fmt.Fprintln(w, "| members within 2 hops p50 / p99 | share of the network p50 / p99 | KB as int32 list p50 / p99 | KB as Bloom filter p50 / p99 |")
	fmt.Fprintln(w, "| ---: | ---: | ---: | ---: |")
	fmt.Fprintf(w, "| %s | %.1f%% / %.1f%% | %s | %s |\n\n", p50p99(sizes, 1, "%.0f"), 100*percentile(sizes, 50)/n,
		100*percentile(sizes, 99)/n, p50p99(exact, 1000, "%.1f"), p50p99(bloom, 1000, "%.1f"))

	fmt.Fprintln(w, "Building one:")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "| partition | shards | shards asked p50 / p99 | KB moved p50 / p99 |")
	fmt.Fprintln(w, "| --- | ---: | ---: | ---: |")
	for _, p := range parts {
		c := newCluster(adj, p, nil)
		var shards, bytes []float64
		for _, a := range sample {
			t := c.buildTwoHop(a)
			shards, bytes = append(shards, float64(t.shards)), append(bytes, float64(t.bytes))
		}
		fmt.Fprintf(w, "| %s | %d | %s | %s |\n", p.name, p.shards, p50p99(shards, 1, "%.0f"), p50p99(bytes, 1000, "%.1f"))
	}
	fmt.Fprintln(w)
	var asked []float64
	for _, p := range pairs {
		asked = append(asked, float64(idSize+listSize(adj.degree(p[1]))))
	}
	fmt.Fprintf(w, "Once it is built, any question from that member takes one request to the shard holding the other member's list, "+
		"whatever the partition: %s KB (p50 / p99) over the random pairs. 1st degree: the other member is in the cache's 1st-degree part; "+
		"2nd: in its 2nd-degree part, with the mutual connections from intersecting the two lists; 3rd: the other member's list meets the cache.\n\n",
		p50p99(asked, 1000, "%.1f"))
}

func count(x float64) string {
	switch {
	case x >= 1e9:
		return fmt.Sprintf("%.0f B", x/1e9)
	case x >= 1e6:
		return fmt.Sprintf("%.0f M", x/1e6)
	}
	return fmt.Sprintf("%.0f", x)
}

func size(bytes float64) string {
	switch {
	case bytes >= 1e12:
		return fmt.Sprintf("%.2f TB", bytes/1e12)
	case bytes >= 1e9:
		return fmt.Sprintf("%.0f GB", bytes/1e9)
	}
	return fmt.Sprintf("%.0f MB", bytes/1e6)
}

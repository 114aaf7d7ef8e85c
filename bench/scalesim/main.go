// Command scalesim measures the memory reach's fast path needs per member and per connection,
// and simulates what reach's questions cost once the graph is spread over shards: it partitions
// a network made by seed.Generate by hash and by company (with and without label propagation),
// asks pairs of every degree the bidirectional way docs/scaling.md describes, and reports the
// shards, requests, round trips and bytes each answer took.
//
//	go run ./bench/scalesim [-members 100000] [-avg-degree 100] [-seed 1] [-shards 4,16,64,256] [-pairs 500]
//
// It prints markdown tables; docs/scaling.md quotes them.
package main

import (
	"cmp"
	"errors"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/reach-network/reach/seed"
)

func main() {
	if err := run(os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "scalesim:", err)
		os.Exit(1)
	}
}

type options struct {
	members   int
	avgDegree float64
	seed      uint64
	shards    []int
	pairs     int     // pairs of each kind
	lpRounds  int     // label propagation rounds
	hubDegree int     // lists of members with at least this many connections are replicated (0: 10 × the mean)
	twoHop    int     // members whose 2nd-degree cache is built
	memory    bool    // measure the projection's memory
	slack     float64 // label propagation keeps shards within this factor of the mean size
}

func parse(args []string) (options, error) {
	o := options{}
	fs := flag.NewFlagSet("scalesim", flag.ContinueOnError)
	fs.IntVar(&o.members, "members", 100000, "members in the generated network")
	fs.Float64Var(&o.avgDegree, "avg-degree", 100, "mean connections per member")
	fs.Uint64Var(&o.seed, "seed", 1, "generator and sampling seed")
	shards := fs.String("shards", "4,16,64,256", "shard counts to simulate, comma-separated")
	fs.IntVar(&o.pairs, "pairs", 500, "pairs of each kind to ask")
	fs.IntVar(&o.lpRounds, "lp-rounds", 5, "label propagation rounds after the company partition")
	fs.IntVar(&o.hubDegree, "hub-degree", 0, "replicate the lists of members with at least this many connections (0: 10 × the mean)")
	fs.IntVar(&o.twoHop, "two-hop", 300, "members whose 2nd-degree cache is built")
	fs.BoolVar(&o.memory, "memory", true, "measure the projection's memory")
	fs.Float64Var(&o.slack, "slack", 1.05, "label propagation keeps each shard within this factor of the mean size")
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	for s := range strings.SplitSeq(*shards, ",") {
		p, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || p < 1 || p > 1<<16 {
			return o, fmt.Errorf("-shards: %q is not a shard count from 1 to 65536", s)
		}
		o.shards = append(o.shards, p)
	}
	if o.hubDegree == 0 {
		o.hubDegree = int(10 * o.avgDegree)
	}
	if o.pairs < 1 || o.twoHop < 1 {
		return o, errors.New("-pairs and -two-hop must be at least 1")
	}
	return o, nil
}

func run(args []string, w io.Writer) error {
	o, err := parse(args)
	if err != nil {
		return err
	}
	started := time.Now()
	g, err := seed.Generate(seed.Spec{Members: o.members, AvgDegree: o.avgDegree, Seed: o.seed}, nil)
	if err != nil {
		return err
	}
	adj := fromGenerated(g)
	n, m := g.Counts().Members, g.Counts().Connections
	fmt.Fprintf(w, "# scalesim: %d members, %d connections (seed %d, mean degree %.1f), generated in %.1f s\n\n",
		n, m, o.seed, 2*float64(m)/float64(n), time.Since(started).Seconds())
	if o.memory {
		printMemory(w, g, adj)
	}
	company := make([]int32, n)
	for i := range company {
		company[i] = int32(g.Company(i))
	}

	pairs := drawPairs(adj, o.pairs, o.seed)
	pairs[kindHub] = hubPairs(adj, o.pairs, o.seed)
	order := append(slices.Clone(kinds), kindHub)
	printPairs(w, adj, pairs, order)

	var parts []partition
	for _, p := range o.shards {
		company := companyPartition(company, g.Companies(), p)
		parts = append(parts, hashPartition(n, p), company, refine(adj, company, o.lpRounds, o.slack, o.seed))
	}
	printPartitions(w, adj, parts)

	results := map[string][]row{} // by kind
	for _, p := range parts {
		c := newCluster(adj, p, nil)
		for _, k := range order {
			r, err := askAll(c, pairs[k])
			if err != nil {
				return fmt.Errorf("%s, %d shards, %s pairs: %w", p.name, p.shards, k, err)
			}
			results[k] = append(results[k], r)
		}
	}
	for _, k := range order {
		printRows(w, fmt.Sprintf("Fan-out, %s pairs", k), results[k])
	}
	printReplication(w, adj, o, pairs)
	printTwoHop(w, adj, parts, o, pairs[kindRandom])
	return nil
}

// kindHub is pairs with one of the ten most connected members on either side.
const kindHub = "hub"

func hubPairs(a *adjacency, perKind int, seed uint64) [][2]int32 {
	rng := rand.New(rand.NewPCG(seed, 0x4b))
	n := a.members()
	top := make([]int32, n)
	for i := range top {
		top[i] = int32(i)
	}
	slices.SortStableFunc(top, func(x, y int32) int { return cmp.Compare(a.degree(y), a.degree(x)) })
	top = top[:min(10, n)]
	var out [][2]int32
	for len(out) < perKind {
		hub, other := top[rng.IntN(len(top))], int32(rng.IntN(n))
		if hub == other {
			continue
		}
		if len(out)%2 == 1 {
			hub, other = other, hub
		}
		out = append(out, [2]int32{hub, other})
	}
	return out
}

// row is one configuration's costs over a set of pairs.
type row struct {
	label                           string
	shards                          int
	pairs, secondRound              int
	touched, requests, bytes, bloom []float64
}

// askAll asks every pair and checks each answer against the degree worked out directly.
func askAll(c *cluster, pairs [][2]int32) (row, error) {
	r := row{label: c.p.name, shards: c.p.shards, pairs: len(pairs)}
	check := newMarks(c.adj.members())
	for _, p := range pairs {
		ans := c.ask(p[0], p[1])
		if want := degreeOf(c.adj, p[0], p[1], check); ans.degree != want {
			return r, fmt.Errorf("%d and %d: degree %d, want %d", p[0], p[1], ans.degree, want)
		}
		if ans.rounds == 2 {
			r.secondRound++
		}
		r.touched = append(r.touched, float64(ans.shards))
		r.requests = append(r.requests, float64(ans.requests))
		r.bytes = append(r.bytes, float64(ans.bytes))
		r.bloom = append(r.bloom, float64(ans.bloomBytes))
	}
	return r, nil
}

// percentile is the nearest-rank percentile q (0–100) of values.
func percentile(values []float64, q float64) float64 {
	if len(values) == 0 {
		return 0
	}
	s := slices.Clone(values)
	slices.Sort(s)
	k := int(q/100*float64(len(s))+0.999999) - 1
	return s[min(max(k, 0), len(s)-1)]
}

func p50p99(values []float64, scale float64, format string) string {
	return fmt.Sprintf(format+" / "+format, percentile(values, 50)/scale, percentile(values, 99)/scale)
}

func printRows(w io.Writer, title string, rows []row) {
	fmt.Fprintf(w, "## %s\n\n", title)
	fmt.Fprintln(w, "| partition | shards | pairs | 2 rounds | shards touched p50 / p99 | requests p50 / p99 | KB p50 / p99 | KB, Bloom p50 / p99 |")
	fmt.Fprintln(w, "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
	for _, r := range rows {
		fmt.Fprintf(w, "| %s | %d | %d | %.0f%% | %s | %s | %s | %s |\n", r.label, r.shards, r.pairs,
			100*float64(r.secondRound)/float64(max(r.pairs, 1)), p50p99(r.touched, 1, "%.0f"), p50p99(r.requests, 1, "%.0f"),
			p50p99(r.bytes, 1000, "%.1f"), p50p99(r.bloom, 1000, "%.1f"))
	}
	fmt.Fprintln(w)
}

func printPairs(w io.Writer, a *adjacency, pairs map[string][][2]int32, order []string) {
	fmt.Fprintln(w, "## Pairs asked")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "| kind | pairs | smaller side's connections p50 / p99 | larger side's p50 / p99 | connections read in round 2 p50 / p99 |")
	fmt.Fprintln(w, "| --- | ---: | ---: | ---: | ---: |")
	whole := newCluster(a, hashPartition(a.members(), 1), nil)
	for _, k := range order {
		var small, large, scans []float64
		for _, p := range pairs[k] {
			x, y := a.degree(p[0]), a.degree(p[1])
			small, large = append(small, float64(min(x, y))), append(large, float64(max(x, y)))
			scans = append(scans, float64(whole.ask(p[0], p[1]).scanned))
		}
		fmt.Fprintf(w, "| %s | %d | %s | %s | %s |\n", k, len(pairs[k]), p50p99(small, 1, "%.0f"), p50p99(large, 1, "%.0f"), p50p99(scans, 1, "%.0f"))
	}
	m := newMarks(a.members())
	count := map[int]int{}
	for _, p := range pairs[kindRandom] {
		count[degreeOf(a, p[0], p[1], m)]++
	}
	fmt.Fprintf(w, "\nRandom pairs by degree: 1st %d, 2nd %d, 3rd %d, beyond %d.\n\n", count[1], count[2], count[3], count[0])
}

func printPartitions(w io.Writer, a *adjacency, parts []partition) {
	fmt.Fprintln(w, "## Partitions")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "| partition | shards | connections cut | largest shard ÷ mean, members | largest shard ÷ mean, list entries |")
	fmt.Fprintln(w, "| --- | ---: | ---: | ---: | ---: |")
	for _, p := range parts {
		fmt.Fprintf(w, "| %s | %d | %.1f%% | %.2f | %.2f |\n", p.name, p.shards, 100*cutShare(a, p), imbalance(p), entryImbalance(a, p))
	}
	fmt.Fprintln(w)
}

// entryImbalance is the largest shard's list entries over the mean.
func entryImbalance(a *adjacency, p partition) float64 {
	load := make([]int, p.shards)
	for i, s := range p.owner {
		load[s] += a.degree(int32(i))
	}
	return float64(slices.Max(load)) * float64(p.shards) / float64(len(a.list))
}

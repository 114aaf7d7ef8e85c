// Command reachbench measures reach under an open-loop load, over HTTP through the real service,
// and, in the same run on the same graph and pairs, what a team would build instead: the Cypher
// baseline (shortestPath and separate queries straight through the Go driver), and the
// PostgreSQL peer (one SQL statement, bench/pgpeer) both straight through pgx and behind reach's
// HTTP stack. With --compare-url it also measures another reach, such as an older revision's,
// sent the same mix as reach in the same rounds (reach-before).
//
//	reachbench [--url http://127.0.0.1:8089] [--rate 500] [--duration 60s] [--out bench]
//	           [--postgres postgres://...] [--peer-url http://127.0.0.1:8090] [--sweep]
//	           [--compare-url http://127.0.0.1:8091 --compare-rev REV]
//
// It reads NEO4J_URI, NEO4J_USER, NEO4J_PASSWORD and NEO4J_DATABASE to draw pairs and run the
// baseline, and REACH_JWT_SECRET to sign the requests' tokens. It prints a table and writes
// results.json and latency.png to --out; with --sweep it raises the offered rate step by step
// instead, and writes sweep.json, sweep-mix.png and sweep-reachability.png.
package main

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"math/rand/v2"
	"os"
	"os/signal"
	"path/filepath"
	"runtime"
	"syscall"
	"time"

	"github.com/reach-network/reach/bench"
	"github.com/reach-network/reach/bench/baseline"
	"github.com/reach-network/reach/bench/pgpeer"
	"github.com/reach-network/reach/graph/neo4jstore"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "reachbench:", err)
		os.Exit(1)
	}
}

type options struct {
	url         string
	rate        float64
	duration    time.Duration
	warmup      time.Duration
	rounds      int
	lead        time.Duration
	concurrency int
	settle      time.Duration
	perKind     int
	pairsFile   string
	drawOnly    bool
	seed        uint64
	out         string
	baseline    bool
	heap, cache string
	postgres    string // the peer's database, for the peer through pgx
	peerURL     string // the peer behind reach's HTTP stack
	compareURL  string // another reach, measured as reach-before
	compareRev  string // what that reach was built from, for the report
	// compareMailbox is the path of that reach's mailbox page.
	compareMailbox string
	pgPool         int
	only           string // the systems to measure, comma-separated; empty for all
	processes      bench.Processes
	sweep          sweepOptions
}

func run(ctx context.Context, args []string, out io.Writer) error {
	var o options
	flags := flag.NewFlagSet("reachbench", flag.ContinueOnError)
	flags.StringVar(&o.url, "url", "http://127.0.0.1:8089", "base URL of the reach under test")
	flags.Float64Var(&o.rate, "rate", 500, "requests per second offered to reach")
	flags.DurationVar(&o.duration, "duration", 60*time.Second, "measured time of each phase")
	flags.DurationVar(&o.warmup, "warmup", 10*time.Second, "unmeasured time each system is warmed up for before any is measured")
	flags.IntVar(&o.rounds, "rounds", 4, "rounds the measured time is cut into: the systems take turns, a round each, so that a neighbour's load falls on all alike")
	flags.DurationVar(&o.lead, "round-warmup", 2*time.Second, "unmeasured time before each round of each system")
	flags.IntVar(&o.concurrency, "concurrency", 0, "requests in flight at most, waiting for a slot counting as latency; 0 for no cap, as real members set none")
	flags.DurationVar(&o.settle, "settle", 0, "also sum up each op from this far into the measured time on, and say when the last request was shed: for a cold start")
	flags.IntVar(&o.perKind, "pairs", 200, "pairs drawn of each kind")
	flags.Uint64Var(&o.seed, "seed", 1, "seed of the requests sent")
	flags.StringVar(&o.pairsFile, "pairs-file", "", "read the pairs from this file, or draw them and write it when it is absent")
	flags.BoolVar(&o.drawOnly, "draw-only", false, "draw the pairs (into --pairs-file) and stop")
	flags.StringVar(&o.out, "out", "bench", "folder for the results and charts")
	flags.BoolVar(&o.baseline, "baseline", true, "also measure the Cypher baseline")
	flags.StringVar(&o.heap, "neo4j-heap", os.Getenv("REACH_NEO4J_HEAP"), "Neo4j heap, for the report")
	flags.StringVar(&o.cache, "neo4j-pagecache", os.Getenv("REACH_NEO4J_PAGECACHE"), "Neo4j page cache, for the report")
	flags.StringVar(&o.postgres, "postgres", "", "URL of the PostgreSQL peer's database: measure the peer through pgx")
	flags.StringVar(&o.peerURL, "peer-url", "", "base URL of the PostgreSQL peer's HTTP server (reachpeer serve): measure it over HTTP")
	flags.StringVar(&o.compareURL, "compare-url", "", "base URL of another reach, such as an older revision's: measure it beside reach with the same mix (reach-before)")
	flags.StringVar(&o.compareMailbox, "compare-mailbox", pathConversations, "the path of the mailbox page of the reach at --compare-url: "+pathInbox+" for a revision before conversations")
	flags.StringVar(&o.compareRev, "compare-rev", "", "what the reach at --compare-url was built from, such as a git revision, for the report")
	flags.IntVar(&o.pgPool, "postgres-pool", pgpeer.DefaultPoolSize, "connections of the peer's pool, through pgx")
	flags.StringVar(&o.only, "systems", "", "measure only these systems, comma-separated (reach, reach-before, reach-reachability-alone, reach-fully-consistent, reach-at-least-as-fresh, http-floor, baseline, postgres, postgres-http)")
	processes := flags.String("processes", "", "the servers' process ids, as reach=PID,reach-before=PID,neo4j=PID,postgres=PID,peer=PID: report the processor time each answer took")
	o.sweep.flags(flags)
	if err := flags.Parse(args); err != nil {
		return err
	}
	var err error
	if o.processes, err = bench.ParseProcesses(*processes); err != nil {
		return fmt.Errorf("--processes: %w", err)
	}
	secret := os.Getenv("REACH_JWT_SECRET")
	if secret == "" {
		return errors.New("REACH_JWT_SECRET is not set")
	}
	store, err := neo4jstore.Open(ctx, neo4jstore.Config{
		URI: os.Getenv("NEO4J_URI"), User: os.Getenv("NEO4J_USER"),
		Password: os.Getenv("NEO4J_PASSWORD"), Database: os.Getenv("NEO4J_DATABASE"),
	})
	if err != nil {
		return err
	}
	defer store.Close(context.Background())
	var peer *pgpeer.Peer
	if o.postgres != "" {
		if peer, err = pgpeer.Open(ctx, o.postgres, pgpeer.Options{PoolSize: o.pgPool}); err != nil {
			return err
		}
		defer peer.Close()
	}
	m, err := machine(ctx, store, peer, o)
	if err != nil {
		return err
	}
	pairs, err := drawPairs(ctx, o, store, out)
	if err != nil || o.drawOnly {
		return err
	}
	systems := newSystems(o, []byte(secret), store, peer, pairs)
	if err := os.MkdirAll(o.out, 0o755); err != nil {
		return err
	}
	if o.sweep.on {
		return runSweep(ctx, o, m, pairs, systems, out)
	}
	return runBench(ctx, o, m, pairs, systems, out)
}

// runBench measures every system at the rate offered to reach, each at the same rate of each
// operation it answers, and writes results.json and latency.png. The measured time is cut into
// rounds, and the systems take turns, one round each, so that a neighbour's load on the machine
// falls on all of them alike; each system's rounds are then merged. Who goes first moves on by
// one each round (turns), so that no system always follows another's load.
func runBench(ctx context.Context, o options, m bench.Machine, pairs bench.Pairs, systems []system, out io.Writer) error {
	report := &bench.Report{When: time.Now().UTC(), Machine: m, Rate: o.rate, Duration: o.duration.String(),
		Concurrency: o.concurrency, Mix: map[string]float64{}, Pairs: pairs.Counts()}
	if o.settle > 0 {
		report.Settle = o.settle.String()
	}
	if o.compareURL != "" {
		report.Before = cmp.Or(o.compareRev, o.compareURL)
	}
	for _, op := range mix {
		report.Mix[op.name] = op.weight / 100
	}
	rounds := max(o.rounds, 1)
	if o.settle > 0 {
		rounds = 1 // the settling time counts from the start
	}
	report.Rounds = rounds
	span := o.duration / time.Duration(rounds)
	load := func(s system, warmup, duration time.Duration, round int) bench.Load {
		return bench.Load{Rate: o.rate * s.share(), Warmup: warmup, Duration: duration, Concurrency: o.concurrency,
			Settle: o.settle, Seed: o.seed + uint64(round)}
	}
	// Warm every system before measuring any, so that none pays alone for a cold cache.
	fmt.Fprintf(out, "warming up each system for %s...\n", o.warmup)
	for _, s := range systems {
		load(s, o.warmup, 0, 0).Run(ctx, s.mixOps())
	}
	for _, s := range systems {
		fmt.Fprintf(out, "%s: %.0f requests/s of %s\n", s.name, o.rate*s.share(), s.runs(bench.WorkloadMix))
	}
	measured := make([][][]bench.Measured, len(systems))
	costs := make([]cpuMeter, len(systems))
	for r := range rounds {
		lead := o.lead
		if o.settle > 0 {
			lead = 0
		}
		fmt.Fprintf(out, "round %d of %d: %s of each system after %s of warm-up...\n", r+1, rounds, span, lead)
		for _, i := range turns(len(systems), r) {
			s := systems[i]
			if ctx.Err() != nil {
				break
			}
			if o.settle == 0 {
				load(s, o.lead, 0, r+1).Run(ctx, s.mixOps())
			}
			costs[i].start(o.processes)
			ms := load(s, 0, span, r+1).Run(ctx, s.mixOps())
			costs[i].stop(o.processes, s.roles, ms)
			measured[i] = append(measured[i], ms)
		}
	}
	for i, s := range systems {
		report.Results = append(report.Results, label(bench.Merge(measured[i], span), s.name)...)
		if len(o.processes) > 0 {
			report.CPU = append(report.CPU, costs[i].cost(s.name))
		}
	}
	report.Compare()
	fmt.Fprintln(out)
	report.Print(out)
	results, chart := filepath.Join(o.out, "results.json"), filepath.Join(o.out, "latency.png")
	if err := report.WriteJSON(results); err != nil {
		return err
	}
	if err := report.WriteChart(chart); err != nil {
		return err
	}
	fmt.Fprintf(out, "\nwrote %s and %s\n", results, chart)
	return ctx.Err()
}

// drawPairs draws the pairs the requests ask about, or reads those --pairs-file holds; a file
// named but absent is written with the pairs drawn, so that later runs ask about the same.
func drawPairs(ctx context.Context, o options, store *neo4jstore.Store, out io.Writer) (bench.Pairs, error) {
	var pairs bench.Pairs
	if o.pairsFile != "" {
		b, err := os.ReadFile(o.pairsFile)
		if err == nil {
			err = json.Unmarshal(b, &pairs)
			fmt.Fprintf(out, "pairs from %s: %v\n", o.pairsFile, pairs.Counts())
			return pairs, err
		}
		if !errors.Is(err, fs.ErrNotExist) {
			return nil, err
		}
	}
	fmt.Fprintf(out, "drawing %d pairs of each kind...\n", o.perKind)
	s := sampler{store, baseline.NewBaseline(store)}
	pairs, err := bench.DrawPairs(ctx, s, o.perKind, rand.New(rand.NewPCG(o.seed, 7)))
	if err == nil {
		err = pairs.DrawMailboxes(ctx, s, o.perKind)
	}
	if err != nil {
		return nil, err
	}
	fmt.Fprintf(out, "pairs: %v\n", pairs.Counts())
	if o.pairsFile == "" {
		return pairs, nil
	}
	b, err := json.Marshal(pairs)
	if err != nil {
		return nil, err
	}
	return pairs, os.WriteFile(o.pairsFile, b, 0o644)
}

// cpuMeter adds up the processor time a system's processes and the load generator used during
// its measured rounds, and the answers they gave.
type cpuMeter struct {
	before             map[string]time.Duration
	compilersBefore    bench.Compilers
	self               time.Duration
	servers, compilers map[string]time.Duration
	client             time.Duration
	requests           int
}

func (c *cpuMeter) start(p bench.Processes) {
	c.before, c.compilersBefore, c.self = p.CPU(), p.Compilers(), bench.SelfCPU()
}

func (c *cpuMeter) stop(p bench.Processes, roles []string, ms []bench.Measured) {
	after, compilers := p.CPU(), p.Compilers().Since(c.compilersBefore)
	if c.servers == nil {
		c.servers, c.compilers = map[string]time.Duration{}, map[string]time.Duration{}
	}
	for _, role := range roles {
		if _, ok := p[role]; ok {
			c.servers[role] += after[role] - c.before[role]
		}
		if d, jvm := compilers[role]; jvm {
			c.compilers[role] += d
		}
	}
	c.client += bench.SelfCPU() - c.self
	for _, m := range ms {
		c.requests += m.Requests
	}
}

// cost is the time per answer, in milliseconds.
func (c *cpuMeter) cost(system string) bench.CPUCost {
	per := func(d time.Duration) float64 {
		return float64(d) / float64(time.Millisecond) / float64(max(c.requests, 1))
	}
	out := bench.CPUCost{System: system, Requests: c.requests, Servers: map[string]float64{}, Client: per(c.client)}
	for role, d := range c.servers {
		out.Servers[role] = per(d)
	}
	for role, d := range c.compilers {
		if out.Compilers == nil {
			out.Compilers = map[string]float64{}
		}
		out.Compilers[role] = per(d)
	}
	return out
}

func label(ms []bench.Measured, system string) []bench.Measured {
	for i := range ms {
		ms[i].System = system
	}
	return ms
}

// machine describes where the run happens: cores, the processor and the yardstick of its speed
// (taken here, as the run begins, beside whatever the servers are still doing), Neo4j's and
// PostgreSQL's memory and the size of the graph.
func machine(ctx context.Context, store *neo4jstore.Store, peer *pgpeer.Peer, o options) (bench.Machine, error) {
	m := bench.Machine{Cores: runtime.NumCPU(), LoadAverage: bench.LoadAverage(), Neo4jHeap: o.heap, Neo4jPageCache: o.cache,
		Processor: bench.ProcessorModel(), Yardstick: bench.Yardstick()}
	settings, err := baseline.NewBaseline(store).Neo4jMemory(ctx)
	if err != nil {
		return m, err
	}
	if v := settings["server.memory.heap.max_size"]; m.Neo4jHeap == "" && v != "" {
		m.Neo4jHeap = v
	}
	if v := settings["server.memory.pagecache.size"]; m.Neo4jPageCache == "" && v != "" {
		m.Neo4jPageCache = v
	}
	if peer != nil {
		if m.PostgresVersion, m.PostgresSharedBuffers, err = peer.Server(ctx); err != nil {
			return m, err
		}
	}
	size, err := baseline.NewBaseline(store).Size(ctx)
	m.Members, m.Connections = size.Members, size.Connections
	return m, err
}

// sampler draws pairs with the baseline's sampling statements and the store's relations.
type sampler struct {
	*neo4jstore.Store
	*baseline.Baseline
}

// turns is the order in which n systems take their turns in round r: from system r mod n on,
// so that each round a different one goes first.
func turns(n, r int) []int {
	order := make([]int, n)
	for k := range order {
		order[k] = (r + k) % n
	}
	return order
}

// Command reachbench measures reach under an open-loop load, over HTTP through the real service,
// and, in the same run on the same graph, the baseline a team would write without reach
// (shortestPath and separate queries straight through the Go driver).
//
//	reachbench [--url http://127.0.0.1:8089] [--rate 500] [--duration 60s] [--out bench]
//
// It reads NEO4J_URI, NEO4J_USER, NEO4J_PASSWORD and NEO4J_DATABASE to draw pairs and run the
// baseline, and REACH_JWT_SECRET to sign the requests' tokens. It prints a table and writes
// results.json and latency.png to --out.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/reach-network/reach/api"
	"github.com/reach-network/reach/bench"
	"github.com/reach-network/reach/graph"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "reachbench:", err)
		os.Exit(1)
	}
}

// The mix of operations sent to reach; the baseline answers the first two.
var mix = []struct {
	op     string
	weight float64
}{{"reachability", 60}, {"mutual-connections", 25}, {"inbox", 10}, {"send", 5}}

type options struct {
	url         string
	rate        float64
	duration    time.Duration
	warmup      time.Duration
	concurrency int
	perKind     int
	seed        uint64
	out         string
	baseline    bool
	heap, cache string
}

func run(ctx context.Context, args []string, out io.Writer) error {
	var o options
	fs := flag.NewFlagSet("reachbench", flag.ContinueOnError)
	fs.StringVar(&o.url, "url", "http://127.0.0.1:8089", "base URL of the reach under test")
	fs.Float64Var(&o.rate, "rate", 500, "requests per second offered to reach")
	fs.DurationVar(&o.duration, "duration", 60*time.Second, "measured time of each phase")
	fs.DurationVar(&o.warmup, "warmup", 10*time.Second, "unmeasured time before each phase")
	fs.IntVar(&o.concurrency, "concurrency", 32, "requests in flight at most; more only queue inside Neo4j on a small machine, and waiting here still counts as latency")
	fs.IntVar(&o.perKind, "pairs", 200, "pairs drawn of each kind")
	fs.Uint64Var(&o.seed, "seed", 1, "seed of the requests sent")
	fs.StringVar(&o.out, "out", "bench", "folder for results.json and latency.png")
	fs.BoolVar(&o.baseline, "baseline", true, "also measure the baseline")
	fs.StringVar(&o.heap, "neo4j-heap", os.Getenv("REACH_NEO4J_HEAP"), "Neo4j heap, for the report")
	fs.StringVar(&o.cache, "neo4j-pagecache", os.Getenv("REACH_NEO4J_PAGECACHE"), "Neo4j page cache, for the report")
	if err := fs.Parse(args); err != nil {
		return err
	}
	secret := os.Getenv("REACH_JWT_SECRET")
	if secret == "" {
		return errors.New("REACH_JWT_SECRET is not set")
	}
	store, err := graph.Open(ctx, graph.Config{
		URI: os.Getenv("NEO4J_URI"), User: os.Getenv("NEO4J_USER"),
		Password: os.Getenv("NEO4J_PASSWORD"), Database: os.Getenv("NEO4J_DATABASE"),
	})
	if err != nil {
		return err
	}
	defer store.Close(context.Background())

	report := &bench.Report{When: time.Now().UTC(), Rate: o.rate, Duration: o.duration.String(), Mix: map[string]float64{}}
	for _, m := range mix {
		report.Mix[m.op] = m.weight / 100
	}
	if report.Machine, err = machine(ctx, store, o); err != nil {
		return err
	}
	fmt.Fprintf(out, "drawing %d pairs of each kind...\n", o.perKind)
	pairs, err := bench.DrawPairs(ctx, store, o.perKind, rand.New(rand.NewPCG(o.seed, 7)))
	if err != nil {
		return err
	}
	report.Pairs = pairs.Counts()
	fmt.Fprintf(out, "pairs: %v\n", report.Pairs)

	c := &caller{url: strings.TrimRight(o.url, "/"), secret: []byte(secret), http: &http.Client{
		Timeout:   10 * time.Second,
		Transport: &http.Transport{MaxIdleConns: o.concurrency, MaxIdleConnsPerHost: o.concurrency},
	}}
	reachLoad := bench.Load{Rate: o.rate, Warmup: o.warmup, Duration: o.duration, Concurrency: o.concurrency, Seed: o.seed}
	// The baseline gets the same rate of each operation it answers as reach does.
	baseLoad := reachLoad
	baseLoad.Rate = o.rate * (mix[0].weight + mix[1].weight) / 100
	base := baselineOps(store.Baseline(), pairs)
	if o.baseline {
		// Warm both before measuring either, so that neither pays alone for a cold page cache.
		fmt.Fprintf(out, "warming up both for %s each...\n", o.warmup)
		warm := func(l bench.Load) bench.Load { l.Duration = 0; return l }
		warm(reachLoad).Run(ctx, c.ops(pairs))
		warm(baseLoad).Run(ctx, base)
	}
	fmt.Fprintf(out, "reach: %.0f requests/s for %s after %s of warm-up...\n", reachLoad.Rate, o.duration, o.warmup)
	report.Results = append(report.Results, label(reachLoad.Run(ctx, c.ops(pairs)), "reach")...)
	if o.baseline && ctx.Err() == nil {
		fmt.Fprintf(out, "baseline: %.0f requests/s for %s after %s of warm-up...\n", baseLoad.Rate, o.duration, o.warmup)
		report.Results = append(report.Results, label(baseLoad.Run(ctx, base), "baseline")...)
	}
	report.Compare()
	fmt.Fprintln(out)
	report.Print(out)
	if err := os.MkdirAll(o.out, 0o755); err != nil {
		return err
	}
	if err := report.WriteJSON(filepath.Join(o.out, "results.json")); err != nil {
		return err
	}
	if err := report.WriteChart(filepath.Join(o.out, "latency.png")); err != nil {
		return err
	}
	fmt.Fprintf(out, "\nwrote %s and %s\n", filepath.Join(o.out, "results.json"), filepath.Join(o.out, "latency.png"))
	return nil
}

func label(ms []bench.Measured, system string) []bench.Measured {
	for i := range ms {
		ms[i].System = system
	}
	return ms
}

// machine describes where the run happens: cores, Neo4j memory and the size of the graph.
func machine(ctx context.Context, store *graph.Store, o options) (bench.Machine, error) {
	m := bench.Machine{Cores: runtime.NumCPU(), Neo4jHeap: o.heap, Neo4jPageCache: o.cache}
	settings, err := store.Neo4jMemory(ctx)
	if err != nil {
		return m, err
	}
	if v := settings["server.memory.heap.max_size"]; m.Neo4jHeap == "" && v != "" {
		m.Neo4jHeap = v
	}
	if v := settings["server.memory.pagecache.size"]; m.Neo4jPageCache == "" && v != "" {
		m.Neo4jPageCache = v
	}
	size, err := store.Size(ctx)
	m.Members, m.Connections = size.Members, size.Connections
	return m, err
}

// caller sends the benchmark's requests to reach, each with the token of the member it acts as.
type caller struct {
	url    string
	secret []byte
	http   *http.Client
	tokens sync.Map // member id → token
}

func (c *caller) token(id string) string {
	if t, ok := c.tokens.Load(id); ok {
		return t.(string)
	}
	t, err := api.IssueToken(c.secret, id, false, 24*time.Hour)
	if err != nil {
		panic(err) // ids come from the graph and are valid
	}
	c.tokens.Store(id, t)
	return t
}

// do sends one request and fails unless the answer's status is one of want.
func (c *caller) do(ctx context.Context, method, path, as, body string, want ...int) error {
	var r io.Reader
	if body != "" {
		r = strings.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.url+path, r)
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+c.token(as))
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	res, err := c.http.Do(req)
	if err != nil {
		return err
	}
	defer res.Body.Close()
	_, _ = io.Copy(io.Discard, res.Body)
	for _, w := range want {
		if res.StatusCode == w {
			return nil
		}
	}
	return fmt.Errorf("%s %s: status %d", method, path, res.StatusCode)
}

// ops are the requests sent to reach, weighted by the mix.
func (c *caller) ops(p bench.Pairs) []bench.Op {
	all := bench.Kinds
	do := map[string]func(ctx context.Context, rng *rand.Rand) error{
		"reachability": func(ctx context.Context, rng *rand.Rand) error {
			pair := p.Pick(rng, all...)
			return c.do(ctx, http.MethodGet, "/v1/members/"+pair[1]+"/reachability", pair[0], "", http.StatusOK)
		},
		"mutual-connections": func(ctx context.Context, rng *rand.Rand) error {
			pair := p.Pick(rng, all...)
			return c.do(ctx, http.MethodGet, "/v1/members/"+pair[1]+"/mutual-connections", pair[0], "", http.StatusOK)
		},
		"inbox": func(ctx context.Context, rng *rand.Rand) error {
			pair := p.Pick(rng, all...)
			return c.do(ctx, http.MethodGet, "/v1/inbox", pair[0], "", http.StatusOK)
		},
		"send": func(ctx context.Context, rng *rand.Rand) error {
			// Mostly messages to connections; the rest InMails, which the rules may refuse.
			pair := p.Pick(rng, bench.KindFirst)
			if rng.IntN(5) == 0 {
				pair = p.Pick(rng, bench.KindSecond, bench.KindThird, bench.KindOutOfNetwork)
			}
			body := fmt.Sprintf(`{"to": %q, "body": "Benchmark message %d"}`, pair[1], rng.Uint64())
			return c.do(ctx, http.MethodPost, "/v1/messages", pair[0], body,
				http.StatusCreated, http.StatusForbidden, http.StatusTooManyRequests)
		},
	}
	ops := make([]bench.Op, 0, len(mix))
	for _, m := range mix {
		ops = append(ops, bench.Op{Name: m.op, Weight: m.weight, Do: do[m.op]})
	}
	return ops
}

// baselineOps are the baseline's answers to the first two operations of the mix.
func baselineOps(b *graph.Baseline, p bench.Pairs) []bench.Op {
	all := bench.Kinds
	return []bench.Op{
		{Name: "reachability", Weight: mix[0].weight, Do: func(ctx context.Context, rng *rand.Rand) error {
			pair := p.Pick(rng, all...)
			_, err := b.Reachability(ctx, pair[0], pair[1])
			return err
		}},
		{Name: "mutual-connections", Weight: mix[1].weight, Do: func(ctx context.Context, rng *rand.Rand) error {
			pair := p.Pick(rng, all...)
			_, err := b.MutualConnections(ctx, pair[0], pair[1], 20)
			return err
		}},
	}
}

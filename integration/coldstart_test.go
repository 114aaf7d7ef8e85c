package integration

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/reach-network/reach/api"
	"github.com/reach-network/reach/bench"
	"github.com/reach-network/reach/seed"
)

// TestColdStart starts `reach serve` with no snapshot beside a Neo4j just restarted (its caches
// cold) and, from the moment reach is alive, offers it the mix open loop, with no cap on requests
// in flight, as members would. It checks the promise of a start: every request is answered, with
// no 5xx but 503 with Retry-After, and those only until /readyz first says ready; from then on
// nothing is shed and nothing fails. Latency under this load is for the benchmark to measure
// (make bench's cold run), not for a test.
func TestColdStart(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a reach process under load")
	}
	g, err := seed.Generate(seed.Spec{Members: 3000, AvgDegree: 20, Seed: 5, IDPrefix: ids(t)("c")}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := g.Import(context.Background(), env.store, seed.ImportOptions{BatchSize: 1000, Workers: 2}); err != nil {
		t.Fatal(err)
	}
	if stop, start := neo4jControl(t); stop != nil {
		stop()
		start()
	}
	reach := startReach(t, env.neo4jURI, map[string]string{
		"REACH_RATE_LIMIT": "1000000", "REACH_RATE_BURST": "1000000", "REACH_PROJECTION_SNAPSHOT": "",
	})
	var readyAt atomic.Int64 // nanoseconds after the load began that /readyz first said 200
	began := time.Now()
	watch, stopWatching := context.WithCancel(context.Background())
	defer stopWatching()
	go watchReady(watch, reach.url, began, &readyAt)

	ops := coldMix(reach.url, g)
	got := bench.Load{Rate: 150, Duration: 15 * time.Second, Seed: 3}.Run(context.Background(), ops)
	ready := time.Duration(readyAt.Load())
	if ready == 0 {
		t.Fatalf("/readyz never said ready in 15 s of load")
	}
	t.Logf("ready %s after the load began", ready.Round(time.Millisecond))
	for _, m := range got {
		t.Logf("%s: %d answered (p50 %.1f ms, p99 %.1f ms, max %.0f ms), %d shed (last due at %.1f s), %d failed",
			m.Op, m.Requests, m.P50, m.P99, m.Max, m.Shed, m.LastShed/1000, m.Errors)
		if m.Errors > 0 {
			t.Errorf("%s: %d requests failed: answered neither as expected nor 503 with Retry-After", m.Op, m.Errors)
		}
		if m.Shed > 0 && time.Duration(float64(m.LastShed)*float64(time.Millisecond)) > ready {
			t.Errorf("%s: a request due %.1f s into the load was shed, after reach was ready at %s", m.Op, m.LastShed/1000, ready)
		}
	}
}

// watchReady polls /readyz until it first answers 200, and records when, counted from began.
func watchReady(ctx context.Context, url string, began time.Time, at *atomic.Int64) {
	for ctx.Err() == nil {
		if res, err := http.Get(url + "/readyz"); err == nil {
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				at.Store(int64(time.Since(began)))
				return
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// coldMix is the benchmark's mix of requests, on members of g: reachability, mutual connections,
// inbox pages and sends to connections.
func coldMix(url string, g *seed.Generated) []bench.Op {
	client := &http.Client{Timeout: 10 * time.Second}
	c := g.Counts()
	do := func(ctx context.Context, as, method, path, body string, want ...int) error {
		var r io.Reader
		if body != "" {
			r = strings.NewReader(body)
		}
		req, err := http.NewRequestWithContext(ctx, method, url+path, r)
		if err != nil {
			return err
		}
		req.Header.Set("Authorization", "Bearer "+tokenOf(as))
		req.Header.Set("Content-Type", "application/json")
		res, err := client.Do(req)
		if err != nil {
			return err
		}
		defer res.Body.Close()
		_, _ = io.Copy(io.Discard, res.Body)
		if res.StatusCode == http.StatusServiceUnavailable && res.Header.Get("Retry-After") != "" {
			return bench.ErrShed
		}
		for _, w := range want {
			if res.StatusCode == w {
				return nil
			}
		}
		return fmt.Errorf("%s %s: status %d", method, path, res.StatusCode)
	}
	pair := func(rng *rand.Rand) (string, string) {
		return g.ID(rng.IntN(c.Members)), g.ID(rng.IntN(c.Members))
	}
	return []bench.Op{
		{Name: "reachability", Weight: 60, Do: func(ctx context.Context, rng *rand.Rand) error {
			a, b := pair(rng)
			return do(ctx, a, http.MethodGet, "/v1/members/"+b+"/reachability", "", http.StatusOK, http.StatusNotFound)
		}},
		{Name: "mutual-connections", Weight: 25, Do: func(ctx context.Context, rng *rand.Rand) error {
			a, b := pair(rng)
			return do(ctx, a, http.MethodGet, "/v1/members/"+b+"/mutual-connections", "", http.StatusOK, http.StatusNotFound)
		}},
		{Name: "inbox", Weight: 10, Do: func(ctx context.Context, rng *rand.Rand) error {
			a, _ := pair(rng)
			return do(ctx, a, http.MethodGet, "/v1/inbox", "", http.StatusOK)
		}},
		{Name: "send", Weight: 5, Do: func(ctx context.Context, rng *rand.Rand) error {
			conn := g.Connection(rng.IntN(c.Connections))
			body := fmt.Sprintf(`{"to": %q, "body": "cold start %d"}`, conn.B, rng.Uint64())
			return do(ctx, conn.A, http.MethodPost, "/v1/messages", body,
				http.StatusCreated, http.StatusForbidden, http.StatusNotFound, http.StatusTooManyRequests)
		}},
	}
}

// tokenOf is a member's token, for requests sent where no test may fail (a load's goroutines).
func tokenOf(id string) string {
	tok, err := api.IssueToken(testSecret, id, false, time.Hour)
	if err != nil {
		panic(err) // the ids are the generator's, all valid
	}
	return tok
}

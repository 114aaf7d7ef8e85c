package main

import (
	"context"
	"maps"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/reach-network/reach/bench"
)

// TestEachSystemGetsReachsRateOfWhatItAnswers checks that a system answering part of the mix is
// offered the same rate of each of its operations as reach, and says what it runs.
func TestEachSystemGetsReachsRateOfWhatItAnswers(t *testing.T) {
	nop := func(context.Context, *rand.Rand) error { return nil }
	reach := system{name: bench.SystemReach, how: "over HTTP", ops: map[string]do{"reachability": nop, "mutual-connections": nop, "mailbox": nop, "mailbox-largest": nop, "send": nop}}
	baseline := system{name: bench.SystemBaseline, how: "through the Neo4j driver", ops: map[string]do{"reachability": nop, "mutual-connections": nop}}
	peer := system{name: bench.SystemPostgres, how: "through pgx", ops: map[string]do{"reachability": nop}}
	for _, c := range []struct {
		s     system
		share float64
		runs  string
	}{
		{reach, 1, "the 60/25/5/5/5 mix over HTTP"},
		{baseline, .85, "reachability and mutual-connections 60:25"},
		{peer, .6, "reachability only (all it implements) through pgx"},
	} {
		if got := c.s.share(); got < c.share-1e-9 || got > c.share+1e-9 {
			t.Errorf("%s: share %.2f, want %.2f", c.s.name, got, c.share)
		}
		if got := c.s.runs(bench.WorkloadMix); !strings.Contains(got, c.runs) {
			t.Errorf("%s runs %q, want it to say %q", c.s.name, got, c.runs)
		}
		var weight float64
		for _, op := range c.s.mixOps() {
			weight += op.Weight
		}
		if weight != c.share*100 {
			t.Errorf("%s: ops weigh %.0f in all, want %.0f", c.s.name, weight, c.share*100)
		}
	}
}

// TestReachBeforeRunsReachsMixAtItsOwnURL checks that the reach at --compare-url is measured as
// reach-before: the same ops as reach, sent to its own server, its processor time its own, and
// its turn right after reach's, its mailbox pages at --compare-mailbox.
func TestReachBeforeRunsReachsMixAtItsOwnURL(t *testing.T) {
	var paths sync.Map // path → true
	server := func(hits *atomic.Int64) *httptest.Server {
		s := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			hits.Add(1)
			paths.Store(r.URL.Path, true)
			if r.Method == http.MethodPost {
				w.WriteHeader(http.StatusCreated)
			}
		}))
		t.Cleanup(s.Close)
		return s
	}
	var now, before atomic.Int64
	o := options{url: server(&now).URL, compareURL: server(&before).URL + "/", compareMailbox: pathInbox, concurrency: 2}
	pairs := bench.Pairs{bench.KindFirst: {{"m1", "m2"}}, bench.KindSecond: {{"m1", "m3"}}}
	systems := newSystems(o, []byte("secret"), nil, nil, pairs)
	if len(systems) < 2 || systems[0].name != bench.SystemReach || systems[1].name != bench.SystemReachBefore {
		var names []string
		for _, s := range systems {
			names = append(names, s.name)
		}
		t.Fatalf("systems %v, want reach then reach-before", names)
	}
	reach, cmp := systems[0], systems[1]
	if !slices.Equal(slices.Sorted(maps.Keys(cmp.ops)), slices.Sorted(maps.Keys(reach.ops))) || cmp.share() != 1 {
		t.Errorf("reach-before answers %v at share %.2f, want reach's %v", slices.Sorted(maps.Keys(cmp.ops)), cmp.share(),
			slices.Sorted(maps.Keys(reach.ops)))
	}
	if !slices.Contains(cmp.roles, bench.SystemReachBefore) || slices.Contains(cmp.roles, "reach") {
		t.Errorf("reach-before's processor time is that of %v", cmp.roles)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for name, do := range cmp.ops {
		if err := do(context.Background(), rng); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
	if before.Load() != int64(len(cmp.ops)) || now.Load() != 0 {
		t.Errorf("reach-before's requests went %d to its server and %d to reach's, want %d and 0", before.Load(), now.Load(), len(cmp.ops))
	}
	if _, ok := paths.Load(pathInbox); !ok {
		t.Errorf("reach-before's mailbox pages were not asked of %s", pathInbox)
	}
	if only := newSystems(options{url: o.url, concurrency: 2}, []byte("secret"), nil, nil, pairs); slices.ContainsFunc(only,
		func(s system) bool { return s.name == bench.SystemReachBefore }) {
		t.Error("reach-before was measured without --compare-url")
	}
}

func TestSweepRatesMustRise(t *testing.T) {
	if rates, err := parseRates("100, 200,400"); err != nil || len(rates) != 3 || rates[2] != 400 {
		t.Errorf("100,200,400: %v %v", rates, err)
	}
	for _, bad := range []string{"", "100,100", "200,100", "100,x", "-5"} {
		if _, err := parseRates(bad); err == nil {
			t.Errorf("%q was taken as rates", bad)
		}
	}
}

// TestLowRateStepsOfTheMixLastLonger checks that a step measures enough requests of the mix's
// rarest op for a p99, and that steps of one op keep their length.
func TestLowRateStepsOfTheMixLastLonger(t *testing.T) {
	o := sweepOptions{step: 10 * time.Second, samples: 200}
	nop := func(context.Context, *rand.Rand) error { return nil }
	mixOps := []bench.Op{{Name: "reachability", Weight: 60, Do: nop}, {Name: "send", Weight: 5, Do: nop}, {Name: "inbox", Weight: 35, Do: nop}}
	if d := stepDuration(o, 100, mixOps); d != 40*time.Second {
		t.Errorf("mix at 100/s: %s, want 40s for 200 sends at 5/s", d)
	}
	if d := stepDuration(o, 1000, mixOps); d != 10*time.Second {
		t.Errorf("mix at 1000/s: %s, want the step's 10s", d)
	}
	if d := stepDuration(o, 100, mixOps[:1]); d != 10*time.Second {
		t.Errorf("one op at 100/s: %s, want the step's 10s", d)
	}
}

// TestTurnsMoveTheFirstPlace checks that over as many rounds as systems, each system goes first
// once and every round measures every system once.
func TestTurnsMoveTheFirstPlace(t *testing.T) {
	for n := 1; n <= 4; n++ {
		all := make([]int, n)
		for i := range all {
			all[i] = i
		}
		first := map[int]int{}
		for r := range n {
			order := turns(n, r)
			if !slices.Equal(slices.Sorted(slices.Values(order)), all) {
				t.Fatalf("round %d of %d systems measures %v", r, n, order)
			}
			first[order[0]]++
		}
		if len(first) != n {
			t.Errorf("%d systems over %d rounds: first places %v, want each once", n, n, first)
		}
	}
}

// TestUntilQuietWaitsForTheCompilers checks that the sweep's wait for the JIT compilers runs rounds
// until one finds them at or below the share, gives up once its time has passed, and counts
// nothing from a round the run's end cut short.
func TestUntilQuietWaitsForTheCompilers(t *testing.T) {
	shares := []float64{0.9, 0.4, 0.2, 0.04, 0.01}
	rounds := 0
	next := func() float64 { rounds++; return shares[min(rounds, len(shares))-1] }
	if last, quiet := untilQuiet(context.Background(), time.Minute, 0.05, next); !quiet || rounds != 4 || last != 0.04 {
		t.Errorf("quiet %v at %v after %d rounds, want after 4 (the first at or below 0.05)", quiet, last, rounds)
	}
	rounds = 0
	busy := func() float64 { rounds++; time.Sleep(5 * time.Millisecond); return 0.5 }
	if _, quiet := untilQuiet(context.Background(), 20*time.Millisecond, 0.05, busy); quiet || rounds < 2 {
		t.Errorf("compilers that never quieten: quiet %v, or gave up after %d rounds", quiet, rounds)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cut := func() float64 { cancel(); return 0 } // the run ends during the round, which measured little
	if _, quiet := untilQuiet(ctx, time.Minute, 0.05, cut); quiet {
		t.Error("quiet after a round the run's end cut short")
	}
}

package main

import (
	"context"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/reach-network/reach/bench"
)

// TestEachSystemGetsReachsRateOfWhatItAnswers checks that a system answering part of the mix is
// offered the same rate of each of its operations as reach, and says what it runs.
func TestEachSystemGetsReachsRateOfWhatItAnswers(t *testing.T) {
	nop := func(context.Context, *rand.Rand) error { return nil }
	reach := system{name: bench.SystemReach, how: "over HTTP", ops: map[string]do{"reachability": nop, "mutual-connections": nop, "inbox": nop, "send": nop}}
	baseline := system{name: bench.SystemBaseline, how: "through the Neo4j driver", ops: map[string]do{"reachability": nop, "mutual-connections": nop}}
	peer := system{name: bench.SystemPostgres, how: "through pgx", ops: map[string]do{"reachability": nop}}
	for _, c := range []struct {
		s     system
		share float64
		runs  string
	}{
		{reach, 1, "the 60/25/10/5 mix over HTTP"},
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

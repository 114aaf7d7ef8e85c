package bench

import (
	"context"
	"errors"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"
)

// TestOpenLoop checks that the load generator keeps its arrival rate while answers are slow, and
// counts the wait behind a stall as latency rather than hiding it.
func TestOpenLoop(t *testing.T) {
	var calls atomic.Int64
	stall := func(ctx context.Context, rng *rand.Rand) error {
		if calls.Add(1) == 10 {
			time.Sleep(300 * time.Millisecond) // one slow answer while only one may be in flight
		}
		return nil
	}
	fails := func(ctx context.Context, rng *rand.Rand) error { return errors.New("no") }
	load := Load{Rate: 200, Duration: time.Second, Concurrency: 1, Seed: 1}
	got := load.Run(context.Background(), []Op{{Name: "stall", Weight: 3, Do: stall}, {Name: "fail", Weight: 1, Do: fails}})
	if got[0].Requests+got[1].Requests != 200 {
		t.Fatalf("%d + %d requests, want 200 at 200/s for 1s", got[0].Requests, got[1].Requests)
	}
	if got[0].Requests < 120 || got[0].Requests > 180 {
		t.Errorf("mix: %d of 200 were the op of weight 3 in 4", got[0].Requests)
	}
	if got[1].Errors != got[1].Requests {
		t.Errorf("errors %d of %d", got[1].Errors, got[1].Requests)
	}
	// Requests queued behind the 300 ms stall waited from their intended time: with one in flight,
	// dozens of them must show latencies near the stall, and the maximum must include it.
	if got[0].Max < 250 || got[0].P95 < 50 {
		t.Errorf("a stall is hidden: p95 %.1f ms, max %.1f ms", got[0].P95, got[0].Max)
	}
}

func TestReportOutputs(t *testing.T) {
	r := &Report{Rate: 100, Results: []Measured{
		{Op: "reachability", System: "reach", P50: 1, P95: 2, P99: 4},
		{Op: "reachability", System: "baseline", P50: 3, P95: 9, P99: 20},
		{Op: "inbox", System: "reach", P50: 2, P95: 3, P99: 5},
	}}
	r.Compare()
	if len(r.Ratios) != 1 || r.Ratios[0].P50 != 3 || r.Ratios[0].P99 != 5 {
		t.Fatalf("ratios %+v", r.Ratios)
	}
	dir := t.TempDir()
	if err := r.WriteJSON(filepath.Join(dir, "results.json")); err != nil {
		t.Fatal(err)
	}
	if err := r.WriteChart(filepath.Join(dir, "latency.png")); err != nil {
		t.Fatal(err)
	}
	if st, err := os.Stat(filepath.Join(dir, "latency.png")); err != nil || st.Size() < 1000 {
		t.Fatalf("chart: %v %v", st, err)
	}
}

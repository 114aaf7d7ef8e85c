package bench

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
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

// TestNoCapInFlight checks that a load with no cap keeps sending while earlier requests are
// still unanswered, as independent members do: 64 requests must be in flight at once.
func TestNoCapInFlight(t *testing.T) {
	var inFlight atomic.Int64
	all := make(chan struct{})
	wait := func(ctx context.Context, rng *rand.Rand) error {
		if inFlight.Add(1) == 64 {
			close(all)
		}
		select {
		case <-all:
			return nil
		case <-time.After(2 * time.Second):
			return errors.New("fewer than 64 in flight")
		}
	}
	got := Load{Rate: 200, Duration: 320 * time.Millisecond, Seed: 1}.Run(context.Background(), []Op{{Name: "wait", Weight: 1, Do: wait}})
	if got[0].Requests != 64 || got[0].Errors != 0 {
		t.Fatalf("%d requests, %d errors: the load capped what was in flight", got[0].Requests, got[0].Errors)
	}
}

// TestShedAndSettled checks that answers shed with 503 and Retry-After are counted apart from
// failures and left out of latencies, that the last one's time is kept, and that Settle sums up
// only what was due after it.
func TestShedAndSettled(t *testing.T) {
	start := time.Now()
	op := func(ctx context.Context, rng *rand.Rand) error {
		if time.Since(start) < 500*time.Millisecond {
			return fmt.Errorf("GET /x: %w", ErrShed)
		}
		return nil
	}
	got := Load{Rate: 100, Duration: 2 * time.Second, Settle: time.Second, Seed: 1}.Run(context.Background(), []Op{{Name: "op", Weight: 1, Do: op}})[0]
	if got.Shed < 40 || got.Shed > 60 || got.Errors != 0 || got.Requests+got.Shed != 200 {
		t.Fatalf("shed %d, errors %d, answered %d: want about 50 shed of 200 and no errors", got.Shed, got.Errors, got.Requests)
	}
	if got.LastShed < 400 || got.LastShed > 600 {
		t.Errorf("last shed at %.0f ms, want about 500", got.LastShed)
	}
	if s := got.Settled; s == nil || s.Requests != 100 || s.Shed != 0 {
		t.Fatalf("settled %+v: want the 100 requests due after 1 s, none shed", s)
	}
}

func TestReportOutputs(t *testing.T) {
	r := &Report{Rate: 100, Results: []Measured{
		{Op: "reachability", System: "reach", P50: 1, P95: 2, P99: 4},
		{Op: "reachability", System: "baseline", P50: 3, P95: 9, P99: 20},
		{Op: "reachability", System: "postgres", P50: .5, P95: 1, P99: 2},
		{Op: "reachability", System: "postgres-http", P50: .9, P95: 2, P99: 3},
		{Op: "inbox", System: "reach", P50: 2, P95: 3, P99: 5},
	}}
	r.Compare()
	if len(r.Ratios) != 3 || r.Ratios[0].P50 != 3 || r.Ratios[0].P99 != 5 {
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

// TestCompareEverySystem checks that every system measured beside reach gets its ratios, to
// reach in its mix and to reach's reachability alone.
func TestCompareEverySystem(t *testing.T) {
	r := &Report{Results: []Measured{
		{Op: "reachability", System: SystemReach, P50: 2, P99: 4},
		{Op: "reachability", System: SystemReachAlone, P50: 1, P99: 2},
		{Op: "reachability", System: SystemPostgres, P50: 1, P99: 2},
		{Op: "reachability", System: SystemPostgresHTTP, P50: 3, P99: 8},
	}}
	r.Compare()
	want := []Ratio{
		{SystemPostgres, "reachability", 0.5, 0.5, SystemReach}, {SystemPostgresHTTP, "reachability", 1.5, 2, SystemReach},
		{SystemPostgres, "reachability", 1, 1, SystemReachAlone}, {SystemPostgresHTTP, "reachability", 3, 4, SystemReachAlone},
	}
	if !slices.Equal(r.Ratios, want) {
		t.Fatalf("ratios %+v, want %+v", r.Ratios, want)
	}
}

// TestClimbStopsAtTheFirstRateThatFails checks that a sweep goes no higher than the first rate
// at which an op's p99 passes the limit or a request fails, twice in a row, and that the ceiling
// is the rate before it; a rate that fails once and then holds does not stop it.
func TestClimbStopsAtTheFirstRateThatFails(t *testing.T) {
	rates := []float64{100, 200, 400, 800}
	// at answers each rate's tries in turn: the p99 and errors of the second op.
	at := func(p99 map[float64][]Millis, errors map[float64][]int) func(float64) []Measured {
		tries := map[float64]int{}
		return func(rate float64) []Measured {
			n := tries[rate]
			tries[rate]++
			var m Measured
			if n < len(p99[rate]) {
				m.P99 = p99[rate][n]
			}
			if n < len(errors[rate]) {
				m.Errors = errors[rate][n]
			}
			return []Measured{
				{Op: "reachability", Requests: 10, Rate: rate * .6, P99: 1},
				{Op: "send", Requests: 10, Rate: rate * .4, P99: m.P99, Errors: m.Errors},
			}
		}
	}
	slow := Climb(rates, 10, at(map[float64][]Millis{100: {2}, 200: {9}, 400: {11, 12}, 800: {1}}, nil))
	if slow.Ceiling != 200 || len(slow.Steps) != 4 || slow.Steps[3].Held || !slow.Steps[3].Again || slow.Steps[3].P99 != 12 {
		t.Errorf("p99 over the limit at 400/s twice: ceiling %.0f after %d steps %+v", slow.Ceiling, len(slow.Steps), slow.Steps)
	}
	failing := Climb(rates, 10, at(nil, map[float64][]int{100: {1, 2}}))
	if failing.Ceiling != 0 || len(failing.Steps) != 2 || failing.Steps[1].Errors != 2 {
		t.Errorf("errors at 100/s twice: ceiling %.0f after %d steps", failing.Ceiling, len(failing.Steps))
	}
	pause := Climb(rates, 10, at(map[float64][]Millis{200: {40, 3}}, nil))
	if pause.Ceiling != 800 || len(pause.Steps) != 5 || pause.Steps[1].Held || !pause.Steps[2].Held {
		t.Errorf("one slow try at 200/s: ceiling %.0f after %d steps", pause.Ceiling, len(pause.Steps))
	}
	all := Climb(rates, 10, at(nil, nil))
	if all.Ceiling != 800 || len(all.Steps) != 4 || all.Steps[3].Achieved != 800 {
		t.Errorf("every step holds: ceiling %.0f after %d steps", all.Ceiling, len(all.Steps))
	}
}

func TestSweepOutputs(t *testing.T) {
	step := func(rate float64, p99 Millis, held bool) Step {
		return Step{Rate: rate, Achieved: rate, P99: p99, Held: held}
	}
	r := &SweepReport{Limit: 10, Series: []Series{
		{System: SystemReach, Workload: WorkloadMix, Ceiling: 200, Steps: []Step{step(100, 2, true), step(200, 4, true), step(400, 30, false)}},
		{System: SystemPostgres, Workload: WorkloadMix, Ceiling: 400, Steps: []Step{step(100, 1, true), step(400, 3, true), step(800, 12, false)}},
		{System: SystemReach, Workload: WorkloadReachability, Ceiling: 100, Steps: []Step{step(100, 2, true), step(200, 40, false)}},
	}}
	dir := t.TempDir()
	if err := r.WriteJSON(filepath.Join(dir, "sweep.json")); err != nil {
		t.Fatal(err)
	}
	for _, w := range []string{WorkloadMix, WorkloadReachability} {
		path := filepath.Join(dir, w+".png")
		if err := r.WriteChart(path, w); err != nil {
			t.Fatal(err)
		}
		if st, err := os.Stat(path); err != nil || st.Size() < 1000 {
			t.Fatalf("chart %s: %v %v", w, st, err)
		}
	}
	if err := r.WriteChart(filepath.Join(dir, "none.png"), "inbox"); err == nil {
		t.Error("a chart of a workload nobody ran was drawn")
	}
}

// TestMergeRounds checks that rounds merge into what one run of their total length measures.
func TestMergeRounds(t *testing.T) {
	round := func(lat ...time.Duration) []Measured {
		m := Measured{Op: "reachability", System: SystemReach, latencies: lat, Errors: 1,
			Slowest: []Slow{{At: 1000, Latency: ms(slices.Max(lat))}}}
		return []Measured{m}
	}
	ms := time.Millisecond
	got := Merge([][]Measured{round(1*ms, 2*ms, 3*ms), round(4*ms, 5*ms, 90*ms)}, 10*time.Second)
	m := got[0]
	if m.Requests != 6 || m.Errors != 2 || m.Rate != 0.3 || m.P50 != 4 || m.Max != 90 {
		t.Errorf("merged %+v", m)
	}
	if len(m.Slowest) != 2 || m.Slowest[0].Latency != 90 || m.Slowest[0].At != 11000 || m.Slowest[1].At != 1000 {
		t.Errorf("slowest %+v: the second round's must be timed from the first round's start", m.Slowest)
	}
}

// TestProcessesCountTheirChildren checks that a process's processor time includes its
// children's, as PostgreSQL's backends count with their postmaster.
func TestProcessesCountTheirChildren(t *testing.T) {
	if _, err := os.Stat("/proc/self/stat"); err != nil {
		t.Skip("no /proc")
	}
	if _, err := ParseProcesses("reach=12,postgres"); err == nil {
		t.Error("a role without a pid was taken")
	}
	p, err := ParseProcesses(fmt.Sprintf("self=%d", os.Getpid()))
	if err != nil {
		t.Fatal(err)
	}
	before := p.CPU()["self"]
	// A child that spins for a while: its time must show under its parent.
	cmd := exec.Command("sh", "-c", "i=0; while [ $i -lt 300000 ]; do i=$((i+1)); done")
	if err := cmd.Start(); err != nil {
		t.Skip(err)
	}
	// On a busy machine the child may wait for a core: look until its time shows, a while at most.
	during := p.CPU()["self"]
	for deadline := time.Now().Add(5 * time.Second); during-before < 50*time.Millisecond && time.Now().Before(deadline); {
		time.Sleep(50 * time.Millisecond)
		during = p.CPU()["self"]
	}
	if err := cmd.Wait(); err != nil {
		t.Fatal(err)
	}
	after := p.CPU()["self"]
	if during-before < 50*time.Millisecond || after < during {
		t.Errorf("a spinning child's time does not count with its parent: %v, %v, %v", before, during, after)
	}
}

// TestMergeKeepsSettled checks that a run of one round keeps its settled summary through Merge,
// which the cold run's report is printed from, and sums shed requests.
func TestMergeKeepsSettled(t *testing.T) {
	settled := &Measured{Op: "op", Requests: 7}
	got := Merge([][]Measured{{{Op: "op", Shed: 3, Settled: settled}}}, time.Second)
	if got[0].Settled != settled || got[0].Shed != 3 {
		t.Fatalf("merged %+v: lost the settled summary or the shed count", got[0])
	}
}

// TestCompilersOfAJVM checks that a JVM's JIT compilers' processor time is read from its compiler
// threads, as a part of the JVM's own, and that a process with no such threads has none.
func TestCompilersOfAJVM(t *testing.T) {
	if _, err := os.Stat("/proc/self/task"); err != nil {
		t.Skip("no /proc")
	}
	java, err := exec.LookPath("java")
	if err != nil {
		t.Skip("no java")
	}
	src := filepath.Join(t.TempDir(), "Spin.java")
	spin := `class Spin { public static void main(String[] a) { long s = 0; long end = System.nanoTime() + 4_000_000_000L;
  while (System.nanoTime() < end) { for (int i = 0; i < 1000; i++) { s += Integer.toString(i).hashCode(); } } System.out.println(s); } }`
	if err := os.WriteFile(src, []byte(spin), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(java, src)
	if err := cmd.Start(); err != nil {
		t.Skip(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	defer func() {
		_ = cmd.Process.Kill()
		if err := <-exited; err != nil {
			t.Logf("the JVM ended: %v", err) // killed, as it should be
		}
	}()
	p := Processes{"jvm": cmd.Process.Pid, "self": os.Getpid()}
	var jit time.Duration
	for deadline := time.Now().Add(8 * time.Second); jit == 0 && time.Now().Before(deadline); {
		select {
		case err := <-exited:
			exited <- err
			if err != nil {
				t.Skipf("java failed (%v): a runtime without javac cannot run a source file", err)
			}
			t.Fatal("the JVM ended with no compiler time seen")
		case <-time.After(100 * time.Millisecond):
		}
		jit = p.Compilers().Since(nil)["jvm"]
	}
	if all := p.CPU()["jvm"]; jit == 0 || jit > all {
		t.Errorf("the JVM's compilers took %v of its %v", jit, all)
	}
	if _, ok := p.Compilers()["self"]; ok {
		t.Error("a Go process has compiler threads")
	}
}

// TestCompilersSinceCountsGrowth checks that the compilers' time between two readings is each
// thread's growth and a new thread's whole time, and that a thread that ended takes nothing away.
func TestCompilersSinceCountsGrowth(t *testing.T) {
	ms := func(n int) time.Duration { return time.Duration(n) * time.Millisecond }
	before := Compilers{"neo4j": {"10": ms(100), "11": ms(50), "12": ms(400)}}
	after := Compilers{"neo4j": {"10": ms(130), "11": ms(50), "13": ms(20)}} // 12 ended, 13 began
	if got := after.Since(before)["neo4j"]; got != ms(50) {
		t.Errorf("since: %v, want 50ms (30 grown, 20 new, the ended thread's 400 not taken away)", got)
	}
}

// TestYardstickMeasuresWork checks that the yardstick takes the time of real work (64 MiB hashed
// takes well over a millisecond on any machine this runs on) and that a report says it.
func TestYardstickMeasuresWork(t *testing.T) {
	ms := Yardstick()
	if ms < 1 {
		t.Errorf("the yardstick took %.3f ms: no work was done", ms)
	}
	var out strings.Builder
	r := &Report{Machine: Machine{Cores: 2, Processor: "a processor", Yardstick: ms}}
	r.Print(&out)
	if !strings.Contains(out.String(), "a processor") || !strings.Contains(out.String(), "yardstick") {
		t.Errorf("the report does not say the machine's speed:\n%s", out.String())
	}
}

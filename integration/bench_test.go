package integration

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/reach-network/reach/bench"
)

// TestBenchmarkSmoke runs the real load generator briefly against the test server and the test
// Neo4j: it draws pairs, drives reach and the baseline, and writes the table, results.json and
// the chart. Speed is not checked here; that is `make bench`'s job.
func TestBenchmarkSmoke(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs reachbench")
	}
	id := ids(t)
	network(t, id, [2]string{"a", "b"}, [2]string{"b", "c"}, [2]string{"c", "d"}, [2]string{"a", "e"}, [2]string{"e", "c"})
	dir := t.TempDir()
	bin := filepath.Join(dir, "reachbench")
	build := exec.Command("go", "build", "-o", bin, "../cmd/reachbench")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	cmd := exec.Command(bin, "--url", env.baseURL, "--rate", "40", "--duration", "2s", "--warmup", "500ms",
		"--pairs", "10", "--out", dir)
	cmd.Env = append(os.Environ(), "REACH_JWT_SECRET="+string(testSecret), "NEO4J_URI="+env.neo4jURI)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("reachbench: %v\n%s", err, out)
	}
	for _, want := range []string{"reachability", "mutual-connections", "mailbox", "mailbox-largest", "send", "other system ÷ reach", "baseline"} {
		if !strings.Contains(string(out), want) {
			t.Errorf("the table lacks %q:\n%s", want, out)
		}
	}
	var report bench.Report
	data, err := os.ReadFile(filepath.Join(dir, "results.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, &report); err != nil {
		t.Fatal(err)
	}
	// reach's five operations; reachability alone, fully_consistent, and at_least_as_fresh beside
	// its sends; the HTTP floor; the baseline's two.
	if len(report.Results) != 12 || report.Machine.Cores < 1 || report.Machine.Members < 5 {
		t.Errorf("results.json: %+v", report)
	}
	for _, m := range report.Results {
		if m.Requests == 0 || m.Errors > 0 {
			t.Errorf("%s %s: %d requests, %d errors", m.System, m.Op, m.Requests, m.Errors)
		}
	}
	if st, err := os.Stat(filepath.Join(dir, "latency.png")); err != nil || st.Size() == 0 {
		t.Errorf("latency.png: %v", err)
	}
}

// TestSweepSmoke runs the throughput sweep briefly against the test server: each system climbs
// a short ladder of rates, for reachability alone and for the mix, and the sweep writes its
// report and both charts. Ceilings are not checked here; that is `make bench-sweep`'s job.
func TestSweepSmoke(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs reachbench")
	}
	id := ids(t)
	network(t, id, [2]string{"a", "b"}, [2]string{"b", "c"}, [2]string{"c", "d"})
	dir := t.TempDir()
	bin := filepath.Join(dir, "reachbench")
	if out, err := exec.Command("go", "build", "-o", bin, "../cmd/reachbench").CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	cmd := exec.Command(bin, "--url", env.baseURL, "--rate", "20", "--warmup", "300ms", "--pairs", "5", "--out", dir,
		"--sweep", "--sweep-rates", "10,20", "--sweep-step", "500ms", "--sweep-warmup", "100ms", "--sweep-limit", "1000",
		"--sweep-samples", "1")
	cmd.Env = append(os.Environ(), "REACH_JWT_SECRET="+string(testSecret), "NEO4J_URI="+env.neo4jURI)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("reachbench --sweep: %v\n%s", err, out)
	}
	var report bench.SweepReport
	data, err := os.ReadFile(filepath.Join(dir, "sweep.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, &report); err != nil {
		t.Fatal(err)
	}
	got := map[string]bool{}
	for _, s := range report.Series {
		got[s.Workload+" "+s.System] = len(s.Steps) > 0 && s.Runs != ""
	}
	for _, want := range []string{"reachability reach", "reachability baseline", "mix reach", "mix baseline"} {
		if !got[want] {
			t.Errorf("sweep.json has no steps for %s: %s", want, data)
		}
	}
	for _, png := range []string{"sweep-mix.png", "sweep-reachability.png"} {
		if st, err := os.Stat(filepath.Join(dir, png)); err != nil || st.Size() == 0 {
			t.Errorf("%s: %v", png, err)
		}
	}
}

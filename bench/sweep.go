package bench

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"
	"time"
)

// The workloads of a sweep.
const (
	WorkloadMix          = "mix"          // the 60/25/10/5 mix, or as much of it as a system implements
	WorkloadReachability = "reachability" // reachability requests alone
	WorkloadSends        = "sends"        // the mix's sends alone
)

// Step is what one system measured at one offered rate of a sweep.
type Step struct {
	Rate     float64 `json:"rate"`     // requests per second offered
	Achieved float64 `json:"achieved"` // requests per second answered
	P99      Millis  `json:"p99"`      // the highest p99 of the step's ops: what decides whether it held
	Errors   int     `json:"errors"`
	Shed     int     `json:"shed,omitempty"` // answered 503 with Retry-After
	Held     bool    `json:"held"`
	Again    bool    `json:"again,omitempty"` // the second try of a rate whose first did not hold
	// LoadAverage is the machine's 1-minute load average after the step, the systems' own work
	// included: well above what they alone cause means a neighbour competed for the cores.
	LoadAverage float64    `json:"loadAverage,omitempty"`
	Ops         []Measured `json:"ops"`
	// CPU is the processor time per answer during the step, when the servers were named.
	CPU *CPUCost `json:"cpu,omitempty"`
}

// Series is one system's sweep of one workload.
type Series struct {
	System   string  `json:"system"`
	Workload string  `json:"workload"`
	Runs     string  `json:"runs"` // what the system was sent
	Steps    []Step  `json:"steps"`
	Ceiling  float64 `json:"ceiling"` // the highest offered rate that held; 0 when none did
}

// Climb runs step at each rate in turn, lowest first, as Try does, until the series stops
// climbing.
func Climb(rates []float64, limit Millis, step func(rate float64) []Measured) Series {
	var s Series
	for _, rate := range rates {
		if !s.Try(rate, limit, func() ([]Measured, *CPUCost) { return step(rate), nil }) {
			break
		}
	}
	return s
}

// Try measures the series' next rate, and reports whether the series climbs on: it stops at the
// first rate that does not hold, where a request failed or an op's p99 passed limit. A rate that
// fails is measured once more before the series stops, so that one pause of the machine (a
// garbage collection in Neo4j, a neighbour's burst) does not end it; both tries are kept. The
// ceiling is the last rate that held.
func (s *Series) Try(rate float64, limit Millis, measure func() ([]Measured, *CPUCost)) bool {
	st := measureStep(rate, limit, measure)
	if !st.Held {
		s.Steps = append(s.Steps, st)
		st = measureStep(rate, limit, measure)
		st.Again = true
	}
	s.Steps = append(s.Steps, st)
	if st.Held {
		s.Ceiling = rate
	}
	return st.Held
}

// measureStep sums up one step: it holds when every op answered, none failed, and each op's p99
// is within limit.
func measureStep(rate float64, limit Millis, measure func() ([]Measured, *CPUCost)) Step {
	ops, cpu := measure()
	st := Step{Rate: rate, Held: len(ops) > 0, Ops: ops, LoadAverage: LoadAverage(), CPU: cpu}
	for i := range ops {
		ops[i].Slowest = nil
		st.Achieved += ops[i].Rate
		st.Errors += ops[i].Errors
		st.Shed += ops[i].Shed
		st.P99 = max(st.P99, ops[i].P99)
		if ops[i].Errors > 0 || ops[i].Shed > 0 || ops[i].P99 > limit || ops[i].Requests == 0 {
			st.Held = false
		}
	}
	return st
}

// SweepReport is everything one sweep measured.
type SweepReport struct {
	When    time.Time `json:"when"`
	Machine Machine   `json:"machine"`
	Limit   Millis    `json:"limit"` // the p99 a step must stay within to hold
	Step    string    `json:"step"`  // measured time of each step
	Warmup  string    `json:"warmup"`
	// Compilers says how the servers' JIT compilers stood when the climb began, after the mix
	// ran until they were quiet; empty when the sweep did not wait for them.
	Compilers   string         `json:"compilers,omitempty"`
	Concurrency int            `json:"concurrency"`
	Pairs       map[string]int `json:"pairs"`
	Series      []Series       `json:"series"`
}

// Print writes each series as a line of steps, then each system's ceiling.
func (r *SweepReport) Print(w io.Writer) {
	m := r.Machine
	fmt.Fprintf(w, "machine: %d cores, load average %.2f; Neo4j heap %s, page cache %s; PostgreSQL %s, shared_buffers %s; graph: %d members, %d connections\n",
		m.Cores, m.LoadAverage, m.Neo4jHeap, m.Neo4jPageCache, m.PostgresVersion, m.PostgresSharedBuffers, m.Members, m.Connections)
	m.printSpeed(w)
	fmt.Fprintf(w, "steps of %s after %s of warm-up, %s; a step holds while no request fails or is shed and every op's p99 ≤ %.0f ms\n",
		r.Step, r.Warmup, InFlight(r.Concurrency), r.Limit)
	if r.Compilers != "" {
		fmt.Fprintf(w, "before the climb, %s\n", r.Compilers)
	}
	fmt.Fprintln(w)
	for _, s := range r.Series {
		var steps []string
		for _, st := range s.Steps {
			mark := ""
			if st.Again {
				mark = " again"
			}
			if !st.Held {
				mark += " ✗"
				if st.Errors > 0 {
					mark += fmt.Sprintf(" %d errors", st.Errors)
				}
				if st.Shed > 0 {
					mark += fmt.Sprintf(" %d shed", st.Shed)
				}
			}
			steps = append(steps, fmt.Sprintf("%.0f/s%s %.1fms", st.Rate, mark, st.P99))
		}
		fmt.Fprintf(w, "%-13s %-13s %s\n", s.System, s.Workload, strings.Join(steps, ", "))
	}
	fmt.Fprintln(w)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "workload\tsystem\truns\tceiling /s\tp99 at ceiling ms\tprocessor ms per answer at ceiling\t")
	for _, s := range r.Series {
		p99, cpu := "-", "-"
		for _, st := range s.Steps {
			if st.Held && st.Rate == s.Ceiling {
				p99 = fmt.Sprintf("%.2f", st.P99)
				if st.CPU != nil {
					cpu = fmt.Sprintf("%.2f (load generator %.2f)", st.CPU.Total(), st.CPU.Client)
				}
			}
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%.0f\t%s\t%s\t\n", s.Workload, s.System, s.Runs, s.Ceiling, p99, cpu)
	}
	tw.Flush()
}

// WriteJSON writes the report to path.
func (r *SweepReport) WriteJSON(path string) error {
	b, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(path, append(b, '\n'), 0o644)
}

package bench

import (
	"cmp"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"math"
	"os"
	"slices"
	"strings"
	"text/tabwriter"
	"time"
)

// Measured is what one op measured in one run.
type Measured struct {
	Op       string `json:"op"`
	System   string `json:"system"`            // "reach", "reach-before", "baseline", "postgres", ... (Systems)
	Requests int    `json:"requests"`          // answered, shed ones left out
	Errors   int    `json:"errors"`            // answers other than those expected, and no answer at all
	Failure  string `json:"failure,omitempty"` // what the first of them was
	// Shed are the requests answered 503 with Retry-After (ErrShed), and LastShed when the last
	// of them was due, from the start of the measured time.
	Shed     int     `json:"shed,omitempty"`
	LastShed Millis  `json:"lastShed,omitempty"`
	Rate     float64 `json:"achievedRate"` // requests answered per second
	P50      Millis  `json:"p50"`
	P95      Millis  `json:"p95"`
	P99      Millis  `json:"p99"`
	Max      Millis  `json:"max"`
	// Slowest are the op's slowest requests with their send times: requests of several ops
	// slow at the same moment point at a stall of the machine rather than at one op.
	Slowest []Slow `json:"slowest,omitempty"`
	// Settled is the same from Load.Settle into the measured time on, when that was asked for.
	Settled *Measured `json:"settled,omitempty"`

	latencies []time.Duration
}

// Slow is one slow request: when it was due, from the start of the measured time, and how
// long its answer took from then.
type Slow struct {
	At      Millis `json:"at"`
	Latency Millis `json:"latency"`
}

// InFlight says how a run capped the requests in flight.
func InFlight(concurrency int) string {
	if concurrency <= 0 {
		return "no cap on requests in flight"
	}
	return fmt.Sprintf("at most %d requests in flight", concurrency)
}

// Millis is a duration written as milliseconds.
type Millis float64

func ms(d time.Duration) Millis { return Millis(float64(d) / float64(time.Millisecond)) }

func (m *Measured) summarize(elapsed time.Duration) {
	m.Requests = len(m.latencies)
	if m.Requests == 0 {
		return
	}
	slices.Sort(m.latencies)
	at := func(q float64) time.Duration {
		return m.latencies[min(int(q*float64(m.Requests)), m.Requests-1)]
	}
	m.P50, m.P95, m.P99, m.Max = ms(at(.50)), ms(at(.95)), ms(at(.99)), ms(m.latencies[m.Requests-1])
	m.Rate = float64(m.Requests) / elapsed.Seconds()
}

// Machine is where a run happened.
type Machine struct {
	Cores          int    `json:"cores"`
	Neo4jHeap      string `json:"neo4jHeap"`
	Neo4jPageCache string `json:"neo4jPageCache"`
	Members        int    `json:"members"`
	Connections    int    `json:"connections"`
	// LoadAverage is the machine's 1-minute load average as the run began: more than its cores
	// means other work was competing for them.
	LoadAverage float64 `json:"loadAverage,omitempty"`
	// Processor is the processor's model as the kernel names it, and Yardstick the milliseconds
	// one core took for a fixed piece of work as the run began (Yardstick): the same machine on
	// another day can take twice as long for the same code, and processor times per answer are
	// comparable only beside it. Between different processors it also measures their SHA
	// instructions.
	Processor string  `json:"processor,omitempty"`
	Yardstick float64 `json:"yardstickMs,omitempty"`
	// The PostgreSQL peer's server, when it was measured.
	PostgresVersion       string `json:"postgresVersion,omitempty"`
	PostgresSharedBuffers string `json:"postgresSharedBuffers,omitempty"`
}

// printSpeed says what processor the run had and how fast it was, when measured.
func (m Machine) printSpeed(w io.Writer) {
	if m.Yardstick > 0 {
		fmt.Fprintf(w, "processor: %s; the yardstick (SHA-256 of 64 MiB on one core) took %.0f ms\n", cmp.Or(m.Processor, "unknown"), m.Yardstick)
	}
}

// yardstickBytes is how much Yardstick hashes.
const yardstickBytes = 64 << 20

// Yardstick is the time, in milliseconds, the fastest of three tries took to hash 64 MiB with
// SHA-256 on one core: the machine's speed for work that waits on nothing, to set beside a run's
// processor times.
func Yardstick() float64 {
	data := make([]byte, yardstickBytes)
	best := time.Duration(math.MaxInt64)
	for range 3 {
		start := time.Now()
		sha256.Sum256(data)
		best = min(best, time.Since(start))
	}
	return float64(best.Microseconds()) / 1000
}

// ProcessorModel is the first processor's model name from /proc/cpuinfo, or "" where it cannot be
// read.
func ProcessorModel() string {
	b, err := os.ReadFile("/proc/cpuinfo")
	if err != nil {
		return ""
	}
	for line := range strings.Lines(string(b)) {
		if name, value, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(name) == "model name" {
			return strings.TrimSpace(value)
		}
	}
	return ""
}

// LoadAverage is the machine's 1-minute load average, or 0 where /proc/loadavg cannot be read.
func LoadAverage() float64 {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return 0
	}
	var load float64
	if _, err := fmt.Sscan(string(b), &load); err != nil {
		return 0
	}
	return load
}

// Ratio compares another system with reach for one op: how many times slower it was than reach
// (below 1: faster).
type Ratio struct {
	System string  `json:"system"`
	Op     string  `json:"op"`
	P50    float64 `json:"p50"`
	P99    float64 `json:"p99"`
	// Of is the reach it is a ratio to: reach in the mix, or reach's reachability alone.
	Of string `json:"of"`
}

// Report is everything one benchmark run measured.
type Report struct {
	When     time.Time `json:"when"`
	Machine  Machine   `json:"machine"`
	Rate     float64   `json:"rate"` // requests per second offered to reach
	Duration string    `json:"duration"`
	// Concurrency is the cap on requests in flight; 0 for none (open loop).
	Concurrency int `json:"concurrency"`
	// Settle is when each op's Settled summary begins, when the run was split (a cold start).
	Settle  string             `json:"settle,omitempty"`
	Rounds  int                `json:"rounds"` // the systems took turns, a round each, Duration in all
	Mix     map[string]float64 `json:"mix"`
	Pairs   map[string]int     `json:"pairs"` // pairs drawn per kind (1st, 2nd, 3rd, out of network, hub)
	Results []Measured         `json:"results"`
	Ratios  []Ratio            `json:"ratios"`
	// CPU is the processor time each system's answers took, when its processes were named.
	CPU []CPUCost `json:"cpu,omitempty"`
	// Before is what reach-before was built from, such as a git revision, when it was measured.
	Before string `json:"before,omitempty"`
}

// Compare fills in the ratios of every other system to reach, for every op both measured: to
// reach serving its whole mix, and to reach serving reachability alone when that was measured,
// which is what the peers that answer only reachability are offered.
func (r *Report) Compare() {
	r.Ratios = nil
	for _, of := range []string{SystemReach, SystemReachAlone} {
		for _, b := range r.Results {
			if b.System == SystemReach || b.System == SystemReachAlone {
				continue
			}
			for _, a := range r.Results {
				if a.System == of && a.Op == b.Op && a.P50 > 0 && a.P99 > 0 {
					r.Ratios = append(r.Ratios, Ratio{System: b.System, Op: a.Op, Of: of,
						P50: float64(b.P50 / a.P50), P99: float64(b.P99 / a.P99)})
				}
			}
		}
	}
}

// Print writes the report as a table.
func (r *Report) Print(w io.Writer) {
	m := r.Machine
	fmt.Fprintf(w, "machine: %d cores, load average %.2f; Neo4j heap %s, page cache %s; graph: %d members, %d connections\n",
		m.Cores, m.LoadAverage, m.Neo4jHeap, m.Neo4jPageCache, m.Members, m.Connections)
	m.printSpeed(w)
	if m.PostgresVersion != "" {
		fmt.Fprintf(w, "PostgreSQL peer: %s, shared_buffers %s\n", m.PostgresVersion, m.PostgresSharedBuffers)
	}
	fmt.Fprintf(w, "offered: %.0f requests/s for %s in %d rounds, %s, mix %v\n", r.Rate, r.Duration, r.Rounds, InFlight(r.Concurrency), r.Mix)
	fmt.Fprintf(w, "pairs: %v\n", r.Pairs)
	if r.Before != "" {
		fmt.Fprintf(w, "%s: reach built from %s, the same mix as reach in the same rounds\n", SystemReachBefore, r.Before)
	}
	fmt.Fprintln(w)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "system\top\trequests\trate/s\tp50 ms\tp95 ms\tp99 ms\tmax ms\terrors\tshed\t")
	for _, x := range r.Results {
		fmt.Fprintf(tw, "%s\t%s\t%d\t%.0f\t%.2f\t%.2f\t%.2f\t%.2f\t%d\t%d\t\n",
			x.System, x.Op, x.Requests, x.Rate, x.P50, x.P95, x.P99, x.Max, x.Errors, x.Shed)
	}
	tw.Flush()
	r.printSettled(w)
	fmt.Fprintln(w, "\nslowest requests (ms latency @ s into the measured time):")
	for _, x := range r.Results {
		fmt.Fprintf(w, "  %-13s %-20s", x.System, x.Op)
		for _, s := range x.Slowest {
			fmt.Fprintf(w, " %.0f@%.1f", s.Latency, s.At/1000)
		}
		fmt.Fprintln(w)
	}
	if len(r.CPU) > 0 {
		fmt.Fprintf(w, "\nprocessor time per answer, servers and load generator (and the answers/s %d cores could give at that cost):\n", m.Cores)
		for _, c := range r.CPU {
			var parts []string
			for _, role := range slices.Sorted(maps.Keys(c.Servers)) {
				part := fmt.Sprintf("%s %.2f", role, c.Servers[role])
				if jit, ok := c.Compilers[role]; ok {
					part += fmt.Sprintf(" (its JIT compilers %.2f)", jit)
				}
				parts = append(parts, part)
			}
			parts = append(parts, fmt.Sprintf("load generator %.2f", c.Client))
			fmt.Fprintf(w, "  %-13s %.2f ms (%s) → %.0f/s\n", c.System, c.Total(), strings.Join(parts, ", "),
				float64(m.Cores)*1000/max(c.Total(), 1e-9))
		}
	}
	if len(r.Ratios) > 0 {
		fmt.Fprintln(w, "\nother system ÷ reach (above 1: reach is faster):")
		for _, q := range r.Ratios {
			fmt.Fprintf(w, "  %-23s %-20s ÷ %-24s p50 ×%.2f   p99 ×%.2f\n", q.System, q.Op, q.Of, q.P50, q.P99)
		}
	}
}

// printSettled writes, when the run was split at a settling time, what each op measured from
// then on, and when its last request was shed.
func (r *Report) printSettled(w io.Writer) {
	if r.Settle == "" {
		return
	}
	fmt.Fprintf(w, "\nfrom %s into the measured time on:\n", r.Settle)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "system\top\trequests\tp50 ms\tp99 ms\tmax ms\terrors\tshed\tlast shed at s\t")
	for _, x := range r.Results {
		if s := x.Settled; s != nil {
			fmt.Fprintf(tw, "%s\t%s\t%d\t%.2f\t%.2f\t%.2f\t%d\t%d\t%.1f\t\n",
				x.System, x.Op, s.Requests, s.P50, s.P99, s.Max, s.Errors, s.Shed, x.LastShed/1000)
		}
	}
	tw.Flush()
}

// WriteJSON writes the report to path.
func (r *Report) WriteJSON(path string) error {
	b, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(path, append(b, '\n'), 0o644)
}

// Merge combines the rounds of one system's measurement, op by op, into what one run of their
// total length would have measured: the rounds' latencies together, their requests and errors
// summed, the rate over the rounds' total span, and the slowest requests of all, each timed
// from the start of the first round as if the rounds had followed one another. The rounds run
// the same ops in the same order, each for span.
func Merge(rounds [][]Measured, span time.Duration) []Measured {
	if len(rounds) == 0 {
		return nil
	}
	out := make([]Measured, len(rounds[0]))
	for i := range out {
		out[i] = Measured{Op: rounds[0][i].Op, System: rounds[0][i].System}
		var slow []Slow
		for r, round := range rounds {
			m := round[i]
			out[i].latencies = append(out[i].latencies, m.latencies...)
			out[i].Errors += m.Errors
			out[i].Failure = cmp.Or(out[i].Failure, m.Failure)
			out[i].Shed += m.Shed
			if m.Shed > 0 {
				out[i].LastShed = m.LastShed + ms(time.Duration(r)*span)
			}
			for _, s := range m.Slowest {
				slow = append(slow, Slow{At: s.At + ms(time.Duration(r)*span), Latency: s.Latency})
			}
		}
		out[i].summarize(time.Duration(len(rounds)) * span)
		if len(rounds) == 1 {
			out[i].Settled = rounds[0][i].Settled // a split run is one round (reachbench's --settle)
		}
		slices.SortFunc(slow, func(a, b Slow) int { return cmp.Compare(b.Latency, a.Latency) })
		out[i].Slowest = slow[:min(slowestKept, len(slow))]
	}
	return out
}

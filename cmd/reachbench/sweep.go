package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"maps"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/reach-network/reach/bench"
)

// sweepOptions tune --sweep.
type sweepOptions struct {
	on      bool
	step    time.Duration
	warmup  time.Duration
	limit   float64
	rates   string
	samples int
	// workloads are the workloads a sweep climbs, comma-separated.
	workloads string
	// compilersWait is how long, at most, the mix runs after the warm-up until the JIT compilers
	// of the servers' JVMs take at most compilersShare of a core; 0 waits for nothing.
	compilersWait  time.Duration
	compilersShare float64
}

func (s *sweepOptions) flags(fs *flag.FlagSet) {
	fs.BoolVar(&s.on, "sweep", false, "find each system's throughput ceiling instead: raise the offered rate step by step")
	fs.DurationVar(&s.step, "sweep-step", 10*time.Second, "measured time of each step of a sweep")
	fs.DurationVar(&s.warmup, "sweep-warmup", 3*time.Second, "unmeasured time before each step of a sweep")
	fs.Float64Var(&s.limit, "sweep-limit", 10, "p99 in ms a step must stay within to hold")
	fs.IntVar(&s.samples, "sweep-samples", 200, "requests of each op a step measures at least, lengthening low-rate steps of the mix, so no p99 rests on a handful")
	fs.StringVar(&s.workloads, "sweep-workloads", "reachability,mix,sends", "the workloads a sweep climbs, comma-separated")
	fs.DurationVar(&s.compilersWait, "sweep-compilers-wait", 5*time.Minute, "after the warm-up, run the mix at most this long until the servers' JIT compilers are quiet (0: do not wait)")
	fs.Float64Var(&s.compilersShare, "sweep-compilers-share", 0.05, "the share of one core the JIT compilers may take over a round of the mix for the climb to start")
	fs.StringVar(&s.rates, "sweep-rates", "100,200,300,400,500,650,800,1000,1250,1500,1750,2000,2500,3000,3500,4000,5000,6000,7000,8000,10000",
		"offered rates of the steps, in requests/s, lowest first")
}

// stepDuration is the measured time of a step at rate: the step's length, or longer when the op
// with the smallest share would otherwise get fewer than the samples asked for.
func stepDuration(o sweepOptions, rate float64, ops []bench.Op) time.Duration {
	var total, least float64
	for _, op := range ops {
		total += op.Weight
		if least == 0 || op.Weight < least {
			least = op.Weight
		}
	}
	if total == 0 || rate <= 0 {
		return o.step
	}
	need := time.Duration(float64(o.samples) / (rate * least / total) * float64(time.Second))
	return max(o.step, need.Round(time.Second))
}

// compilersRound is how long each round of awaitCompilers runs the mix.
const compilersRound = 10 * time.Second

// awaitCompilers runs the mix of the systems whose servers are JVMs, in rounds of compilersRound,
// until their JIT compilers take at most o.sweep.compilersShare of a core over a round, or for
// o.sweep.compilersWait at most, and says how that ended. In the minutes after Neo4j starts its
// compilers take most of a core (docs/performance.md), and a sweep whose first steps ran beside
// them would find the ceiling of a Neo4j still compiling; the cold run measures that start.
func awaitCompilers(ctx context.Context, o options, systems []system, out io.Writer) string {
	jvms := o.processes.Compilers()
	var compiling []system
	for _, s := range systems {
		if slices.ContainsFunc(s.roles, func(role string) bool { _, jvm := jvms[role]; return jvm }) {
			compiling = append(compiling, s)
		}
	}
	if o.sweep.compilersWait <= 0 || len(compiling) == 0 {
		return ""
	}
	start := time.Now()
	last, quiet := untilQuiet(ctx, o.sweep.compilersWait, o.sweep.compilersShare, func() float64 {
		before, began := o.processes.Compilers(), time.Now()
		for _, s := range compiling {
			l := bench.Load{Rate: o.rate * s.share(), Duration: compilersRound / time.Duration(len(compiling)), Concurrency: o.concurrency, Seed: o.seed}
			l.Run(ctx, s.mixOps())
		}
		share := float64(total(o.processes.Compilers().Since(before))) / float64(time.Since(began))
		fmt.Fprintf(out, "the JIT compilers took %.2f of a core over %s of the mix\n", share, compilersRound)
		return share
	})
	said := fmt.Sprintf("the JIT compilers took %.2f of a core over the last %s, after %s of the mix", last, compilersRound, time.Since(start).Round(time.Second))
	if !quiet {
		said += ", more than the sweep waits for"
	}
	fmt.Fprintln(out, said)
	return said
}

// untilQuiet runs round until it answers at most share, or until limit has passed or ctx ends,
// and returns the last answer and whether it was at most share in a round that ran whole.
func untilQuiet(ctx context.Context, limit time.Duration, share float64, round func() float64) (last float64, quiet bool) {
	for deadline := time.Now().Add(limit); ctx.Err() == nil; {
		last = round()
		if ctx.Err() != nil {
			return last, false // cut short: it measured less than a round
		}
		if last <= share {
			return last, true
		}
		if time.Now().After(deadline) {
			return last, false
		}
	}
	return last, false
}

// total adds up processor times by role.
func total(byRole map[string]time.Duration) (sum time.Duration) {
	for _, d := range byRole {
		sum += d
	}
	return sum
}

// compilersSaid is what a step's line says of its JVMs' JIT compilers: their processor time an
// answer, when any.
func compilersSaid(cpu *bench.CPUCost) string {
	if cpu == nil || len(cpu.Compilers) == 0 {
		return ""
	}
	var parts []string
	for _, role := range slices.Sorted(maps.Keys(cpu.Compilers)) {
		parts = append(parts, fmt.Sprintf("%s %.2f", role, cpu.Compilers[role]))
	}
	return ", JIT compilers ms an answer: " + strings.Join(parts, ", ")
}

// parseRates reads a comma-separated list of rising rates.
func parseRates(list string) ([]float64, error) {
	var rates []float64
	for _, f := range strings.Split(list, ",") {
		r, err := strconv.ParseFloat(strings.TrimSpace(f), 64)
		if err != nil || r <= 0 || (len(rates) > 0 && r <= rates[len(rates)-1]) {
			return nil, fmt.Errorf("--sweep-rates: %q is not a list of rising rates", list)
		}
		rates = append(rates, r)
	}
	return rates, nil
}

// runSweep finds each system's ceiling, for reachability alone, for the mix and for sends alone,
// and writes sweep.json, sweep-reachability.png, sweep-mix.png and sweep-sends.png. The systems take turns at each rate, so
// that a neighbour's load on the machine falls on all of them alike rather than on whichever ran
// at that moment. A system that answers only reachability runs the same requests in both
// workloads, so its reachability series stands for it in the mix too, saying so.
func runSweep(ctx context.Context, o options, m bench.Machine, pairs bench.Pairs, systems []system, out io.Writer) error {
	rates, err := parseRates(o.sweep.rates)
	if err != nil {
		return err
	}
	report := &bench.SweepReport{When: time.Now().UTC(), Machine: m, Limit: bench.Millis(o.sweep.limit),
		Step: o.sweep.step.String(), Warmup: o.sweep.warmup.String(), Concurrency: o.concurrency, Pairs: pairs.Counts()}
	fmt.Fprintf(out, "warming up each system for %s...\n", o.warmup)
	for _, s := range systems {
		l := bench.Load{Rate: o.rate * s.share(), Warmup: o.warmup, Concurrency: o.concurrency, Seed: o.seed}
		l.Run(ctx, s.mixOps())
	}
	report.Compilers = awaitCompilers(ctx, o, systems, out)
	type climber struct {
		system
		ops    []bench.Op
		series bench.Series
		on     bool
	}
	climb := func(workload string, climbers []*climber) {
		if !slices.Contains(strings.Split(o.sweep.workloads, ","), workload) {
			return
		}
		for step, rate := range rates {
			for _, c := range climbers {
				if !c.on || ctx.Err() != nil {
					continue
				}
				c.on = c.series.Try(rate, bench.Millis(o.sweep.limit), func() ([]bench.Measured, *bench.CPUCost) {
					l := bench.Load{Rate: rate, Warmup: o.sweep.warmup, Concurrency: o.concurrency, Seed: o.seed + uint64(step)}
					l.Run(ctx, c.ops)
					var meter cpuMeter
					meter.start(o.processes)
					l.Warmup, l.Duration = 0, stepDuration(o.sweep, rate, c.ops)
					ms := l.Run(ctx, c.ops)
					meter.stop(o.processes, c.roles, ms)
					var cpu *bench.CPUCost
					if len(o.processes) > 0 {
						cost := meter.cost(c.name)
						cpu = &cost
					}
					worst := bench.Measured{}
					for _, m := range ms {
						if m.P99 >= worst.P99 {
							worst = m
						}
					}
					fmt.Fprintf(out, "  %-13s %-12s %6.0f/s: worst p99 %7.2f ms (%s), load average %.1f%s\n",
						c.name, workload, rate, worst.P99, worst.Op, bench.LoadAverage(), compilersSaid(cpu))
					return ms, cpu
				})
			}
		}
		for _, c := range climbers {
			c.series.System, c.series.Workload, c.series.Runs = c.name, workload, c.runs(workload)
			fmt.Fprintf(out, "%s, %s: ceiling %.0f requests/s\n", c.name, workload, c.series.Ceiling)
			report.Series = append(report.Series, c.series)
		}
	}
	var reach, mix, sends []*climber
	for _, s := range systems {
		switch s.name {
		case bench.SystemReachFresh: // its reads are as fresh as its own sends: make bench measures it
			continue
		case bench.SystemReachAlone: // reach's own series of reachability alone is the same
			continue
		}
		reach = append(reach, &climber{system: s, ops: s.only("reachability"), on: true})
		if len(s.mixOps()) > 1 {
			mix = append(mix, &climber{system: s, ops: s.mixOps(), on: true})
		}
		if s.ops["send"] != nil {
			sends = append(sends, &climber{system: s, ops: s.only("send"), on: true})
		}
	}
	climb(bench.WorkloadReachability, reach)
	climb(bench.WorkloadMix, mix)
	climb(bench.WorkloadSends, sends)
	for _, c := range reach {
		if len(c.mixOps()) == 1 {
			series := c.series
			series.Workload, series.Runs = bench.WorkloadMix, c.runs(bench.WorkloadMix)
			report.Series = append(report.Series, series)
		}
	}
	fmt.Fprintln(out)
	report.Print(out)
	path := filepath.Join(o.out, "sweep.json")
	if err := report.WriteJSON(path); err != nil {
		return err
	}
	for _, w := range []string{bench.WorkloadMix, bench.WorkloadReachability, bench.WorkloadSends} {
		if !slices.Contains(strings.Split(o.sweep.workloads, ","), w) {
			continue
		}
		if err := report.WriteChart(filepath.Join(o.out, "sweep-"+w+".png"), w); err != nil {
			return err
		}
	}
	fmt.Fprintf(out, "\nwrote %s and the charts of %s (sweep-<workload>.png)\n", path, o.sweep.workloads)
	return ctx.Err()
}

// Package bench measures reach under load: an open-loop load generator, the summary of what it
// measured, and a chart of it.
package bench

import (
	"cmp"
	"context"
	"math/rand/v2"
	"slices"
	"sync"
	"time"
)

// Op is one kind of request the benchmark sends. Do sends one request and reports an error for
// any answer other than the expected ones; rng is the request's own, derived from the run's seed
// and the request's number, so a run sends the same requests every time.
type Op struct {
	Name   string
	Weight float64
	Do     func(ctx context.Context, rng *rand.Rand) error
}

// Load is one open-loop run: requests arrive at Rate per second for Warmup+Duration, whatever
// the answers' speed, and each latency counts from the request's intended send time, so a stall
// shows as the latency of every request that waited behind it instead of as a lower rate.
type Load struct {
	Rate        float64
	Warmup      time.Duration // sent but not measured
	Duration    time.Duration // measured
	Concurrency int           // requests in flight at most; beyond it, waiting counts as latency
	Seed        uint64
}

// sample is one measured request.
type sample struct {
	op      int
	at      time.Duration // intended send time, from the start of the measured time
	latency time.Duration
	failed  bool
}

// Run sends the mix of ops under load and returns what each op measured.
func (l Load) Run(ctx context.Context, ops []Op) []Measured {
	var total float64
	for _, op := range ops {
		total += op.Weight
	}
	pick := func(rng *rand.Rand) int {
		x := rng.Float64() * total
		for i, op := range ops {
			if x -= op.Weight; x < 0 {
				return i
			}
		}
		return len(ops) - 1
	}
	interval := time.Duration(float64(time.Second) / l.Rate)
	n := int((l.Warmup + l.Duration).Seconds() * l.Rate)
	slots := make(chan struct{}, max(l.Concurrency, 1))
	samples := make(chan sample, 1024)
	var collected []sample
	done := make(chan struct{})
	go func() {
		for s := range samples {
			collected = append(collected, s)
		}
		close(done)
	}()
	dispatch := rand.New(rand.NewPCG(l.Seed, 0))
	start := time.Now()
	measureFrom := start.Add(l.Warmup)
	var wg sync.WaitGroup
	for i := range n {
		intended := start.Add(time.Duration(i) * interval)
		if wait := time.Until(intended); wait > 0 {
			select {
			case <-ctx.Done():
			case <-time.After(wait):
			}
		}
		if ctx.Err() != nil {
			break
		}
		op := pick(dispatch)
		slots <- struct{}{}
		wg.Go(func() {
			defer func() { <-slots }()
			err := ops[op].Do(ctx, rand.New(rand.NewPCG(l.Seed, uint64(i)+1)))
			latency := time.Since(intended)
			if !intended.Before(measureFrom) {
				samples <- sample{op: op, at: intended.Sub(measureFrom), latency: latency, failed: err != nil}
			}
		})
	}
	wg.Wait()
	close(samples)
	<-done
	elapsed := time.Since(measureFrom)
	out := make([]Measured, len(ops))
	for i, op := range ops {
		out[i].Op = op.Name
	}
	for _, s := range collected {
		m := &out[s.op]
		m.latencies = append(m.latencies, s.latency)
		if s.failed {
			m.Errors++
		}
	}
	for i := range out {
		out[i].summarize(elapsed)
		out[i].Slowest = slowest(collected, i, slowestKept)
	}
	return out
}

// slowestKept is how many of each op's slowest requests a run reports.
const slowestKept = 5

// slowest returns op's n slowest requests, slowest first.
func slowest(samples []sample, op, n int) []Slow {
	var of []sample
	for _, s := range samples {
		if s.op == op {
			of = append(of, s)
		}
	}
	slices.SortFunc(of, func(a, b sample) int { return cmp.Compare(b.latency, a.latency) })
	out := make([]Slow, 0, min(n, len(of)))
	for _, s := range of[:min(n, len(of))] {
		out = append(out, Slow{At: ms(s.at), Latency: ms(s.latency)})
	}
	return out
}

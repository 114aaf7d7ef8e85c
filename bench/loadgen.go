// Package bench measures reach under load: an open-loop load generator, the summary of what it
// measured, and a chart of it.
package bench

import (
	"cmp"
	"context"
	"errors"
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

// ErrShed is what an Op's Do reports for an answer of 503 with Retry-After: the server shed the
// request rather than queue it. A run counts these apart from failures, and leaves them out of
// the latencies, which are those of answers.
var ErrShed = errors.New("shed: 503 with Retry-After")

// Load is one open-loop run: requests arrive at Rate per second for Warmup+Duration, whatever
// the answers' speed, and each latency counts from the request's intended send time, so a stall
// shows as the latency of every request that waited behind it instead of as a lower rate.
type Load struct {
	Rate     float64
	Warmup   time.Duration // sent but not measured
	Duration time.Duration // measured
	// Concurrency caps the requests in flight, and waiting for a slot counts as latency; 0 sets
	// no cap, as real members, each sending on their own, set none.
	Concurrency int
	// Settle, when set, has each op also summed up from Settle into the measured time on
	// (Measured.Settled): what a server answered once a start's first seconds were over.
	Settle time.Duration
	Seed   uint64
}

// sample is one measured request.
type sample struct {
	op      int
	at      time.Duration // intended send time, from the start of the measured time
	latency time.Duration
	failed  bool
	shed    bool
	err     error // what failed, when it did
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
	var slots chan struct{}
	if l.Concurrency > 0 {
		slots = make(chan struct{}, l.Concurrency)
	}
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
		if slots != nil {
			slots <- struct{}{}
		}
		wg.Go(func() {
			if slots != nil {
				defer func() { <-slots }()
			}
			err := ops[op].Do(ctx, rand.New(rand.NewPCG(l.Seed, uint64(i)+1)))
			latency := time.Since(intended)
			if !intended.Before(measureFrom) {
				shed := errors.Is(err, ErrShed)
				samples <- sample{op: op, at: intended.Sub(measureFrom), latency: latency, failed: err != nil && !shed, shed: shed, err: err}
			}
		})
	}
	wg.Wait()
	close(samples)
	<-done
	elapsed := time.Since(measureFrom)
	out := tally(ops, collected, elapsed)
	if l.Settle > 0 {
		var late []sample
		for _, s := range collected {
			if s.at >= l.Settle {
				late = append(late, s)
			}
		}
		for i, m := range tally(ops, late, elapsed-l.Settle) {
			m.Slowest = nil
			out[i].Settled = &m
		}
	}
	return out
}

// tally sums up each op's samples, measured over elapsed.
func tally(ops []Op, samples []sample, elapsed time.Duration) []Measured {
	out := make([]Measured, len(ops))
	for i, op := range ops {
		out[i].Op = op.Name
	}
	for _, s := range samples {
		m := &out[s.op]
		if s.shed {
			m.Shed++
			m.LastShed = max(m.LastShed, ms(s.at))
			continue
		}
		m.latencies = append(m.latencies, s.latency)
		if s.failed {
			m.Errors++
			if m.Failure == "" {
				m.Failure = s.err.Error()
			}
		}
	}
	for i := range out {
		out[i].summarize(elapsed)
		out[i].Slowest = slowest(samples, i, slowestKept)
	}
	return out
}

// slowestKept is how many of each op's slowest requests a run reports.
const slowestKept = 5

// slowest returns op's n slowest requests, slowest first.
func slowest(samples []sample, op, n int) []Slow {
	var of []sample
	for _, s := range samples {
		if s.op == op && !s.shed {
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

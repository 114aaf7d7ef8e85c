package changelog

import (
	"sync/atomic"
	"time"

	"github.com/reach-network/reach/graph"
)

// lockBounds are the upper bounds of the lock histograms' buckets.
var lockBounds = []time.Duration{
	50 * time.Microsecond, 100 * time.Microsecond, 250 * time.Microsecond, 500 * time.Microsecond,
	time.Millisecond, 2500 * time.Microsecond, 5 * time.Millisecond, 10 * time.Millisecond,
	25 * time.Millisecond, 50 * time.Millisecond, 100 * time.Millisecond, 250 * time.Millisecond,
	500 * time.Millisecond, time.Second, 2500 * time.Millisecond,
}

// LockTimes counts how long writes wait for the change log's locks and hold them. The zero
// value is ready; it is safe for concurrent use.
type LockTimes struct {
	waited, held durations
}

// durations is a histogram of durations over lockBounds, updated without locks.
type durations struct {
	counts [16]atomic.Uint64 // by bucket, not cumulative; the last is past every bound
	sum    atomic.Int64      // nanoseconds
}

func (h *durations) observe(d time.Duration) {
	i := 0
	for i < len(lockBounds) && d > lockBounds[i] {
		i++
	}
	h.counts[i].Add(1)
	h.sum.Add(int64(d))
}

func (h *durations) read() graph.Durations {
	out := graph.Durations{Bounds: lockBounds, Counts: make([]uint64, len(lockBounds))}
	for i := range h.counts {
		out.Count += h.counts[i].Load()
		if i < len(lockBounds) {
			out.Counts[i] = out.Count
		}
	}
	out.Sum = time.Duration(h.sum.Load())
	return out
}

// Stats reads the histograms.
func (t *LockTimes) Stats() graph.LockStats {
	return graph.LockStats{Waited: t.waited.read(), Held: t.held.read()}
}

// lockHold is the log's locks (the heads of the shards it touched) one attempt of a write took,
// from when it had them.
type lockHold struct {
	times *LockTimes
	since time.Time // zero when no lock is held
}

// took notes that the locks were held after waiting waited, from about since on (as the
// database measured them).
func (h *lockHold) took(waited time.Duration, since time.Time) {
	h.times.waited.observe(max(waited, 0))
	h.since = since
}

// released notes that the locks held, if any, were let go with the attempt's commit or rollback.
func (h *lockHold) released() {
	if !h.since.IsZero() {
		h.times.held.observe(time.Since(h.since))
		h.since = time.Time{}
	}
}

package bolt

import (
	"context"
	"sync/atomic"
	"time"

	"github.com/reach-network/reach/graph"
)

// Gate bounds how many of one kind of work (reads, or write transactions) a replica has Neo4j
// doing at once. Past the bound, Neo4j answers no more per second, only later: work waiting in
// its queues holds connections and locks, every request waits out its deadline, and a slow
// Neo4j stays slow (docs/performance.md, "Holding load"). So work that finds no free place within
// a short wait is refused at once with ErrUnavailable and a Retry-After, which the API answers
// 503: load is shed rather than queued. A nil Gate lets everything through.
type Gate struct {
	slots chan struct{}
	wait  time.Duration
	shed  atomic.Int64
}

// gateWait is how long work may wait for a place before it is shed: long enough to ride out a
// burst of a few milliseconds, short against any request's deadline.
const gateWait = 20 * time.Millisecond

// gateRetryAfter is how long shed work is asked to wait before trying again.
const gateRetryAfter = time.Second

// NewGate returns a gate letting n at once through; n ≤ 0 gives no gate.
func NewGate(n int) *Gate {
	if n <= 0 {
		return nil
	}
	return &Gate{slots: make(chan struct{}, n), wait: gateWait}
}

// Enter takes a place, waiting up to the gate's short wait, and returns the function that gives
// it back; with no place free by then, it returns ErrUnavailable.
func (g *Gate) Enter(ctx context.Context) (leave func(), err error) {
	if g == nil {
		return func() {}, nil
	}
	select {
	case g.slots <- struct{}{}:
		return g.leave, nil
	default:
	}
	timer := time.NewTimer(g.wait)
	defer timer.Stop()
	select {
	case g.slots <- struct{}{}:
		return g.leave, nil
	case <-timer.C:
	case <-ctx.Done():
	}
	g.shed.Add(1)
	return nil, &graph.Error{Kind: graph.ErrUnavailable, RetryAfter: gateRetryAfter,
		Detail: "reach has the graph database doing as much as it lets it do at once; try again shortly"}
}

func (g *Gate) leave() { <-g.slots }

// Shed is how much work the gate has refused.
func (g *Gate) Shed() int64 {
	if g == nil {
		return 0
	}
	return g.shed.Load()
}

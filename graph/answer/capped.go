package answer

import (
	"context"
	"sync/atomic"
	"time"

	"github.com/reach-network/reach/graph"
)

// DefaultFallbackConcurrency is how many reads the projection could not answer may be asking
// Neo4j at once, unless Options say otherwise: about what a small Neo4j server works on at once
// before more only queue.
const DefaultFallbackConcurrency = 16

// shedRetryAfter is how long a read refused by the cap is asked to wait: about how long the
// projection takes to be current again after a slow read of the change log.
const shedRetryAfter = time.Second

// capped is the chain's link between memory and Neo4j: it lets at most a fixed number of reads at
// once through to next, and refuses the rest at once with ErrUnavailable and a Retry-After rather
// than queueing them. Reads reach it when the projection may not answer them: before it is loaded,
// and while it lags past the staleness bound, which is when Neo4j is slow already; unbounded,
// they would add to the load that keeps it slow, and every request would wait out its deadline.
type capped struct {
	slots chan struct{} // one token per read in flight
	shed  atomic.Int64  // reads refused
	next  Answerer
}

// newCapped returns the link letting at most n reads at once through to next.
func newCapped(n int, next Answerer) *capped {
	if n <= 0 {
		n = DefaultFallbackConcurrency
	}
	return &capped{slots: make(chan struct{}, n), next: next}
}

// enter takes a slot, or refuses the read with ErrUnavailable when none is free; the caller gives
// the slot back with leave.
func (c *capped) enter() error {
	select {
	case c.slots <- struct{}{}:
		return nil
	default:
		c.shed.Add(1)
		return &graph.Error{Kind: graph.ErrUnavailable, RetryAfter: shedRetryAfter,
			Detail: "reach cannot answer this from memory just now, and as many reads as it lets through are asking the graph database; try again shortly"}
	}
}

func (c *capped) leave() { <-c.slots }

func (c *capped) Reachability(ctx context.Context, caller, member string) (graph.Reach, error) {
	if err := c.enter(); err != nil {
		return graph.Reach{}, err
	}
	defer c.leave()
	return c.next.Reachability(ctx, caller, member)
}

func (c *capped) Reachabilities(ctx context.Context, caller string, members []string) (map[string]graph.Reach, error) {
	if err := c.enter(); err != nil {
		return nil, err
	}
	defer c.leave()
	return c.next.Reachabilities(ctx, caller, members)
}

func (c *capped) Standings(ctx context.Context, caller string, members []string) (map[string]graph.Standing, error) {
	if err := c.enter(); err != nil {
		return nil, err
	}
	defer c.leave()
	return c.next.Standings(ctx, caller, members)
}

func (c *capped) MutualConnections(ctx context.Context, caller, member string, page graph.PageRequest) (graph.Page[graph.MemberSummary], error) {
	if err := c.enter(); err != nil {
		return graph.Page[graph.MemberSummary]{}, err
	}
	defer c.leave()
	return c.next.MutualConnections(ctx, caller, member, page)
}

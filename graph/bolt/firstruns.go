package bolt

import (
	"context"
	"sync"
)

// A statement Neo4j has not run since it started (or since its query caches were cleared) costs
// its first runs far more than later ones: Neo4j plans it, which concurrent runs share, and then
// makes it ready to run, which each run does for itself until one has finished. Measured on this
// project's 2-core machines with the send's statements: one send alone took 1.2 s, 12 at once
// 2.1 s each, and 32 at once all missed the 5 s write deadline, against 0.3 s for the 32 once the
// statements had run (docs/performance.md, "The first run of a statement"). Requests arriving
// after a restart of Neo4j all run cold statements at once, and those that follow start over. So
// the DB lets one run of each statement go first (FirstRuns): the runs that arrive meanwhile wait
// for it, up to their deadline, and then find the statement ready.

// FirstRuns lets the first run of each statement go ahead alone, and remembers which statements
// have run.
type FirstRuns struct {
	byText sync.Map // statement text → *flight
}

// flight is the first run of one statement: done closes when it has returned, ready or not.
type flight struct {
	done  chan struct{}
	ready bool // set before done closes
}

// Ahead returns once statement may run: at once when it has run before, or when this call is the
// first run, in which case the caller must call landed once the run has returned (ok: without
// an error). Others that need statement meanwhile wait for that, or until ctx ends, when Ahead
// returns ctx's error. A first run that fails lets its waiters go on, and the next run goes first
// again.
func (p *FirstRuns) Ahead(ctx context.Context, statement string) (landed func(ok bool), err error) {
	f, first, err := p.ahead(ctx, statement)
	if !first {
		return nothing, err
	}
	return func(ok bool) { p.land(statement, f, ok) }, nil
}

// ahead is Ahead, saying whether this run goes first, with the flight it then must land.
func (p *FirstRuns) ahead(ctx context.Context, statement string) (f *flight, first bool, err error) {
	if found, ok := p.byText.Load(statement); ok && found.(*flight).isReady() {
		return nil, false, nil
	}
	f = &flight{done: make(chan struct{})}
	found, loaded := p.byText.LoadOrStore(statement, f)
	if !loaded {
		return f, true, nil
	}
	select {
	case <-found.(*flight).done:
		return nil, false, nil
	case <-ctx.Done():
		return nil, false, ctx.Err()
	}
}

func nothing(bool) {}

// land ends flight f of statement; one that failed is forgotten, so that the next run goes first.
func (p *FirstRuns) land(statement string, f *flight, ok bool) {
	f.ready = ok
	if !ok {
		p.byText.CompareAndDelete(statement, f)
	}
	close(f.done)
}

// isReady tells whether f's run has returned without an error.
func (f *flight) isReady() bool {
	select {
	case <-f.done:
		return f.ready
	default:
		return false
	}
}

// Forget forgets which statements have run, as when Neo4j restarted and lost what it had made
// ready: the next run of each goes first again.
func (p *FirstRuns) Forget() {
	p.byText.Clear()
}

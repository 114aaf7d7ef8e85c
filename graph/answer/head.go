package answer

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/reach-network/reach/graph"
)

// heads shares reads of the change log's head among the fully consistent reads waiting for one.
// A read may take the head from a look that began after it arrived: that head holds every write
// committed before the read arrived, which is all a fully consistent read asks. A look already in
// flight when a read arrives began earlier, so the read waits for the look that follows it, which
// every read arriving during the look in flight shares. So at most two looks are under way at
// once (one in flight, one waiting for it), and however many such reads arrive, Neo4j is asked
// about once per look's duration, not once a read.
type heads struct {
	mu       sync.Mutex
	inFlight *headLook // the look under way, until it ends
	next     *headLook // the look that begins when inFlight ends, shared by the reads that arrived during it
}

// headLook is one read of the head, and what it found once done is closed.
type headLook struct {
	ctx   context.Context // whose values and deadline the look runs with (patient)
	read  func(context.Context) (graph.Token, error)
	began time.Time // when it began; zero until then
	done  chan struct{}
	head  graph.Token
	err   error
}

// at returns the head as read by a look that began no earlier than since, the read's arrival:
// the look in flight when it began at or after since, the one following it otherwise, or a new
// one when none is under way. read makes a look.
func (h *heads) at(ctx context.Context, since time.Time, read func(context.Context) (graph.Token, error)) (graph.Token, error) {
	look := h.join(ctx, since, read)
	select {
	case <-look.done:
		return look.head, look.err
	case <-ctx.Done():
		return graph.Token{}, ctx.Err()
	}
}

// join returns the look a read that arrived at since waits for, beginning it when none is in flight.
func (h *heads) join(ctx context.Context, since time.Time, read func(context.Context) (graph.Token, error)) *headLook {
	h.mu.Lock()
	defer h.mu.Unlock()
	switch {
	case h.inFlight == nil:
		h.inFlight = &headLook{ctx: ctx, read: read, done: make(chan struct{})}
		h.begin(h.inFlight)
		return h.inFlight
	case !h.inFlight.began.Before(since):
		return h.inFlight
	case h.next == nil:
		h.next = &headLook{ctx: ctx, read: read, done: make(chan struct{})}
	default:
		h.next.ctx = patient(h.next.ctx, ctx)
	}
	return h.next
}

// begin starts look now, on its own so that the read that asked for it may give up without
// ending it; h.mu is held.
func (h *heads) begin(look *headLook) {
	look.began = time.Now()
	go h.run(look)
}

// run makes a look, then begins the one that follows it, if a read waits for one.
func (h *heads) run(look *headLook) {
	lookCtx, cancel := detached(look.ctx)
	defer cancel()
	look.head, look.err = look.read(lookCtx)
	close(look.done)
	h.mu.Lock()
	defer h.mu.Unlock()
	h.inFlight, h.next = h.next, nil
	if h.inFlight != nil {
		h.begin(h.inFlight)
	}
}

// patient is whichever of a and b has the later deadline, or none: a look shared by several
// reads runs as long as the most patient of them waits.
func patient(a, b context.Context) context.Context {
	da, okA := a.Deadline()
	db, okB := b.Deadline()
	if !okA || okB && !db.After(da) {
		return a
	}
	return b
}

// detached is ctx for work that others wait on too: it keeps ctx's values and deadline, but does
// not end when the request that began the work gives up.
func detached(ctx context.Context) (context.Context, context.CancelFunc) {
	out := context.WithoutCancel(ctx)
	if d, ok := ctx.Deadline(); ok {
		return context.WithDeadline(out, d)
	}
	return out, func() {}
}

// wrapped adds the operation to a non-nil error, as the stores do, so that a log line says
// where it came from.
func wrapped(err error, format string, args ...any) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("%s: %w", fmt.Sprintf(format, args...), err)
}

package answer

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/reach-network/reach/graph"
)

// heads shares reads of the change log's head among the fully consistent reads waiting for one.
// A read may take the head from a look that began after it did: that head holds every write
// committed before the read began, which is all a fully consistent read asks. So however many
// such reads arrive at once, Neo4j is asked about as often as one look takes, not once a read.
type heads struct {
	mu   sync.Mutex
	next *headLook // the latest look begun, until it ends
}

// headLook is one read of the head, and what it found once done is closed.
type headLook struct {
	began time.Time
	done  chan struct{}
	head  graph.Token
	err   error
}

// at returns the head as read by a look that began no earlier than since: one in flight, or a
// new one made with read.
func (h *heads) at(ctx context.Context, since time.Time, read func(context.Context) (graph.Token, error)) (graph.Token, error) {
	h.mu.Lock()
	look := h.next
	if look == nil || look.began.Before(since) {
		look = &headLook{began: time.Now(), done: make(chan struct{})}
		h.next = look
		go h.run(ctx, look, read)
	}
	h.mu.Unlock()
	select {
	case <-look.done:
		return look.head, look.err
	case <-ctx.Done():
		return graph.Token{}, ctx.Err()
	}
}

// run makes a look, on its own so that the request that began it may give up without ending it.
func (h *heads) run(ctx context.Context, look *headLook, read func(context.Context) (graph.Token, error)) {
	lookCtx, cancel := detached(ctx)
	defer cancel()
	look.head, look.err = read(lookCtx)
	h.mu.Lock()
	if h.next == look {
		h.next = nil
	}
	h.mu.Unlock()
	close(look.done)
}

// shared is ctx for work that others wait on too: it keeps ctx's values and deadline, but does
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

package answer

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/reach-network/reach/graph"
)

// blocking is an answerer that holds every read until released, counting those in flight.
type blocking struct {
	entered chan struct{}
	release chan struct{}
}

func (b *blocking) wait() {
	b.entered <- struct{}{}
	<-b.release
}

func (b *blocking) Reachability(context.Context, string, string) (graph.Reach, error) {
	b.wait()
	return graph.Reach{}, nil
}

func (b *blocking) Reachabilities(context.Context, string, []string) (map[string]graph.Reach, error) {
	b.wait()
	return map[string]graph.Reach{}, nil
}

func (b *blocking) Standings(context.Context, string, []string) (map[string]graph.Standing, error) {
	b.wait()
	return map[string]graph.Standing{}, nil
}

func (b *blocking) MutualConnections(context.Context, string, string, graph.PageRequest) (graph.Page[graph.MemberSummary], error) {
	b.wait()
	return graph.Page[graph.MemberSummary]{}, nil
}

// TestCapRefusesReadsPastIt checks the chain's cap on reads handed to Neo4j: with n reads in
// flight, the next is refused at once with ErrUnavailable and a Retry-After, whichever question it
// asks, rather than queued; once one ends, a read goes through again.
func TestCapRefusesReadsPastIt(t *testing.T) {
	const n = 3
	ctx := context.Background()
	asks := map[string]func(Answerer) error{
		"Reachability": func(a Answerer) error { _, err := a.Reachability(ctx, "a", "b"); return err },
		"Reachabilities": func(a Answerer) error {
			_, err := a.Reachabilities(ctx, "a", []string{"b"})
			return err
		},
		"Standings": func(a Answerer) error {
			_, err := a.Standings(ctx, "a", []string{"b"})
			return err
		},
		"MutualConnections": func(a Answerer) error {
			_, err := a.MutualConnections(ctx, "a", "b", graph.PageRequest{})
			return err
		},
	}
	for name, ask := range asks {
		t.Run(name, func(t *testing.T) {
			next := &blocking{entered: make(chan struct{}), release: make(chan struct{})}
			c := newCapped(n, next)
			var wg sync.WaitGroup
			for range n {
				wg.Add(1)
				go func() {
					defer wg.Done()
					if err := ask(c); err != nil {
						t.Errorf("a read within the cap: %v", err)
					}
				}()
				<-next.entered
			}
			start := time.Now()
			err := ask(c)
			var gerr *graph.Error
			if !errors.Is(err, graph.ErrUnavailable) || !errors.As(err, &gerr) || gerr.RetryAfter <= 0 {
				t.Fatalf("read %d of %d allowed: %v, want ErrUnavailable with a Retry-After", n+1, n, err)
			}
			if waited := time.Since(start); waited > 100*time.Millisecond {
				t.Errorf("refused after %s, want at once", waited)
			}
			if got := c.shed.Load(); got != 1 {
				t.Errorf("%d reads counted refused, want 1", got)
			}
			next.release <- struct{}{} // one read ends
			for len(c.slots) == n {
				time.Sleep(time.Millisecond)
			}
			done := make(chan error)
			go func() { done <- ask(c) }()
			<-next.entered
			close(next.release)
			if err := <-done; err != nil {
				t.Errorf("a read after one ended: %v", err)
			}
			wg.Wait()
		})
	}
}

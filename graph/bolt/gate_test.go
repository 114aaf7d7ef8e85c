package bolt

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/reach-network/reach/graph"
)

// TestGate checks that a gate lets its bound through at once, sheds the next with ErrUnavailable
// and a Retry-After after its short wait rather than queueing it, counts it, and lets work in
// again once a place is given back; a nil gate lets everything through.
func TestGate(t *testing.T) {
	g := NewGate(2)
	var leaves []func()
	for range 2 {
		leave, err := g.Enter(context.Background())
		if err != nil {
			t.Fatalf("within the bound: %v", err)
		}
		leaves = append(leaves, leave)
	}
	start := time.Now()
	_, err := g.Enter(context.Background())
	var ge *graph.Error
	if !errors.Is(err, graph.ErrUnavailable) || !errors.As(err, &ge) || ge.RetryAfter <= 0 {
		t.Fatalf("past the bound: %v, want ErrUnavailable with a Retry-After", err)
	}
	if waited := time.Since(start); waited > 10*gateWait {
		t.Errorf("shed after %s: it queued", waited)
	}
	if g.Shed() != 1 {
		t.Errorf("shed %d, want 1", g.Shed())
	}
	go func() { time.Sleep(gateWait / 4); leaves[0]() }()
	leave, err := g.Enter(context.Background())
	if err != nil {
		t.Fatalf("a place given back within the wait: %v", err)
	}
	leave()
	var none *Gate
	if leave, err := none.Enter(context.Background()); err != nil {
		t.Fatalf("nil gate: %v", err)
	} else {
		leave()
	}
}

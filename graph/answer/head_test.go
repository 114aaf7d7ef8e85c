package answer

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/reach-network/reach/graph"
)

// slowHead is a read of the head that waits to be let go, counting the reads begun.
type slowHead struct {
	reads   atomic.Int64
	release chan struct{}
}

func (h *slowHead) read(context.Context) (graph.Token, error) {
	n := h.reads.Add(1)
	<-h.release
	return graph.Token{Epoch: "e", Seq: n}, nil
}

// TestHeadLooksAreShared checks that reads arriving together share one look at the log's head,
// that a read never takes the head from a look that began before it arrived (that look could
// miss a write acknowledged before the read began), and that a look goes on for the others when
// the request that began it gives up.
func TestHeadLooksAreShared(t *testing.T) {
	var h heads
	slow := &slowHead{release: make(chan struct{})}
	arrived := time.Now()
	var wg sync.WaitGroup
	got := make([]graph.Token, 8)
	for i := range got {
		wg.Add(1)
		go func() {
			defer wg.Done()
			got[i], _ = h.at(context.Background(), arrived, slow.read)
		}()
	}
	for slow.reads.Load() == 0 {
		time.Sleep(time.Millisecond)
	}
	time.Sleep(20 * time.Millisecond) // the others join the look in flight

	late := make(chan graph.Token)
	go func() {
		head, _ := h.at(context.Background(), time.Now(), slow.read)
		late <- head
	}()
	for deadline := time.Now().Add(2 * time.Second); slow.reads.Load() < 2 && time.Now().Before(deadline); {
		time.Sleep(time.Millisecond)
	}
	close(slow.release)
	wg.Wait()
	for i, head := range got {
		if head.Seq != 1 {
			t.Errorf("read %d took the head of look %d, want the first", i, head.Seq)
		}
	}
	if head := <-late; head.Seq != 2 {
		t.Errorf("a read arriving after the look began took look %d's head, want a look of its own", head.Seq)
	}
	if n := slow.reads.Load(); n != 2 {
		t.Errorf("%d looks for 9 reads, want 2", n)
	}
}

// TestHeadLookOutlivesItsRequest checks that the request that began a look can give up without
// failing the reads waiting on it.
func TestHeadLookOutlivesItsRequest(t *testing.T) {
	var h heads
	slow := &slowHead{release: make(chan struct{})}
	ctx, cancel := context.WithCancel(context.Background())
	first := make(chan error)
	go func() {
		_, err := h.at(ctx, time.Now(), slow.read)
		first <- err
	}()
	for slow.reads.Load() == 0 {
		time.Sleep(time.Millisecond)
	}
	joined := make(chan graph.Token)
	go func() {
		head, _ := h.at(context.Background(), time.Now().Add(-time.Hour), slow.read)
		joined <- head
	}()
	time.Sleep(20 * time.Millisecond)
	cancel()
	if err := <-first; !errors.Is(err, context.Canceled) {
		t.Errorf("the request that gave up got %v, want its cancellation", err)
	}
	close(slow.release)
	if head := <-joined; head.Seq != 1 {
		t.Errorf("the read waiting on the look got %+v, want its head", head)
	}
}

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

// TestHeadLooksAreShared checks that reads arriving one after another while a look is in flight
// take none of its head (it began before they arrived, and could miss a write acknowledged before
// they did), and share one look, the one that follows it.
func TestHeadLooksAreShared(t *testing.T) {
	var h heads
	slow := &slowHead{release: make(chan struct{})}
	first := make(chan graph.Token)
	go func() {
		head, _ := h.at(context.Background(), time.Now(), slow.read)
		first <- head
	}()
	for slow.reads.Load() == 0 {
		time.Sleep(time.Millisecond)
	}
	var wg sync.WaitGroup
	got := make([]graph.Token, 8)
	for i := range got {
		time.Sleep(time.Millisecond) // each arrives at a time of its own, after the look began
		arrived := time.Now()
		wg.Go(func() { got[i], _ = h.at(context.Background(), arrived, slow.read) })
	}
	time.Sleep(20 * time.Millisecond) // the last joins before the look in flight ends
	close(slow.release)
	wg.Wait()
	if head := <-first; head.Seq != 1 {
		t.Errorf("the first read took look %d's head, want the first", head.Seq)
	}
	for i, head := range got {
		if head.Seq != 2 {
			t.Errorf("read %d, arriving during the first look, took look %d's head, want the second", i, head.Seq)
		}
	}
	if n := slow.reads.Load(); n != 2 {
		t.Errorf("%d looks for 9 reads, want 2", n)
	}
}

// timedHead is a read of the head that takes a while, recording when each look began and ended.
type timedHead struct {
	took       time.Duration
	mu         sync.Mutex
	began, end []time.Time // by look, from look 1 at index 0
}

func (h *timedHead) read(context.Context) (graph.Token, error) {
	h.mu.Lock()
	h.began = append(h.began, time.Now())
	n := len(h.began)
	h.mu.Unlock()
	time.Sleep(h.took)
	h.mu.Lock()
	defer h.mu.Unlock()
	h.end = append(h.end, time.Now())
	return graph.Token{Epoch: "e", Seq: int64(n)}, nil
}

// TestHeadLooksOverTime has reads arrive one by one, each at a time of its own, while looks take
// 10 ms each, as fully consistent reads reach a replica: every read takes the head
// from a look that began after it arrived (the guarantee), looks never overlap, and there are at
// most two per look's duration over the readers' arrivals, far fewer than reads.
func TestHeadLooksOverTime(t *testing.T) {
	const readers, look, gap = 200, 10 * time.Millisecond, 200 * time.Microsecond
	var h heads
	timed := &timedHead{took: look}
	arrived := make([]time.Time, readers)
	got := make([]graph.Token, readers)
	var wg sync.WaitGroup
	for i := range readers {
		arrived[i] = time.Now()
		wg.Go(func() { got[i], _ = h.at(context.Background(), arrived[i], timed.read) })
		time.Sleep(gap)
	}
	wg.Wait()
	for i, head := range got {
		if began := timed.began[head.Seq-1]; began.Before(arrived[i]) {
			t.Fatalf("read %d took the head of look %d, which began %v before it arrived", i, head.Seq, arrived[i].Sub(began))
		}
	}
	for k := 1; k < len(timed.began); k++ {
		if timed.began[k].Before(timed.end[k-1]) {
			t.Fatalf("look %d began before look %d ended: looks overlap", k+1, k)
		}
	}
	span := arrived[readers-1].Sub(arrived[0])
	if n, most := len(timed.began), int(span/look)+2; n > most || n > readers/4 {
		t.Errorf("%d looks for %d reads arriving over %v; want at most %d: one per look of %v, and two more", n, readers, span, most, look)
	}
	t.Logf("%d looks for %d reads arriving over %v", len(timed.began), readers, span)
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

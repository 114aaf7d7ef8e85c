package neo4jstore

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/reach-network/reach/graph"
)

// queued is a send for the queue's tests, from caller to to.
func queued(ctx context.Context, caller, to string) *sending {
	return &sending{ctx: ctx, caller: caller, draft: graph.Draft{To: to}, done: make(chan struct{})}
}

// TestSendQueueGathersSendsWithoutSharedMembers holds the queue's one transaction while 40 sends
// among 10 members arrive, then lets batches run: no batch holds a member twice or more sends than
// its bound, no more transactions run at once than allowed, every send is answered once, and each
// member's sends are written in the order they came.
func TestSendQueueGathersSendsWithoutSharedMembers(t *testing.T) {
	release := make(chan struct{})
	var (
		mu      sync.Mutex
		batches [][]*sending
		running atomic.Int32
		most    atomic.Int32
	)
	q := &sendQueue{transactions: 2, most: 4, limit: 40}
	q.run = func(batch []*sending) {
		n := running.Add(1)
		defer running.Add(-1)
		if n > most.Load() {
			most.Store(n)
		}
		<-release
		mu.Lock()
		batches = append(batches, batch)
		mu.Unlock()
		for _, r := range batch {
			r.finish(graph.Sent{ID: r.draft.Subject}, nil)
		}
	}
	var all []*sending
	var wg sync.WaitGroup
	for i := range 40 {
		r := queued(context.Background(), fmt.Sprint("m", i%10), fmt.Sprint("m", (i*3+1)%10))
		r.draft.Subject = fmt.Sprint(i)
		all = append(all, r)
		wg.Go(func() { q.send(r) })
		time.Sleep(time.Millisecond) // in this order
	}
	close(release)
	wg.Wait()
	if most.Load() > 2 {
		t.Errorf("%d transactions ran at once, want at most 2", most.Load())
	}
	order := map[string][]*sending{} // each member's sends, in the order written
	for _, b := range batches {
		if len(b) > 4 {
			t.Errorf("a batch of %d sends, want at most 4", len(b))
		}
		seen := map[string]bool{}
		for _, r := range b {
			for _, m := range r.members() {
				if seen[m] {
					t.Errorf("member %s is in two sends of one batch", m)
				}
				seen[m] = true
				order[m] = append(order[m], r)
			}
		}
	}
	for _, r := range all {
		if r.sent.ID != r.draft.Subject || r.err != nil {
			t.Errorf("send %s answered %q, %v", r.draft.Subject, r.sent.ID, r.err)
		}
	}
	for m, sends := range order {
		for i := 1; i < len(sends); i++ {
			if slices.Index(all, sends[i]) < slices.Index(all, sends[i-1]) {
				t.Errorf("member %s: send %s written before send %s, which came first", m, sends[i-1].draft.Subject, sends[i].draft.Subject)
			}
		}
	}
	if len(batches) >= 40 {
		t.Errorf("%d batches for 40 sends: none was gathered", len(batches))
	}
}

// TestSendQueueLetsAWaitingSendGo has a send give up while it waits for a place: it is answered
// with its context's error and never written.
func TestSendQueueLetsAWaitingSendGo(t *testing.T) {
	q, release, written := stalled(&sendQueue{transactions: 1, most: 4, limit: 4})
	first := queued(context.Background(), "a", "b")
	go q.send(first)
	time.Sleep(10 * time.Millisecond) // first holds the one place
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	late := queued(ctx, "c", "d")
	q.send(late)
	if !errors.Is(late.err, context.DeadlineExceeded) {
		t.Errorf("the send that gave up answered %v, want its deadline", late.err)
	}
	close(release)
	<-first.done
	if written() != 1 {
		t.Errorf("%d sends written, want only the one that did not give up", written())
	}
}

// TestSendQueueShedsPastAFullRound fills the queue's one transaction and a round of batches
// behind it: the next send is refused at once with ErrUnavailable, and the others are written.
func TestSendQueueShedsPastAFullRound(t *testing.T) {
	q, release, written := stalled(&sendQueue{transactions: 1, most: 2, limit: 2})
	var wg sync.WaitGroup
	for i := range 3 { // one in the transaction, two waiting: a full round
		wg.Go(func() { q.send(queued(context.Background(), fmt.Sprint("a", i), fmt.Sprint("b", i))) })
		time.Sleep(5 * time.Millisecond)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Second) // were it queued, it would not wait for ever
	defer cancel()
	over := queued(ctx, "c", "d")
	start := time.Now()
	q.send(over)
	if !errors.Is(over.err, graph.ErrUnavailable) || time.Since(start) > 100*time.Millisecond {
		t.Errorf("the send past a full round answered %v after %s, want ErrUnavailable at once", over.err, time.Since(start))
	}
	close(release)
	wg.Wait()
	if written() != 3 || q.shed.Load() != 1 {
		t.Errorf("%d written and %d shed, want 3 and 1", written(), q.shed.Load())
	}
}

// stalled gives q batches that are written only once release is closed, and written, which counts
// the sends written.
func stalled(q *sendQueue) (_ *sendQueue, release chan struct{}, written func() int32) {
	release = make(chan struct{})
	var count atomic.Int32
	q.run = func(batch []*sending) {
		<-release
		for _, r := range batch {
			count.Add(1)
			r.finish(graph.Sent{}, nil)
		}
	}
	return q, release, count.Load
}

package neo4jstore

import (
	"context"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/reach-network/reach/graph"
)

// DefaultSendTransactions and DefaultSendBatch are how many transactions of sends a store has
// Neo4j writing at once, and how many sends one carries at most, unless told otherwise
// (Config.SendTransactions, Config.SendBatch). A transaction costs Neo4j about as much with one
// send as with eight (docs/performance.md, "Sends gathered into shared transactions"), so sends
// arriving while these few are busy wait and go together in the next (whose sends between
// connected members go by one guarded statement beside its transaction: direct.go).
const (
	DefaultSendTransactions = 4
	DefaultSendBatch        = 16
)

// sending is a send waiting to be written: alone, or with others in one transaction (sendAll).
type sending struct {
	ctx                      context.Context
	caller                   string
	draft                    graph.Draft
	key                      string // the idempotency key, "" for none
	attachments, requestHash string // the draft's attachments as JSON, and what the key was sent with
	known                    Known  // what is known of the pair before locks, for the direct way; nil for none
	done                     chan struct{}
	sent                     graph.Sent // once done, the answer: the message sent, or the one sent before with key
	err                      error      // once done, the refusal or failure
}

// members are the two members a send reads and writes.
func (r *sending) members() [2]string { return [2]string{r.caller, r.draft.To} }

// finish gives the send its answer.
func (r *sending) finish(sent graph.Sent, err error) {
	r.sent, r.err = sent, err
	close(r.done)
}

// sendQueue gathers sends into shared transactions: while fewer than transactions are at work, a
// send starts one at once; the sends that arrive while all are busy wait, and the next transaction
// to start takes up to most of them, in the order they came, as long as no member is in two of
// them or in a transaction at work. The sends of one transaction thus never touch each other's
// facts, transactions of sends never wait for each other's member locks, and a member's sends are
// written in the order they came.
type sendQueue struct {
	transactions, most int
	limit              int                    // sends that may wait at once: a round of batches
	run                func(batch []*sending) // writes a batch and finishes each of its sends

	transactionsRun, sendsRun atomic.Int64 // batches run, and the sends they carried (SendStats)
	shed                      atomic.Int64 // sends refused with a full queue
	direct, missed            atomic.Int64 // sends written directly, and those whose guard found facts changed, theirs or a batch-mate's (direct.go)

	mu      sync.Mutex
	waiting []*sending
	running int             // transactions at work
	busy    map[string]bool // the members of the sends being written
}

// send queues r and returns once it has its answer, or once ctx ends while r still waits, having
// written nothing. With a full round of batches already waiting (limit: transactions × most), it
// refuses r at once with ErrUnavailable: more would wait longer than a send should, and a Neo4j
// that far behind is better asked again later than buried.
func (q *sendQueue) send(r *sending) {
	q.mu.Lock()
	if len(q.waiting) >= q.limit {
		q.mu.Unlock()
		q.shed.Add(1)
		r.finish(graph.Sent{}, &graph.Error{Kind: graph.ErrUnavailable, RetryAfter: time.Second,
			Detail: "reach has more sends waiting for the graph database than it lets wait; try again shortly"})
		return
	}
	q.waiting = append(q.waiting, r)
	start := q.running < q.transactions
	if start {
		q.running++
	}
	q.mu.Unlock()
	if start {
		go q.drain()
	}
	select {
	case <-r.done:
	case <-r.ctx.Done():
		if q.withdraw(r) {
			r.finish(graph.Sent{}, r.ctx.Err())
			return
		}
		<-r.done // taken already: its transaction's deadline is no later than ctx's
	}
}

// drain writes batches while sends wait, then leaves its place to the next send.
func (q *sendQueue) drain() {
	for {
		batch := q.take()
		if len(batch) == 0 {
			return
		}
		q.transactionsRun.Add(1)
		q.sendsRun.Add(int64(len(batch)))
		q.run(batch)
		q.written(batch)
	}
}

// written frees the members of a batch for the sends that wait.
func (q *sendQueue) written(batch []*sending) {
	q.mu.Lock()
	defer q.mu.Unlock()
	for _, r := range batch {
		m := r.members()
		delete(q.busy, m[0])
		delete(q.busy, m[1])
	}
}

// take removes the next batch from the queue: up to most sends, in the order they came, with no
// member in common nor with a batch being written. With none to take, it gives up the caller's
// place among the transactions: the batch being written that holds the others back takes them
// when it is done.
func (q *sendQueue) take() []*sending {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.busy == nil {
		q.busy = map[string]bool{}
	}
	var batch, rest []*sending
	held := map[string]bool{} // members of sends left waiting: their later sends wait behind them
	for _, r := range q.waiting {
		m := r.members()
		if len(batch) == q.most || q.busy[m[0]] || q.busy[m[1]] || held[m[0]] || held[m[1]] {
			rest = append(rest, r)
			held[m[0]], held[m[1]] = true, true
			continue
		}
		batch = append(batch, r)
		q.busy[m[0]], q.busy[m[1]] = true, true
	}
	q.waiting = rest
	if len(batch) == 0 {
		q.running--
	}
	return batch
}

// withdraw takes r out of the queue if it still waits there.
func (q *sendQueue) withdraw(r *sending) bool {
	q.mu.Lock()
	defer q.mu.Unlock()
	i := slices.Index(q.waiting, r)
	if i < 0 {
		return false
	}
	q.waiting = slices.Delete(q.waiting, i, i+1)
	return true
}

// batchContext is the context a batch's transaction runs in: the first send's values (a lone
// send's trace, and the like; sendBatch gives a batch of several a span of its own), not ended
// when one of the sends' requests goes away, and with the earliest of their deadlines, so that no
// send is written after its request gave up.
func batchContext(batch []*sending) (context.Context, context.CancelFunc) {
	ctx := context.WithoutCancel(batch[0].ctx)
	var earliest time.Time
	for _, r := range batch {
		if d, ok := r.ctx.Deadline(); ok && (earliest.IsZero() || d.Before(earliest)) {
			earliest = d
		}
	}
	if earliest.IsZero() {
		return context.WithCancel(ctx)
	}
	return context.WithDeadline(ctx, earliest)
}

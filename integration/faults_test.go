package integration

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
)

// TestFaults runs two reach replicas as processes on the test Neo4j, a writer changing the
// network through both in turn and readers asking both, in every consistency mode, while faults
// strike one after another:
//   - a replica paused (SIGSTOP) for three staleness bounds, then resumed;
//   - a replica killed (SIGKILL) and started again from its snapshot;
//   - when the harness can stop, start and back up Neo4j (make test's can), unless
//     REACH_TEST_NEO4J_FAULTS=0: Neo4j stopped and started again; a backup taken (neo4j-admin
//     dump, Neo4j stopped meanwhile), more writes, and the backup restored behind the running
//     replicas, losing those writes. Before each statement's first run went first (bolt.FirstRuns),
//     writes through the replicas failed for more than the 90 s a write may take here after
//     Neo4j came back (docs/performance.md, "The first run of a statement").
//
// A write that fails is sent again, through either replica, until one answers it, as a client
// does; every write is one a retry may repeat. Every read answered (200 or 404) is checked against
// the model of TestTwoReplicas: fully_consistent sees every write answered before it was asked,
// at_least_as_fresh the write whose token it carries, the default nothing older than the
// staleness bound; a restore is a write that puts back the network as the backup held it.
// Reads may go unanswered only with 503, or with no answer from a replica paused or killed, or
// with 400 for the token of a write the restore lost. The test reports the answers checked and
// those outside their mode's guarantee, which must be none.
//
// Besides, the writer sends messages from one member to another, each with its Idempotency-Key,
// and the recipient listens to its event stream, reconnecting to either replica with
// Last-Event-ID whenever its stream ends: every message answered must be heard once, unless the
// restore lost it or a resync told the client to reload after it was sent; none may be heard
// twice.
func TestFaults(t *testing.T) {
	if testing.Short() {
		t.Skip("starts and stops reach processes and Neo4j")
	}
	withNeo4j := os.Getenv("REACH_TEST_NEO4J_BACKUP") != "" && os.Getenv("REACH_TEST_NEO4J_FAULTS") != "0"
	var dump, load, stopNeo4j, startNeo4j func()
	if withNeo4j {
		dumpTo, loadFrom := backups(t)
		dir := t.TempDir()
		dump, load = func() { dumpTo(dir) }, func() { loadFrom(dir) }
		stopNeo4j, startNeo4j = neo4jControl(t)
	}
	const bound = 500 * time.Millisecond
	f := newFaultRun(t, bound)

	f.run(func() {
		time.Sleep(3 * time.Second)
		f.pause(0, 3*bound)
		f.kill(1)
		if withNeo4j {
			f.outage(stopNeo4j, startNeo4j)
			f.restore(dump, load)
		}
	})

	violations := f.check()
	t.Logf("%d answers checked (%v), %d outside their mode's guarantee; %d reads unanswered during faults; %d writes, %d tries failed",
		len(f.reads), f.byMode(), violations, f.unanswered.Load(), len(f.history), f.retried.Load())
	if violations > 0 {
		t.Errorf("%d answers outside their mode's guarantee", violations)
	}
	lost, twice, excused := f.heard.check(f.sent)
	t.Logf("%d messages sent, %d heard; %d events lost, %d heard twice, %d lost to the restore or covered by a resync",
		len(f.sent), f.heard.total(), lost, twice, excused)
	if lost > 0 || twice > 0 {
		t.Errorf("%d events lost and %d heard twice", lost, twice)
	}
	if len(f.reads) < 100 || len(f.history) < 40 || len(f.sent) < 5 {
		t.Errorf("%d reads answered, %d writes and %d messages: the test checked too little", len(f.reads), len(f.history), len(f.sent))
	}
}

// faultRun is one run of TestFaults: the replicas, the model, and what was written and read.
type faultRun struct {
	t        *testing.T
	bound    time.Duration
	replicas [2]atomic.Pointer[reachProcess]
	settings [2]map[string]string
	net      *replicaModel
	// sender messages listener; heard is what the listener's streams told.
	sender, listener string
	heard            *listening
	sent             []answeredSend

	writing    sync.Mutex // held by each write, and by a restore so that no write is in flight
	mu         sync.Mutex // guards history and reads
	history    []writeRecord
	reads      []readRecord
	unanswered atomic.Int64
	retried    atomic.Int64
}

// newFaultRun starts the replicas, each with a snapshot of its own, and creates the model's
// members.
func newFaultRun(t *testing.T, bound time.Duration) *faultRun {
	id := ids(t)
	f := &faultRun{t: t, bound: bound, net: newReplicaModel(id), sender: id("sender"), listener: id("listener"),
		heard: &listening{count: map[string]int{}}}
	dir := t.TempDir()
	for i := range f.replicas {
		f.settings[i] = map[string]string{"REACH_STALENESS_BOUND": bound.String(), "REACH_RATE_LIMIT": "100000",
			"REACH_RATE_BURST": "100000", "REACH_PROJECTION_SNAPSHOT": filepath.Join(dir, fmt.Sprintf("replica%d", i))}
		r := startReach(t, env.neo4jURI, f.settings[i])
		waitReady(t, r, 20*time.Second)
		f.replicas[i].Store(r)
	}
	for _, m := range append(slices.Clone(f.net.members), f.sender, f.listener) {
		f.settle(replicaWrite{method: http.MethodPut, path: "/v1/admin/members/" + m, admin: true,
			body: map[string]any{"name": m}, model: func() {}}, 0)
	}
	f.settle(replicaWrite{method: http.MethodPost, path: "/v1/admin/connections", admin: true,
		body: map[string]string{"a": f.sender, "b": f.listener}, model: func() {}}, 0)
	time.Sleep(2 * bound) // the members' creation is then older than any read may lag: state 0
	return f
}

// run writes and reads while faults runs, then a little longer, and listens until the events of
// the last writes have had time to arrive.
func (f *faultRun) run(faults func()) {
	done, heard := make(chan struct{}), make(chan struct{})
	var wg, listener sync.WaitGroup
	wg.Go(func() { f.write(rand.New(rand.NewPCG(3, 4)), done) })
	listener.Go(func() { f.listen(heard) })
	f.warmUp(20, time.Minute)
	for r := range 2 {
		wg.Go(func() { f.read(rand.New(rand.NewPCG(uint64(r), 11)), done) })
	}
	faults()
	time.Sleep(2 * time.Second)
	close(done)
	wg.Wait()
	time.Sleep(2 * f.bound)
	close(heard)
	listener.Wait()
}

// warmUp waits until the writer has made n writes, or for d: Neo4j plans each statement the
// first time it runs, which takes seconds on a fresh database, and the faults are to strike a
// writer in its stride.
func (f *faultRun) warmUp(n int, d time.Duration) {
	for deadline := time.Now().Add(d); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		f.mu.Lock()
		made := len(f.history)
		f.mu.Unlock()
		if made >= n {
			return
		}
	}
}

// write makes random writes through the replicas in turn until done.
func (f *faultRun) write(rng *rand.Rand, done chan struct{}) {
	for k := 0; ; k++ {
		select {
		case <-done:
			return
		default:
		}
		f.writing.Lock()
		w := f.net.randomWrite(rng)
		f.mu.Lock()
		f.history = append(f.history, writeRecord{started: time.Now()})
		f.mu.Unlock()
		token, ok := f.settle(w, k)
		if !ok {
			f.writing.Unlock()
			return
		}
		f.mu.Lock()
		last := &f.history[len(f.history)-1]
		last.acked, last.token, last.state = time.Now(), token, f.net.snapshot()
		f.mu.Unlock()
		if rng.IntN(3) == 0 && !f.send(k) {
			f.writing.Unlock()
			return
		}
		f.writing.Unlock()
		time.Sleep(time.Duration(rng.IntN(30)) * time.Millisecond)
	}
}

// settle sends w through the replicas, beginning with the k-th, until one answers it, as a client
// retries after a failure, and returns its token. A try whose answer was lost may have committed,
// so a retried removal may find nothing left to remove (404): that settles it too. It fails the
// test, answering false, when no replica answers for settleWithin, or answers otherwise.
func (f *faultRun) settle(w replicaWrite, k int) (string, bool) {
	tok := adminToken(f.t)
	if !w.admin {
		tok = token(f.t, w.as)
	}
	began := time.Now()
	for try := 0; ; try++ {
		c, err := f.replicas[(k+try)%2].Load().attempt(tok, w.method, w.path, w.body, nil, 10*time.Second)
		switch {
		case err == nil && c.Status < 300:
			w.model()
			return c.Header.Get("Consistency-Token"), true
		case err == nil && c.Status == http.StatusNotFound && try > 0 && w.method == http.MethodDelete:
			w.model()
			return "", true
		case (err != nil || c.Status == http.StatusServiceUnavailable) && time.Since(began) < settleWithin:
			f.retried.Add(1)
			time.Sleep(100 * time.Millisecond)
		case err != nil:
			f.t.Errorf("%s %s: no replica answered it in %s: %v", w.method, w.path, settleWithin, err)
			return "", false
		default:
			f.t.Errorf("%s %s: %d %s", w.method, w.path, c.Status, c.Body)
			return "", false
		}
	}
}

// settleWithin is how long a write may go unanswered while Neo4j is back: longer than any fault
// of the test keeps Neo4j away.
const settleWithin = 90 * time.Second

// read asks a random replica about a random member, in a random mode, until done.
func (f *faultRun) read(rng *rand.Rand, done chan struct{}) {
	for {
		select {
		case <-done:
			return
		default:
		}
		f.mu.Lock()
		known, latest := len(f.history), ""
		for k := known - 1; k >= 0 && latest == ""; k-- {
			if !f.history[k].acked.IsZero() {
				latest, known = f.history[k].token, k+1
			}
		}
		f.mu.Unlock()
		rec, path := newRead(f.net, rng, known, latest)
		rec.t0 = time.Now()
		c, err := f.replicas[rng.IntN(2)].Load().attempt(token(f.t, f.net.members[0]), http.MethodGet, path, nil, nil, 10*time.Second)
		rec.t1 = time.Now()
		if err == nil && rec.answered(f.t, c) {
			f.mu.Lock()
			f.reads = append(f.reads, rec)
			f.mu.Unlock()
			continue
		}
		f.unanswered.Add(1)
		lostToken := err == nil && c.Status == http.StatusBadRequest && rec.mode == "at_least_as_fresh"
		if err == nil && c.Status != http.StatusServiceUnavailable && !lostToken {
			f.t.Errorf("%s read of %s: %d %s", rec.mode, rec.member, c.Status, c.Body)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// outage stops Neo4j and starts it again.
func (f *faultRun) outage(stop, start func()) {
	f.t.Helper()
	began := time.Now()
	stop()
	time.Sleep(time.Second)
	start()
	f.t.Logf("Neo4j stopped and started again in %s", time.Since(began).Round(time.Millisecond))
	time.Sleep(time.Second)
}

// pause stops replica i for d, then lets it go on.
func (f *faultRun) pause(i int, d time.Duration) {
	f.t.Helper()
	p := f.replicas[i].Load().cmd.Process
	if err := p.Signal(syscall.SIGSTOP); err != nil {
		f.t.Fatal(err)
	}
	time.Sleep(d)
	if err := p.Signal(syscall.SIGCONT); err != nil {
		f.t.Fatal(err)
	}
	f.t.Logf("replica %d paused for %s and resumed", i, d)
	time.Sleep(3 * time.Second)
}

// kill kills replica i at once and starts another in its place, with its settings and snapshot,
// which must restore its projection from the snapshot rather than load it.
func (f *faultRun) kill(i int) {
	f.t.Helper()
	if err := f.replicas[i].Load().cmd.Process.Kill(); err != nil {
		f.t.Fatal(err)
	}
	began := time.Now()
	r := startReach(f.t, env.neo4jURI, f.settings[i])
	f.replicas[i].Store(r)
	waitLoaded(f.t, r, 30*time.Second, "snapshot")
	f.t.Logf("replica %d killed, started again and restored from its snapshot in %s", i, time.Since(began).Round(time.Millisecond))
	time.Sleep(3 * time.Second)
}

// restore takes a backup, lets writes go on for a while, then restores it with no write in
// flight: the writes made since are lost, and the model's network goes back to the backup's.
func (f *faultRun) restore(dump, load func()) {
	f.t.Helper()
	f.writing.Lock()
	dump()
	dumped, backup := time.Now(), f.net.snapshot()
	f.writing.Unlock()
	time.Sleep(2 * time.Second)
	f.writing.Lock()
	defer f.writing.Unlock()
	f.mu.Lock()
	f.history = append(f.history, writeRecord{started: time.Now()})
	f.mu.Unlock()
	load()
	f.net.state = backup
	f.mu.Lock()
	for i := range f.sent {
		if f.sent[i].at.After(dumped) {
			f.sent[i].restoredAway = true
		}
	}
	f.mu.Unlock()
	f.mu.Lock()
	last := &f.history[len(f.history)-1]
	last.acked, last.state = time.Now(), f.net.snapshot()
	f.mu.Unlock()
}

// check counts the reads whose answers fall outside their mode's guarantee, reporting the first.
func (f *faultRun) check() int {
	violations := 0
	for _, rd := range f.reads {
		if !f.net.allowed(rd, f.history, f.bound) {
			violations++
			if violations <= 5 {
				f.t.Errorf("%s read of %s answered %+v, which no state it may show has (write %d known when asked)",
					rd.mode, rd.member, rd.answer, rd.known)
			}
		}
	}
	return violations
}

// byMode counts the answers checked by mode.
func (f *faultRun) byMode() map[string]int {
	out := map[string]int{}
	for _, rd := range f.reads {
		out[rd.mode]++
	}
	return out
}

// waitLoaded waits until r logs that its projection is loaded, and checks where from.
func waitLoaded(t *testing.T, r *reachProcess, within time.Duration, from string) {
	t.Helper()
	for deadline := time.Now().Add(within); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		for _, rec := range r.records(t) {
			if msg, _ := rec["msg"].(string); strings.HasPrefix(msg, "projection loaded") {
				if got, _ := rec["from"].(string); got != from {
					t.Errorf("the projection was loaded from %q, want %s", got, from)
				}
				return
			}
		}
	}
	t.Fatalf("the projection was not loaded in %s", within)
}

// answeredSend is a message the writer sent and had answered: its id, when it was answered, and
// whether a restore of a backup taken before it lost it.
type answeredSend struct {
	id           string
	at           time.Time
	restoredAway bool
}

// send sends the listener one message through the replicas, beginning with the k-th, retrying
// with the same Idempotency-Key until one answers it, and records it.
func (f *faultRun) send(k int) bool {
	key := http.Header{"Idempotency-Key": {fmt.Sprintf("fault-%d-%d", k, time.Now().UnixNano())}}
	body := map[string]any{"to": f.listener, "body": fmt.Sprintf("message %d", k)}
	began := time.Now()
	for try := 0; ; try++ {
		c, err := f.replicas[(k+try)%2].Load().attempt(token(f.t, f.sender), http.MethodPost, "/v1/messages", body, key, 10*time.Second)
		switch {
		case err == nil && c.Status == http.StatusCreated:
			var sent struct{ ID string }
			_ = json.Unmarshal(c.Body, &sent)
			f.mu.Lock()
			f.sent = append(f.sent, answeredSend{id: sent.ID, at: time.Now()})
			f.mu.Unlock()
			return true
		case (err != nil || c.Status == http.StatusServiceUnavailable) && time.Since(began) < settleWithin:
			f.retried.Add(1)
			time.Sleep(100 * time.Millisecond)
		default:
			f.t.Errorf("send %d: %d %s (%v)", k, c.Status, c.Body, err)
			return false
		}
	}
}

// listening is what the listener's streams told: how often each message was heard, and when the
// latest resync came.
type listening struct {
	mu       sync.Mutex
	count    map[string]int
	resynced time.Time
}

// listen keeps the listener's event stream open until done, on either replica in turn, resuming
// each time with the id of the last event heard.
func (f *faultRun) listen(done chan struct{}) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() { <-done; cancel() }()
	last := ""
	for k := 0; ctx.Err() == nil; k++ {
		res, err := streamRequestAt(ctx, f.t, f.replicas[k%2].Load().url, f.listener, last)
		if err != nil || res.StatusCode != http.StatusOK {
			if err == nil {
				res.Body.Close()
			}
			time.Sleep(100 * time.Millisecond)
			continue
		}
		last = f.heard.read(res, last)
	}
}

// read records the events of one stream until it ends, and returns the id of the last.
func (l *listening) read(res *http.Response, last string) string {
	defer res.Body.Close()
	eachEvent(res.Body, func(id, typ, data string) {
		l.heard(typ, data)
		if id != "" {
			last = id
		}
	})
	return last
}

// heard records one event.
func (l *listening) heard(typ, data string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	switch typ {
	case "resync":
		l.resynced = time.Now()
	case "message":
		var m struct{ ID string }
		_ = json.Unmarshal([]byte(data), &m)
		l.count[m.ID]++
	}
}

// total is how many message events were heard.
func (l *listening) total() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	n := 0
	for _, c := range l.count {
		n += c
	}
	return n
}

// check counts the messages sent but never heard, those heard more than once, and those not
// heard that the restore lost or a later resync covered.
func (l *listening) check(sent []answeredSend) (lost, twice, excused int) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, m := range sent {
		switch c := l.count[m.id]; {
		case c > 1:
			twice++
		case c == 1:
		case m.restoredAway || l.resynced.After(m.at):
			excused++
		default:
			lost++
		}
	}
	return lost, twice, excused
}

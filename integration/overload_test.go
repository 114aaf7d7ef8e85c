package integration

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/reach-network/reach/bench"
	"github.com/reach-network/reach/seed"
)

// TestSendOverloadRecovers offers a `reach serve` process sends open loop, each with its own
// Idempotency-Key, at several times the rate it can write them, then at a rate it holds. It
// checks the promise of overload:
//   - under overload every send is answered as the rules answer it or shed with 503 and
//     Retry-After, never failed nor left hanging (the load's client gives up at 10 s);
//   - as soon as the load is back to what reach holds, nothing is shed and nothing fails: the
//     overload left no queue, stale projection or turned-off fast path behind;
//   - nothing is lost nor written twice: each shed send, sent again with its key once the
//     overload is over, is written or finds what it wrote, and one in ten of the others, sent
//     again, is answered as it was first; then every key whose send was answered 201 has
//     exactly one message, and no other key has any.
//
// How much is shed, and latency under overload, are for the benchmark to measure, not a test.
func TestSendOverloadRecovers(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a reach process under load")
	}
	id := ids(t)
	g := importNetwork(t, seed.Spec{Members: 2000, AvgDegree: 10, Seed: 11, IDPrefix: id("o")})
	reach := startReach(t, env.neo4jURI, map[string]string{"REACH_RATE_LIMIT": "1000000", "REACH_RATE_BURST": "1000000"})
	waitReady(t, reach, time.Minute)

	sends := &sendLedger{url: reach.url, prefix: id("key") + "-", client: loadClient()}
	ops := []bench.Op{{Name: "send", Weight: 1, Do: sends.op(g)}}
	over := bench.Load{Rate: overloadRate, Duration: overloadFor, Seed: 1}.Run(context.Background(), ops)
	check(t, "overload", over, true)
	check(t, "after the overload", bench.Load{Rate: heldRate, Duration: heldFor, Seed: 2}.Run(context.Background(), ops), false)

	sends.resend(t, sends.toResend())
	sends.checkWritten(t)
}

// The overload: a rate several times what two cores write, for long enough to fill every queue
// of sends; then a rate they hold, at which nothing may be shed.
const (
	overloadRate = 1500
	overloadFor  = 4 * time.Second
	heldRate     = 40
	heldFor      = 5 * time.Second
)

// loadClient is an HTTP client for an open-loop load: it keeps enough idle connections that a
// burst does not open one a request.
func loadClient() *http.Client {
	transport := http.DefaultTransport.(*http.Transport).Clone()
	transport.MaxIdleConnsPerHost = 1000
	return &http.Client{Timeout: 10 * time.Second, Transport: transport}
}

// sendLedger sends messages between connected members, each with a key of its own, and keeps
// every send and its latest answer.
type sendLedger struct {
	url    string
	prefix string
	client *http.Client
	next   atomic.Int64
	mu     sync.Mutex
	sends  map[string]*keyedSend // by key
}

// keyedSend is one send and the status of its latest answer.
type keyedSend struct {
	key, from, body string
	status          int
}

// op is the load's send: to a connection drawn from g, answered 201, or 403 or 404 where the
// rules refuse it (a block), or shed.
func (l *sendLedger) op(g *seed.Generated) func(context.Context, *rand.Rand) error {
	l.sends = map[string]*keyedSend{}
	connections := g.Counts().Connections
	return func(ctx context.Context, rng *rand.Rand) error {
		c := g.Connection(rng.IntN(connections))
		key := fmt.Sprintf("%s%d", l.prefix, l.next.Add(1))
		s := &keyedSend{key: key, from: c.A, body: fmt.Sprintf(`{"to": %q, "body": "overload %s"}`, c.B, key)}
		status, shed, err := l.post(ctx, s)
		l.mu.Lock()
		s.status = status
		l.sends[key] = s
		l.mu.Unlock()
		switch {
		case err != nil:
			return err
		case shed:
			return bench.ErrShed
		case status == http.StatusCreated || status == http.StatusForbidden || status == http.StatusNotFound:
			return nil
		}
		return fmt.Errorf("send %s: status %d", key, status)
	}
}

// post sends s once and tells its status, and whether it was shed (503 with Retry-After).
func (l *sendLedger) post(ctx context.Context, s *keyedSend) (status int, shed bool, err error) {
	return loadCall(ctx, l.client, l.url, s.from, http.MethodPost, "/v1/messages", s.body, http.Header{"Idempotency-Key": {s.key}})
}

// toResend returns the sends a client would send again (those shed), and one in ten of the
// others, whose answer the send again must replay.
func (l *sendLedger) toResend() []*keyedSend {
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []*keyedSend
	i := 0
	for _, s := range l.sends {
		if i++; s.status == http.StatusServiceUnavailable || i%10 == 0 {
			out = append(out, s)
		}
	}
	return out
}

// resend sends each of sends again with its key, as a client told to retry would, a few at a
// time, each until it is answered other than shed.
func (l *sendLedger) resend(t *testing.T, sends []*keyedSend) {
	t.Helper()
	var wg sync.WaitGroup
	next := make(chan *keyedSend)
	failures := make(chan error, len(sends))
	for range 4 {
		wg.Go(func() {
			for s := range next {
				if err := l.resendOne(s); err != nil {
					failures <- err
				}
			}
		})
	}
	for _, s := range sends {
		next <- s
	}
	close(next)
	wg.Wait()
	close(failures)
	for err := range failures {
		t.Error(err)
	}
}

// resendOne sends s again until it is answered other than shed, and keeps that answer.
func (l *sendLedger) resendOne(s *keyedSend) error {
	for range 20 {
		status, shed, err := l.post(context.Background(), s)
		if err != nil {
			return fmt.Errorf("resending %s: %w", s.key, err)
		}
		if !shed {
			if s.status != http.StatusServiceUnavailable && status != s.status {
				return fmt.Errorf("resending %s: answered %d, first %d", s.key, status, s.status)
			}
			s.status = status
			return nil
		}
		time.Sleep(100 * time.Millisecond)
	}
	return fmt.Errorf("resending %s: still shed after 20 tries", s.key)
}

// checkWritten compares the messages Neo4j holds under the ledger's keys with the answers.
func (l *sendLedger) checkWritten(t *testing.T) {
	t.Helper()
	written := map[string]int64{}
	for _, rec := range cypherRun(t, `MATCH ()-[m:MESSAGED]->() WHERE m.idempotencyKey STARTS WITH $prefix
	                                 RETURN m.idempotencyKey AS key, count(*) AS n`, map[string]any{"prefix": l.prefix}) {
		written[rec.Values[0].(string)] = rec.Values[1].(int64)
	}
	created := 0
	for key, s := range l.sends {
		want := int64(0)
		if s.status == http.StatusCreated {
			want, created = 1, created+1
		}
		if written[key] != want {
			t.Errorf("send %s answered %d has %d messages, want %d", key, s.status, written[key], want)
		}
		delete(written, key)
	}
	for key, n := range written {
		t.Errorf("%d messages under key %s, which no send was answered", n, key)
	}
	t.Logf("%d sends, %d written", len(l.sends), created)
}

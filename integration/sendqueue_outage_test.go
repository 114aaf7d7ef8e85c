package integration

import (
	"fmt"
	"net/http"
	"sync"
	"testing"
	"time"
)

// TestSendQueueWithNeo4jSilent offers many sends at once to a replica whose Neo4j has gone
// silent (connections open, no answer), with a small queue of sends (2 transactions of at most 4
// sends, so 8 may wait): every send is answered 503 with Retry-After, those past the queue's bound
// at once and the rest within the write timeout, none left hanging; once Neo4j answers again,
// each send retried with its Idempotency-Key lands exactly once. The members are read from memory
// first, so that nothing but the sends asks Neo4j.
func TestSendQueueWithNeo4jSilent(t *testing.T) {
	const sends = 40
	link := newFaultyLink(t, boltAddress(t, env.neo4jURI))
	link.up()
	reach := startReach(t, "bolt://"+link.addr, map[string]string{
		"REACH_READ_TIMEOUT": outageReadTimeout.String(), "REACH_WRITE_TIMEOUT": outageWriteTimeout.String(),
		"REACH_SEND_TRANSACTIONS": "2", "REACH_SEND_BATCH": "4",
	})
	waitReady(t, reach, 20*time.Second)
	id := ids(t)
	pairs := make([][2]string, sends)
	for i := range pairs {
		pairs[i] = [2]string{id(fmt.Sprint("from", i)), id(fmt.Sprint("to", i))}
		for _, m := range pairs[i] {
			setUp(t, reach, http.MethodPut, "/v1/admin/members/"+m, map[string]any{"name": m})
		}
		setUp(t, reach, http.MethodPost, "/v1/admin/connections", map[string]any{"a": pairs[i][0], "b": pairs[i][1]})
	}
	offer := func() []call {
		answers := make([]call, sends)
		failures := make([]error, sends)
		var wg sync.WaitGroup
		for i, p := range pairs {
			wg.Go(func() {
				answers[i], failures[i] = reach.attempt(token(t, p[0]), http.MethodPost, "/v1/messages",
					map[string]any{"to": p[1], "body": "sent while Neo4j was silent"},
					http.Header{"Idempotency-Key": {fmt.Sprint("queue-", i)}}, outageWriteTimeout+2*outageSlack)
			})
		}
		wg.Wait()
		for i, err := range failures {
			if err != nil {
				t.Fatalf("send %d: no answer: %v", i, err)
			}
		}
		return answers
	}

	for _, p := range pairs { // the members known from memory: the sends ask Neo4j nothing before the queue
		reach.do(t, token(t, p[0]), http.MethodGet, "/v1/members/"+p[1]+"/reachability", nil, nil)
	}
	link.silence()
	shedBefore := metric(t, reach, "reach_sends_shed_total")
	shedAtOnce := 0
	for _, c := range offer() {
		expectUnavailable(t, c, outageWriteTimeout)
		if c.Elapsed < outageWriteTimeout/2 {
			shedAtOnce++
		}
	}
	shed := metric(t, reach, "reach_sends_shed_total") - shedBefore
	if int(shed) < sends-16 || shedAtOnce < int(shed) {
		t.Errorf("%v sends refused by the full queue, %d answered at once: want all but the 16 it holds (8 waiting, 8 being written), each at once",
			shed, shedAtOnce)
	}
	t.Logf("%v of %d sends refused by the full queue; %d answered at once, the rest at the timeouts", shed, sends, shedAtOnce)

	link.up()
	waitReady(t, reach, 10*time.Second)
	for i, p := range pairs {
		key := http.Header{"Idempotency-Key": {fmt.Sprint("queue-", i)}}
		first := retryUntilAnswered(t, reach, token(t, p[0]), map[string]any{"to": p[1], "body": "sent while Neo4j was silent"}, key, recovery)
		if n := countSent(t, reach, token(t, p[0]), "sent while Neo4j was silent"); n != 1 {
			t.Errorf("send %d landed %d times, want exactly once (message %s)", i, n, messageID(t, first))
		}
	}
}

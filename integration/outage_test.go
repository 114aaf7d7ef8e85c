package integration

import (
	"context"
	"encoding/json"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/reach-network/reach/api"
	"github.com/reach-network/reach/cypher"
	"github.com/reach-network/reach/graph"
	"github.com/reach-network/reach/graph/neo4jstore"
)

// Bounds the outage test gives reach, and the slack it allows a loaded two-core machine.
const (
	outageReadTimeout  = time.Second
	outageWriteTimeout = 2 * time.Second
	outageSlack        = 1500 * time.Millisecond
	// recovery bounds the wait for answers once Neo4j is back, cold after a restart.
	recovery = time.Minute
)

// TestOutage takes Neo4j away from a `reach serve` process, in both ways it goes away (stopped:
// connections refused and cut; silent: connections open but nothing comes back), and checks what
// clients see: every request answered 503 with Retry-After within its bound, reads within the
// read timeout and writes within the write timeout, never a connection closed without an answer;
// /readyz 503; and, once Neo4j is back, a send retried with its Idempotency-Key lands exactly
// once. The other tests keep using Neo4j meanwhile: it is cut off from this process only, by a
// link between the two (faultyLink).
func TestOutage(t *testing.T) {
	link := newFaultyLink(t, boltAddress(t, env.neo4jURI))
	link.down()
	reach := startReach(t, "bolt://"+link.addr, map[string]string{
		"REACH_READ_TIMEOUT": outageReadTimeout.String(), "REACH_WRITE_TIMEOUT": outageWriteTimeout.String(),
	})
	id := ids(t)
	alice, bob := id("alice"), id("bob")
	aliceToken := token(t, alice)

	t.Run("StartsWhileNeo4jIsDown", func(t *testing.T) {
		expectNotReady(t, reach, "pending")
		expectUnavailable(t, reach.do(t, aliceToken, http.MethodGet, "/v1/me", nil, nil), outageReadTimeout)
	})
	link.up()
	waitReady(t, reach, 20*time.Second)
	for _, m := range []string{alice, bob} {
		setUp(t, reach, http.MethodPut, "/v1/admin/members/"+m, map[string]any{"name": m})
	}
	setUp(t, reach, http.MethodPost, "/v1/admin/connections", map[string]any{"a": alice, "b": bob})

	stop, start := neo4jControl(t)
	restarts := stop != nil // Stopped stops the real Neo4j, rather than cutting the link
	if !restarts {
		stop, start = link.down, link.up
	}
	for i, fault := range []struct {
		name         string
		cut, restore func()
	}{
		{"Stopped", stop, start},            // the real Neo4j stopped, where the test harness started it
		{"Unreachable", link.down, link.up}, // connections refused and cut
		{"Silent", link.silence, link.up},   // connections open, answers never coming
	} {
		t.Run(fault.name, func(t *testing.T) {
			startedBefore := neo4jStarted(t)
			fault.cut()
			// Default reachability reads and mutual pages may still be answered from memory within
			// the staleness bound; these all need Neo4j.
			reads := []string{"/v1/members/" + bob + "/reachability?consistency=fully_consistent", "/v1/inbox",
				"/v1/members/" + bob + "/mutual-connections?consistency=fully_consistent", "/v1/conversations",
				"/v1/conversations/" + graph.ThreadID(alice, bob)}
			for _, path := range reads {
				expectUnavailable(t, reach.do(t, aliceToken, http.MethodGet, path, nil, nil), outageReadTimeout)
			}
			key := http.Header{"Idempotency-Key": {"outage-" + strconv.Itoa(i)}}
			body := map[string]any{"to": bob, "body": "sent during the outage " + fault.name}
			expectUnavailable(t, reach.do(t, aliceToken, http.MethodPost, "/v1/messages", body, key), outageWriteTimeout)
			expectUnavailable(t, reach.do(t, aliceToken, http.MethodPut, "/v1/blocks/"+bob, nil, nil), outageWriteTimeout)
			expectUnavailable(t, reach.do(t, aliceToken, http.MethodPatch, "/v1/conversations/"+graph.ThreadID(alice, bob),
				map[string]any{"archived": true}, nil), outageWriteTimeout)
			expectNotReady(t, reach, "applied")
			// Past the staleness bound (1 s; the writes above took longer), memory no longer
			// answers either.
			for _, path := range []string{"/v1/members/" + bob + "/reachability", "/v1/members/" + bob + "/mutual-connections"} {
				expectUnavailable(t, reach.do(t, aliceToken, http.MethodGet, path, nil, nil), outageReadTimeout)
			}
			if fault.name == "Silent" {
				hangUp(t, reach, aliceToken, "/v1/members/"+bob+"/path")
			}

			fault.restore()
			waitReady(t, reach, 10*time.Second)
			if startedAfter := neo4jStarted(t); restarts && fault.name == "Stopped" && !startedAfter.After(startedBefore) {
				t.Errorf("Neo4j says it started at %s after its restart, as before it", startedAfter)
			}
			// A Neo4j that has just started is cold (it plans every statement anew, on a JVM not
			// yet compiled), so the first requests after a restart may still time out: a client
			// retries, and the send lands once.
			first := retryUntilAnswered(t, reach, aliceToken, body, key, recovery)
			again := reach.do(t, aliceToken, http.MethodPost, "/v1/messages", body, key)
			if again.Status != http.StatusCreated || messageID(t, again) != messageID(t, first) {
				t.Fatalf("the send retried after recovery answered %d %s, want 201 with message %s", again.Status, again.Body, messageID(t, first))
			}
			if n := countSent(t, reach, aliceToken, body["body"].(string)); n != 1 {
				t.Errorf("the send retried through the outage landed %d times, want exactly once", n)
			}
		})
	}
	t.Run("Logs", func(t *testing.T) { checkLogs(t, reach, aliceToken, "sent during the outage") })
}

// hangUp sends a request and hangs up before it is answered, then checks that reach logged a
// client disconnect for it, with its request id.
func hangUp(t *testing.T, reach *reachProcess, token, path string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, reach.url+path, nil)
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("X-Request-Id", "hung-up-"+path[len(path)-4:])
	if res, err := http.DefaultClient.Do(req); err == nil {
		res.Body.Close()
		t.Fatalf("answered %d before the client hung up", res.StatusCode)
	}
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		for _, rec := range reach.records(t) {
			if rec["request_id"] == req.Header.Get("X-Request-Id") && rec["msg"] == "client disconnected before the answer" {
				return
			}
		}
	}
	t.Error("no client disconnect logged for the request whose client hung up")
}

// checkLogs reads everything the process logged: one JSON record a line, a request id on every
// record about a request, nothing at error level (an outage is not a bug of reach's), and never
// a token or a message body.
func checkLogs(t *testing.T, reach *reachProcess, token, body string) {
	for _, rec := range reach.records(t) {
		line, _ := json.Marshal(rec)
		if rec["level"] == "ERROR" {
			t.Errorf("error logged: %s", line)
		}
		if _, ok := rec["route"]; ok && rec["request_id"] == nil {
			t.Errorf("a record about a request has no request id: %s", line)
		}
		if strings.Contains(string(line), token) || strings.Contains(string(line), body) {
			t.Errorf("a token or a message body was logged: %s", line)
		}
	}
}

// neo4jStarted asks the test Neo4j when it started (bolt.DB.Started), as reach's pings do.
func neo4jStarted(t *testing.T) time.Time {
	t.Helper()
	db, err := neo4jstore.NewDB(neo4jstore.Config{URI: env.neo4jURI})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close(context.Background())
	started, err := db.Started(context.Background())
	if err != nil || started.IsZero() || started.After(time.Now()) {
		t.Fatalf("Neo4j says it started at %s (%v), want a time before now", started, err)
	}
	return started
}

// neo4jControl returns functions that stop the test Neo4j and start it again with its data, when
// the harness says how (scripts/test.sh does, for the Neo4j it starts); otherwise ones that take
// it away from the process under test by the link alone.
func neo4jControl(t *testing.T) (stop, start func()) {
	stopCmd, startCmd := os.Getenv("REACH_TEST_NEO4J_STOP"), os.Getenv("REACH_TEST_NEO4J_START")
	if stopCmd == "" || startCmd == "" {
		t.Log("REACH_TEST_NEO4J_STOP/START not set: the Stopped case cuts the link instead")
		return nil, nil
	}
	script := func(path string) func() {
		return func() {
			t.Helper()
			cmd := exec.Command(path)
			cmd.Env = append(os.Environ(), "REACH_NEO4J_FRESH=0")
			if out, err := cmd.CombinedOutput(); err != nil {
				t.Fatalf("%s: %v\n%s", filepath.Base(path), err, out)
			}
		}
	}
	return script(stopCmd), script(startCmd)
}

// expectUnavailable checks an answer given while Neo4j is gone: 503, a problem document of type
// unavailable, Retry-After in whole seconds, within bound (plus slack).
func expectUnavailable(t *testing.T, c call, bound time.Duration) {
	t.Helper()
	if c.Status != http.StatusServiceUnavailable {
		t.Fatalf("status %d, want 503; body %s", c.Status, c.Body)
	}
	if ct := c.Header.Get("Content-Type"); ct != "application/problem+json" {
		t.Errorf("Content-Type %q, want application/problem+json", ct)
	}
	var p problem
	if err := json.Unmarshal(c.Body, &p); err != nil || !strings.HasSuffix(p.Type, "#unavailable") {
		t.Errorf("problem %s (%v), want type unavailable", c.Body, err)
	}
	if s, err := strconv.Atoi(c.Header.Get("Retry-After")); err != nil || s < 1 {
		t.Errorf("Retry-After %q, want a whole number of seconds", c.Header.Get("Retry-After"))
	}
	if c.Elapsed > bound+outageSlack {
		t.Errorf("answered after %s, want within %s", c.Elapsed.Round(time.Millisecond), bound)
	}
}

// expectNotReady checks that /readyz answers 503 saying Neo4j is down and the schema is as given.
func expectNotReady(t *testing.T, reach *reachProcess, schema string) {
	t.Helper()
	c := reach.do(t, "", http.MethodGet, "/readyz", nil, nil)
	expectUnavailable(t, c, outageReadTimeout)
	var p struct{ Checks map[string]string }
	_ = json.Unmarshal(c.Body, &p)
	if p.Checks["neo4j"] != "down" || p.Checks["schema"] != schema {
		t.Errorf("/readyz checks %v, want neo4j down and schema %s", p.Checks, schema)
	}
}

// waitReady waits until /readyz answers 200: Neo4j answers and the schema is applied.
func waitReady(t *testing.T, reach *reachProcess, within time.Duration) {
	t.Helper()
	start := time.Now()
	for {
		c := reach.do(t, "", http.MethodGet, "/readyz", nil, nil)
		if c.Status == http.StatusOK {
			t.Logf("ready after %s", time.Since(start).Round(time.Millisecond))
			return
		}
		if time.Since(start) > within {
			t.Fatalf("/readyz still %d %s after %s", c.Status, c.Body, within)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// retryUntilAnswered sends as a client does after a 503: the same request, with the same
// Idempotency-Key, until it is answered otherwise.
func retryUntilAnswered(t *testing.T, reach *reachProcess, token string, body any, key http.Header, within time.Duration) call {
	t.Helper()
	start := time.Now()
	for {
		c := reach.do(t, token, http.MethodPost, "/v1/messages", body, key)
		switch {
		case c.Status == http.StatusCreated:
			t.Logf("a retried send landed %s after Neo4j came back", time.Since(start).Round(time.Millisecond))
			return c
		case c.Status != http.StatusServiceUnavailable:
			t.Fatalf("retried send answered %d %s", c.Status, c.Body)
		case time.Since(start) > within:
			t.Fatalf("sends still answered 503 %s after Neo4j came back", within)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

func messageID(t *testing.T, c call) string {
	t.Helper()
	var sent struct{ ID string }
	if err := json.Unmarshal(c.Body, &sent); err != nil || sent.ID == "" {
		t.Fatalf("not a sent message: %s", c.Body)
	}
	return sent.ID
}

// countSent counts the messages in the caller's sent box with the given body.
func countSent(t *testing.T, reach *reachProcess, token, body string) int {
	t.Helper()
	var c call
	for start := time.Now(); ; time.Sleep(200 * time.Millisecond) {
		if c = reach.do(t, token, http.MethodGet, "/v1/sent?limit=100", nil, nil); c.Status != http.StatusServiceUnavailable {
			break
		}
		if time.Since(start) > recovery {
			t.Fatalf("the sent box still answered 503 %s after Neo4j came back", recovery)
		}
	}
	if c.Status != http.StatusOK {
		t.Fatalf("sent box: %d %s", c.Status, c.Body)
	}
	var page struct{ Items []struct{ Preview string } }
	if err := json.Unmarshal(c.Body, &page); err != nil {
		t.Fatalf("sent box: %v", err)
	}
	n := 0
	for _, m := range page.Items {
		if strings.HasSuffix(m.Preview, ": "+body) {
			n++
		}
	}
	return n
}

func token(t testing.TB, id string) string {
	t.Helper()
	tok, err := api.IssueToken(testSecret, id, false, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

func adminToken(t testing.TB) string {
	t.Helper()
	tok, err := api.IssueToken(testSecret, "admin", true, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

// TestWarm checks that the store can have Neo4j plan again every statement it has run, as it does
// when Neo4j answers again after an outage, the change log's append with a send's message among
// them, and that planning writes none of them.
func TestWarm(t *testing.T) {
	id := ids(t)
	network(t, id, [2]string{"ann", "ben"})
	send(t, id("ann"), id("ben"), "Planned again after an outage").expect(http.StatusCreated)
	for _, stmt := range []string{cypher.LockedRelations, appendedTo(t, cypher.SendMessage)} {
		if !env.store.DB().Samples.Holds(stmt) {
			t.Errorf("%s is not among the statements Warm plans again", cypher.Name(stmt))
		}
	}
	before, err := env.store.CountMembers(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	planned, took, err := env.store.Warm(context.Background())
	if err != nil || planned < 5 {
		t.Fatalf("planned %d statements in %s (%v), want every statement run so far", planned, took, err)
	}
	if after, _ := env.store.CountMembers(context.Background()); after != before {
		t.Errorf("planning wrote: %d members before, %d after", before, after)
	}
}

// appendedTo is statement followed by the change log's append, as a write runs it.
func appendedTo(t *testing.T, statement string) string {
	t.Helper()
	text, ok := cypher.AppendedTo(statement)
	if !ok {
		t.Fatalf("%s has no composition with the append", cypher.Name(statement))
	}
	return text
}

// setUp sends an idempotent admin write until it succeeds: a Neo4j that has just answered again
// may still be too cold to commit within the short write timeout this test gives reach.
func setUp(t *testing.T, reach *reachProcess, method, path string, body any) {
	t.Helper()
	for deadline := time.Now().Add(recovery); ; time.Sleep(200 * time.Millisecond) {
		c := reach.do(t, adminToken(t), method, path, body, nil)
		if c.Status < 300 {
			return
		}
		if c.Status != http.StatusServiceUnavailable || time.Now().After(deadline) {
			t.Fatalf("%s %s: answered %d %s", method, path, c.Status, c.Body)
		}
	}
}

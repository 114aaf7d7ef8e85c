package integration

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/jackc/pgx/v5"

	"github.com/reach-network/reach/api"
	"github.com/reach-network/reach/bench/baseline"
	"github.com/reach-network/reach/bench/pgpeer"
	"github.com/reach-network/reach/graph"
	"github.com/reach-network/reach/seed"
)

// The benchmark's PostgreSQL peer (bench/pgpeer) must give reach's answers, or the benchmark
// compares unlike things. TestConformance asks it every case of the suite; the tests here check
// that its HTTP server answers as reach's does, and that it agrees with reach on a generated
// network, loaded into both from the CSV files the benchmark loads.

// peerDatabase returns the URL of a schema of the test's own in the PostgreSQL that
// REACH_TEST_POSTGRES_URL names (make test starts one and sets it), dropped when the test ends.
// Without the variable the test is skipped: run by hand, PostgreSQL may be absent.
func peerDatabase(t *testing.T) string {
	t.Helper()
	url, ok := peerSchema(t)
	if !ok {
		t.Skip(noPostgres)
	}
	return url
}

// noPostgres says why a test or path of the peer is skipped.
const noPostgres = "REACH_TEST_POSTGRES_URL is not set; make test starts a PostgreSQL and sets it"

// peerSchema is peerDatabase, but reports with ok false that REACH_TEST_POSTGRES_URL is not set.
func peerSchema(t *testing.T) (url string, ok bool) {
	t.Helper()
	url = os.Getenv("REACH_TEST_POSTGRES_URL")
	if url == "" {
		return "", false
	}
	schema := "peer_" + strings.ToLower(strings.TrimSuffix(ids(t)(""), "_"))
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatalf("REACH_TEST_POSTGRES_URL: %v", err)
	}
	defer conn.Close(ctx)
	name := pgx.Identifier{schema}.Sanitize()
	if _, err := conn.Exec(ctx, "CREATE SCHEMA "+name); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		conn, err := pgx.Connect(ctx, url)
		if err != nil {
			t.Error(err)
			return
		}
		defer conn.Close(ctx)
		if _, err := conn.Exec(ctx, "DROP SCHEMA "+name+" CASCADE"); err != nil {
			t.Error(err)
		}
	})
	sep := "?"
	if strings.Contains(url, "?") {
		sep = "&"
	}
	return url + sep + "search_path=" + schema, true
}

// openPeer opens the peer on the database url names, on the tests' clock.
func openPeer(t *testing.T, url string) *pgpeer.Peer {
	t.Helper()
	peer, err := pgpeer.Open(context.Background(), url, pgpeer.Options{Clock: env.clock.now})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(peer.Close)
	return peer
}

// sameHTTPAnswer compares what reach and the peer's HTTP server answer to one request: status,
// content type and JSON body, the request id aside.
func sameHTTPAnswer(t *testing.T, peerURL, token, path string) {
	t.Helper()
	get := func(base string) (int, string, map[string]any) {
		req, err := http.NewRequest(http.MethodGet, base+path, nil)
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Authorization", "Bearer "+token)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		var body map[string]any
		if err := json.NewDecoder(res.Body).Decode(&body); err != nil {
			t.Fatalf("GET %s%s: %v", base, path, err)
		}
		delete(body, "requestId")
		return res.StatusCode, res.Header.Get("Content-Type"), body
	}
	wantStatus, wantType, want := get(env.baseURL)
	gotStatus, gotType, got := get(peerURL)
	if wantStatus != gotStatus || wantType != gotType {
		t.Errorf("GET %s: reach %d %s, peer %d %s", path, wantStatus, wantType, gotStatus, gotType)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("GET %s: reach and the peer answer differently (-reach +peer):\n%s", path, diff)
	}
}

// postJSON posts body as JSON to url with a bearer token and returns the status and JSON answer.
func postJSON(t *testing.T, url, token string, body any) (answer struct {
	status int
	body   map[string]any
}) {
	t.Helper()
	b, err := json.Marshal(body)
	if err != nil {
		t.Fatal(err)
	}
	req, err := http.NewRequest(http.MethodPost, url, strings.NewReader(string(b)))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/json")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	answer.status = res.StatusCode
	if err := json.NewDecoder(res.Body).Decode(&answer.body); err != nil {
		t.Fatalf("POST %s: %v", url, err)
	}
	return answer
}

// servePeer serves the peer behind reach's HTTP stack, as reachpeer serve does.
func servePeer(t *testing.T, peer *pgpeer.Peer) string {
	t.Helper()
	tokens, err := api.HS256(testSecret)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(peer.Handler(api.Config{Tokens: tokens, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
		RateLimit: api.RateLimit{PerSecond: 1e6, Burst: 1e6}}))
	t.Cleanup(srv.Close)
	return srv.URL
}

// TestPeerServesReachabilityOverHTTP copies a small network to PostgreSQL and checks that the
// peer's HTTP server answers reachability as reach's does, body for body but the request id: a
// member found (themselves, a connection, one a request may go to), not found (blocked, missing),
// a bad id, a caller who is no member, a bad token; that it sends as reach does; and that it
// answers 501 to a route of an area it does not serve.
func TestPeerServesReachabilityOverHTTP(t *testing.T) {
	url := peerDatabase(t)
	id := ids(t)
	network(t, id, [2]string{"ann", "bob"})
	for _, name := range []string{"cat", "dan"} {
		member(t, id(name), strings.ToUpper(name[:1])+name[1:])
	}
	putGroup(t, id("g"), "Go")
	join(t, id("ann"), id("g"))
	join(t, id("cat"), id("g"))
	as(t, id("ann")).do(http.MethodPut, "/v1/blocks/"+id("dan"), nil).expect(http.StatusNoContent)
	exported, err := baseline.NewBaseline(env.store.Store).ExportNetwork(context.Background(), []string{id("ann"), id("bob"), id("cat"), id("dan")})
	if err != nil {
		t.Fatal(err)
	}
	if err := pgpeer.LoadNetwork(context.Background(), url, exported); err != nil {
		t.Fatal(err)
	}
	peerURL := servePeer(t, openPeer(t, url))

	ann := as(t, id("ann")).token
	for _, to := range []string{id("ann"), id("bob"), id("cat"), id("dan"), id("nobody"), "bad%20id"} {
		sameHTTPAnswer(t, peerURL, ann, "/v1/members/"+to+"/reachability")
	}
	sameHTTPAnswer(t, peerURL, as(t, id("dan")).token, "/v1/members/"+id("ann")+"/reachability")
	sameHTTPAnswer(t, peerURL, as(t, id("nobody")).token, "/v1/members/"+id("ann")+"/reachability")
	sameHTTPAnswer(t, peerURL, "not-a-token", "/v1/members/"+id("ann")+"/reachability")

	t.Run("SendsAsReach", func(t *testing.T) {
		for _, c := range []struct {
			to     string
			status int
			kind   string
		}{{id("bob"), http.StatusCreated, "message"}, {id("cat"), http.StatusCreated, "request"},
			{id("dan"), http.StatusNotFound, ""}, {id("ann"), http.StatusUnprocessableEntity, ""}} {
			draft := map[string]any{"to": c.to, "subject": "Hello", "body": "Hi there"}
			want := as(t, id("ann")).do(http.MethodPost, "/v1/messages", draft)
			got := postJSON(t, peerURL+"/v1/messages", ann, draft)
			if want.Status != c.status || got.status != c.status {
				t.Errorf("send to %s: reach %d, peer %d, want %d", c.to, want.Status, got.status, c.status)
			}
			if got.body["kind"] != nil && got.body["kind"] != c.kind {
				t.Errorf("send to %s: the peer sent a %v, want a %s", c.to, got.body["kind"], c.kind)
			}
		}
	})
	t.Run("OtherRoutesAreNotImplemented", func(t *testing.T) {
		req, _ := http.NewRequest(http.MethodGet, peerURL+"/v1/blocks", nil)
		req.Header.Set("Authorization", "Bearer "+ann)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != http.StatusNotImplemented || res.Header.Get("Content-Type") != "application/problem+json" {
			t.Errorf("blocks from the peer: %d %s, want 501 problem+json", res.StatusCode, res.Header.Get("Content-Type"))
		}
	})
}

// TestPeerAgreesOnGeneratedNetwork loads a generated network into Neo4j through the bulk import
// and into PostgreSQL from its CSV files, as the benchmark does, and checks that the peer answers
// as reach does, from Neo4j and from its projection: random pairs and connected pairs, every block
// both ways, every declined and every pending InMail, and the restricted members. The three are
// the suite's answering paths (conformance_test.go); here they must agree, facts and all. Random pairs in a group together, or at the
// same company now, may send message requests (the files hold no request history: every member
// has their whole monthly allowance). Plans' monthly grants have fallen due for many members
// since the network's moment, so credits are renewed on both sides.
func TestPeerAgreesOnGeneratedNetwork(t *testing.T) {
	if os.Getenv("REACH_TEST_POSTGRES_URL") == "" {
		t.Skip(noPostgres)
	}
	ctx := context.Background()
	g, err := seed.Generate(seed.Spec{Members: 1500, AvgDegree: 10, Seed: 21, IDPrefix: ids(t)("p")}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := g.Import(ctx, env.store, seed.ImportOptions{BatchSize: 2000}); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if _, err := g.WriteCSV(dir, nil); err != nil {
		t.Fatal(err)
	}
	paths := []answeringPath{projectionPath(t, graph.FullyConsistent, graph.Token{}), neo4jPath(), peerCSVPath(t, dir)}

	c := g.Counts()
	pairs := [][2]string{{g.ID(0), g.ID(0)}}
	rng := rand.New(rand.NewPCG(21, 1))
	for range 1500 {
		pairs = append(pairs, [2]string{g.ID(rng.IntN(c.Members)), g.ID(rng.IntN(c.Members))})
	}
	for range 200 {
		conn := g.Connection(rng.IntN(c.Connections))
		pairs = append(pairs, [2]string{conn.A, conn.B})
	}
	for k := range c.Blocks {
		b := g.Block(k)
		pairs = append(pairs, [2]string{b.By, b.Member}, [2]string{b.Member, b.By})
	}
	for k := range c.Declines {
		d := g.Decline(k)
		pairs = append(pairs, [2]string{d.Sender, d.By})
	}
	for k := range c.Messages {
		if m := g.Message(k); m.Status == graph.StatusPending {
			pairs = append(pairs, [2]string{m.From, m.To}, [2]string{m.To, m.From})
		}
	}
	for i := range c.Members {
		if g.Member(i).Restricted {
			pairs = append(pairs, [2]string{g.ID(i), g.ID(rng.IntN(c.Members))})
		}
	}
	seen := map[string]int{}
	for _, p := range pairs {
		a := agree(t, paths, p[0], p[1])
		if a.NotFound {
			seen["not found"]++
			continue
		}
		seen[a.Degree.Label()]++
		seen[string(a.Messaging.Reason)]++
	}
	t.Logf("%d pairs: %v", len(pairs), seen)
	for _, k := range []string{"not found", "you", "1st", "2nd", "3rd", "out_of_network", "declined",
		"awaiting_reply", "thread_reply", "sender_restricted", "inmail", "no_credits", "shared_group", "coworker"} {
		if seen[k] == 0 {
			t.Errorf("no pair of the generated network answered %s: the comparison does not cover it", k)
		}
	}
}

// agree asks every path how caller stands to member and fails unless each answers as the first
// does, on every part both give, the facts the rules read among them. It returns the first
// path's answer.
func agree(t *testing.T, paths []answeringPath, caller, member string) pairAnswer {
	t.Helper()
	answers := make([]pairAnswer, len(paths))
	for i, p := range paths {
		a, err := p.answer(context.Background(), caller, member)
		if err != nil {
			t.Fatalf("%s: %s → %s: %v", p.name, caller, member, err)
		}
		answers[i] = a
	}
	for i, p := range paths[1:] {
		want, got := answers[0], answers[i+1]
		if !paths[0].shared || !p.shared {
			want.Shared, got.Shared = graph.Shared{}, graph.Shared{}
		}
		if diff := cmp.Diff(want, got, sameAnswer); diff != "" {
			t.Errorf("%s → %s: %s and %s differ (-%s +%s):\n%s", caller, member, paths[0].name, p.name, paths[0].name, p.name, diff)
		}
	}
	return answers[0]
}

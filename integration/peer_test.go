package integration

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/jackc/pgx/v5"

	"github.com/reach-network/reach/api"
	"github.com/reach-network/reach/bench/pgpeer"
	"github.com/reach-network/reach/graph"
	"github.com/reach-network/reach/seed"
)

// The benchmark's PostgreSQL peer (bench/pgpeer) must give reach's answers, or the benchmark
// compares unlike things. These tests load networks into both and compare every answer: a network
// built through reach's API, covering every kind of pair and every messaging reason, copied to
// PostgreSQL with ExportNetwork; and a generated network, loaded into both from the CSV files the
// benchmark loads.

// peerDatabase returns the URL of a schema of the test's own in the PostgreSQL that
// REACH_TEST_POSTGRES_URL names (make test starts one and sets it), dropped when the test ends.
// Without the variable the test is skipped: run by hand, PostgreSQL may be absent.
func peerDatabase(t *testing.T) string {
	t.Helper()
	url := os.Getenv("REACH_TEST_POSTGRES_URL")
	if url == "" {
		t.Skip("REACH_TEST_POSTGRES_URL is not set; make test starts a PostgreSQL and sets it")
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
	return url + sep + "search_path=" + schema
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

// sameRelation compares what reach's store and the peer answer for one pair: both not found, or
// the same degree, mutual count, facts and decision.
func sameRelation(t *testing.T, peer *pgpeer.Peer, caller, member string) (graph.Relation, error) {
	t.Helper()
	ctx := context.Background()
	want, wantErr := env.store.Relation(ctx, caller, member)
	got, gotErr := peer.Reachability(ctx, caller, member)
	switch {
	case wantErr != nil || gotErr != nil:
		if !errors.Is(wantErr, graph.ErrNotFound) || !errors.Is(gotErr, graph.ErrNotFound) {
			t.Errorf("%s → %s: reach %v, peer %v", caller, member, wantErr, gotErr)
		}
	default:
		type answer struct {
			Degree    graph.Degree
			Mutual    int
			Facts     graph.Facts
			Messaging graph.Decision
		}
		w := answer{want.Degree, want.MutualCount, want.Facts, want.Messaging}
		g := answer{got.Degree, got.MutualCount, got.Facts, got.Messaging}
		if diff := cmp.Diff(w, g); diff != "" {
			t.Errorf("%s → %s: reach and the peer differ (-reach +peer):\n%s", caller, member, diff)
		}
	}
	return want, wantErr
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

// TestPeerAgreesWithReach builds a network through reach's API with every kind of pair (1st, 2nd,
// 3rd, out of network, blocked either way, chains that only a blocked member would complete)
// and every messaging reason, copies it to PostgreSQL, and checks that the peer answers every
// ordered pair of its members as reach does, through pgx and over HTTP.
func TestPeerAgreesWithReach(t *testing.T) {
	url := peerDatabase(t)
	id := ids(t)
	// ann's network: bob and ivy are 1st; cat 2nd through both; dan 3rd; eve 4 hops away.
	// hal blocked ann: pat's and rex's only chains to ann go through hal, so they are out of her
	// network, whichever side the chain is walked from (pat has fewer connections than ann, rex
	// more); from pat, ann is 3rd. ann blocked gus, once a connection.
	network(t, id, [2]string{"ann", "bob"}, [2]string{"ann", "ivy"}, [2]string{"bob", "cat"}, [2]string{"ivy", "cat"},
		[2]string{"cat", "dan"}, [2]string{"dan", "eve"}, [2]string{"bob", "hal"}, [2]string{"hal", "pat"},
		[2]string{"hal", "rex"}, [2]string{"rex", "r1"}, [2]string{"rex", "r2"}, [2]string{"rex", "r3"},
		[2]string{"ann", "gus"})
	for _, name := range []string{"finn", "sue", "rob", "tia", "uma", "vic", "wes", "xia", "nia", "ola"} {
		member(t, id(name), strings.ToUpper(name[:1])+name[1:])
	}
	ann := id("ann")
	as(t, ann).do(http.MethodPut, "/v1/blocks/"+id("gus"), nil).expect(http.StatusNoContent)
	as(t, id("hal")).do(http.MethodPut, "/v1/blocks/"+ann, nil).expect(http.StatusNoContent)
	credits(t, ann, 5)
	credits(t, id("sue"), 1)
	send(t, id("sue"), ann, "We should talk").expect(http.StatusCreated) // ann may reply; sue awaits it
	restrict(t, id, id("rob"))
	var declined sentMessage
	send(t, ann, id("tia"), "A new role?").expect(http.StatusCreated).into(&declined)
	as(t, id("tia")).do(http.MethodPost, "/v1/messages/"+declined.ID+"/decline", nil).expect(http.StatusOK)
	send(t, ann, id("uma"), "A new role?").expect(http.StatusCreated)
	set(t, id("vic"), map[string]any{"inmail": "off"})
	set(t, id("wes"), map[string]any{"inmail": "network"})
	set(t, id("xia"), map[string]any{"openProfile": true})
	// ola's career plan grants 5 credits a month: a month on, she has them, by either count.
	admin(t).do(http.MethodPut, "/v1/admin/members/"+id("ola"), map[string]any{"name": "Ola", "plan": "career", "inmailCredits": 0}).
		expect(http.StatusOK)
	env.clock.advance(32 * 24 * time.Hour)

	names := []string{"ann", "bob", "ivy", "cat", "dan", "eve", "gus", "hal", "pat", "rex", "r1", "r2", "r3",
		"finn", "sue", "rob", "tia", "uma", "vic", "wes", "xia", "nia", "ola"}
	members := make([]string, len(names))
	for i, n := range names {
		members[i] = id(n)
	}
	exported, err := env.store.ExportNetwork(context.Background(), members)
	if err != nil {
		t.Fatal(err)
	}
	if err := pgpeer.LoadNetwork(context.Background(), url, exported); err != nil {
		t.Fatal(err)
	}
	peer := openPeer(t, url)
	peerURL := servePeer(t, peer)

	// What reach answers for the pairs that show each kind: the peer must agree with all of it.
	type kind struct {
		from, to string
		label    string // degree label, or "404"
		reason   graph.Reason
	}
	kinds := []kind{
		{"ann", "ann", "you", graph.ReasonSelf},
		{"ann", "bob", "1st", graph.ReasonConnected},
		{"ann", "cat", "2nd", graph.ReasonInMail},
		{"ann", "dan", "3rd", graph.ReasonInMail},
		{"ann", "eve", "out_of_network", graph.ReasonInMail},
		{"ann", "pat", "out_of_network", graph.ReasonInMail},
		{"ann", "rex", "out_of_network", graph.ReasonInMail},
		{"pat", "ann", "3rd", graph.ReasonNoCredits},
		{"ann", "gus", "404", ""}, {"gus", "ann", "404", ""}, {"ann", "hal", "404", ""}, {"hal", "ann", "404", ""},
		{"ann", "sue", "out_of_network", graph.ReasonThreadReply},
		{"sue", "ann", "out_of_network", graph.ReasonAwaitingReply},
		{"rob", "finn", "out_of_network", graph.ReasonSenderRestricted},
		{"ann", "tia", "out_of_network", graph.ReasonDeclined},
		{"ann", "uma", "out_of_network", graph.ReasonAwaitingReply},
		{"ann", "vic", "out_of_network", graph.ReasonRecipientInMailOff},
		{"ann", "wes", "out_of_network", graph.ReasonRecipientNetworkOnly},
		{"ann", "xia", "out_of_network", graph.ReasonOpenProfile},
		{"nia", "finn", "out_of_network", graph.ReasonNoCredits},
		{"ola", "finn", "out_of_network", graph.ReasonInMail},
	}
	for _, k := range kinds {
		r, err := sameRelation(t, peer, id(k.from), id(k.to))
		got := "404"
		if err == nil {
			got = r.Degree.Label()
		}
		if got != k.label || r.Messaging.Reason != k.reason {
			t.Errorf("%s → %s: reach answers %s %q, the test meant %s %q", k.from, k.to, got, r.Messaging.Reason, k.label, k.reason)
		}
		if k.from == "ann" && k.to == "cat" && r.MutualCount != 2 {
			t.Errorf("ann → cat: %d mutual connections, want 2", r.MutualCount)
		}
	}
	for _, from := range members {
		token := as(t, from).token
		for _, to := range members {
			sameRelation(t, peer, from, to)
			sameHTTPAnswer(t, peerURL, token, "/v1/members/"+to+"/reachability")
		}
		sameHTTPAnswer(t, peerURL, token, "/v1/members/"+id("nobody")+"/reachability")
		sameHTTPAnswer(t, peerURL, token, "/v1/members/bad%20id/reachability")
	}
	sameHTTPAnswer(t, peerURL, as(t, id("nobody")).token, "/v1/members/"+ann+"/reachability")
	sameHTTPAnswer(t, peerURL, "not-a-token", "/v1/members/"+ann+"/reachability")

	t.Run("OtherRoutesAreNotImplemented", func(t *testing.T) {
		req, _ := http.NewRequest(http.MethodGet, peerURL+"/v1/members/"+ann+"/mutual-connections", nil)
		req.Header.Set("Authorization", "Bearer "+as(t, ann).token)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != http.StatusNotImplemented || res.Header.Get("Content-Type") != "application/problem+json" {
			t.Errorf("mutual connections from the peer: %d %s, want 501 problem+json", res.StatusCode, res.Header.Get("Content-Type"))
		}
	})
}

// TestPeerAgreesOnGeneratedNetwork loads a generated network into Neo4j through the bulk import
// and into PostgreSQL from its CSV files, as the benchmark does, and checks that the peer answers
// as reach does: random pairs and connected pairs, every block both ways, every declined and
// every pending InMail, and the restricted members. Plans' monthly grants have fallen due for
// many members since the network's moment, so credits are renewed on both sides.
func TestPeerAgreesOnGeneratedNetwork(t *testing.T) {
	url := peerDatabase(t)
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
	if err := pgpeer.LoadCSV(ctx, url, dir, nil); err != nil {
		t.Fatal(err)
	}
	peer := openPeer(t, url)

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
		r, err := sameRelation(t, peer, p[0], p[1])
		if err != nil {
			seen["not found"]++
			continue
		}
		seen[r.Degree.Label()]++
		seen[string(r.Messaging.Reason)]++
	}
	t.Logf("%d pairs: %v", len(pairs), seen)
	for _, k := range []string{"not found", "you", "1st", "2nd", "3rd", "out_of_network", "declined",
		"awaiting_reply", "thread_reply", "sender_restricted", "inmail", "no_credits"} {
		if seen[k] == 0 {
			t.Errorf("no pair of the generated network answered %s: the comparison does not cover it", k)
		}
	}
}

package integration

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
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
	"github.com/google/go-cmp/cmp/cmpopts"
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
// the same degree, mutual count, facts, decision and what the two share. Reach answers as of the
// moment asked.
func sameRelation(t *testing.T, peer *pgpeer.Peer, caller, member string) (graph.Relation, error) {
	t.Helper()
	ctx := graph.WithConsistency(context.Background(), graph.Consistency{Mode: graph.FullyConsistent})
	want, wantErr := env.store.Relation(ctx, caller, member)
	if wantErr == nil {
		var r graph.Relation
		r, wantErr = env.store.Reachability(ctx, caller, member)
		want.Shared = r.Shared
	}
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
			Shared    graph.Shared
		}
		w := answer{want.Degree, want.MutualCount, want.Facts, want.Messaging, want.Shared}
		g := answer{got.Degree, got.MutualCount, got.Facts, got.Messaging, got.Shared}
		if diff := cmp.Diff(w, g, cmpopts.EquateEmpty()); diff != "" {
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

// requestNetwork adds to a test's network the members whose pairs show each reason of message
// requests, and returns their names:
//   - gia and hugo are in the groups g1 ("Rust") and g2 ("Go"), hugo joining g2 first: the group
//     named is g1, the lowest id, whatever the names or the order joined;
//   - kai and lea hold current positions at the companies c1 ("Zeta") and c2 ("Acme"), and are in
//     no group together: coworkers at c1;
//   - max's position at c3 ended, ned's is current: not coworkers; both study at the school s1 now,
//     which makes no one a coworker either;
//   - oz, in g2, turned requests off;
//   - pia's request to hugo awaits an answer; gia accepted quin's and declined rae's;
//   - sam sent the month's cap of requests, to fan1..fan15 in the group crowd, so to fan16 he is
//     past it. Of the fans, only fan1 and fan16 are named: the requests to the others count in
//     sam's monthly total, which the copy carries, and need not be copied themselves.
func requestNetwork(t *testing.T, id func(string) string) []string {
	t.Helper()
	names := []string{"gia", "hugo", "kai", "lea", "max", "ned", "oz", "pia", "quin", "rae", "sam"}
	for _, name := range names {
		member(t, id(name), strings.ToUpper(name[:1])+name[1:])
	}
	putGroup(t, id("g1"), "Rust")
	putGroup(t, id("g2"), "Go")
	for _, m := range []string{"hugo", "gia", "oz", "pia", "quin", "rae"} {
		join(t, id(m), id("g2"))
	}
	join(t, id("hugo"), id("g1"))
	join(t, id("gia"), id("g1"))
	putOrganisation(t, id("c1"), "Zeta", "company")
	putOrganisation(t, id("c2"), "Acme", "company")
	putOrganisation(t, id("c3"), "Globex", "company")
	putOrganisation(t, id("s1"), "Uni", "school")
	for _, name := range []string{"kai", "lea"} {
		putPositions(t, id(name), name, map[string]any{"org": id("c2"), "from": 2020}, map[string]any{"org": id("c1"), "from": 2022})
	}
	putPositions(t, id("max"), "Max", map[string]any{"org": id("c3"), "from": 2015, "to": 2018}, map[string]any{"org": id("s1"), "from": 2024})
	putPositions(t, id("ned"), "Ned", map[string]any{"org": id("c3"), "from": 2016}, map[string]any{"org": id("s1"), "from": 2024})
	set(t, id("oz"), map[string]any{"messageRequests": false})
	request := func(from, to string) sentMessage {
		t.Helper()
		var m sentMessage
		send(t, id(from), id(to), "Hello from "+from+" to "+to).expect(http.StatusCreated).into(&m)
		if m.Kind != string(graph.KindRequest) {
			t.Fatalf("%s → %s went as %q, not as a message request", from, to, m.Kind)
		}
		return m
	}
	request("pia", "hugo")
	as(t, id("gia")).do(http.MethodPost, "/v1/messages/"+request("quin", "gia").ID+"/accept", nil).expect(http.StatusOK)
	as(t, id("gia")).do(http.MethodPost, "/v1/messages/"+request("rae", "gia").ID+"/decline", nil).expect(http.StatusOK)
	putGroup(t, id("crowd"), "Crowd")
	join(t, id("sam"), id("crowd"))
	for i := range graph.DefaultRequestsMonthly + 1 {
		fan := fmt.Sprintf("fan%d", i+1)
		member(t, id(fan), "Fan")
		join(t, id(fan), id("crowd"))
		if i < graph.DefaultRequestsMonthly {
			request("sam", fan)
		}
	}
	return append(names, "fan1", fmt.Sprintf("fan%d", graph.DefaultRequestsMonthly+1))
}

// TestPeerAgreesWithReach builds a network through reach's API with every kind of pair (1st, 2nd,
// 3rd, out of network, blocked either way, chains that only a blocked member would complete)
// and every messaging reason, message requests' among them, copies it to PostgreSQL, and checks
// that the peer answers every ordered pair of its members as reach does, through pgx and over
// HTTP.
func TestPeerAgreesWithReach(t *testing.T) {
	url := peerDatabase(t)
	id := ids(t)
	// ola's career plan grants 5 credits a month: a month on, she has them, by either count. The
	// month passes first, so that every message and request below is sent in the month compared.
	member(t, id("ola"), "Ola")
	admin(t).do(http.MethodPut, "/v1/admin/members/"+id("ola"), map[string]any{"name": "Ola", "plan": "career", "inmailCredits": 0}).
		expect(http.StatusOK)
	env.clock.advance(32 * 24 * time.Hour)
	// ann's network: bob and ivy are 1st; cat 2nd through both; dan 3rd; eve 4 hops away.
	// hal blocked ann: pat's and rex's only chains to ann go through hal, so they are out of her
	// network, whichever side the chain is walked from (pat has fewer connections than ann, rex
	// more); from pat, ann is 3rd. ann blocked gus, once a connection.
	network(t, id, [2]string{"ann", "bob"}, [2]string{"ann", "ivy"}, [2]string{"bob", "cat"}, [2]string{"ivy", "cat"},
		[2]string{"cat", "dan"}, [2]string{"dan", "eve"}, [2]string{"bob", "hal"}, [2]string{"hal", "pat"},
		[2]string{"hal", "rex"}, [2]string{"rex", "r1"}, [2]string{"rex", "r2"}, [2]string{"rex", "r3"},
		[2]string{"ann", "gus"})
	for _, name := range []string{"finn", "sue", "rob", "tia", "uma", "vic", "wes", "xia", "nia"} {
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

	names := append([]string{"ann", "bob", "ivy", "cat", "dan", "eve", "gus", "hal", "pat", "rex", "r1", "r2", "r3",
		"finn", "sue", "rob", "tia", "uma", "vic", "wes", "xia", "nia", "ola"}, requestNetwork(t, id)...)
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
		{"gia", "hugo", "out_of_network", graph.ReasonSharedGroup},
		{"kai", "lea", "out_of_network", graph.ReasonCoworker},
		{"max", "ned", "out_of_network", graph.ReasonNoCredits},
		{"ned", "max", "out_of_network", graph.ReasonNoCredits},
		{"gia", "oz", "out_of_network", graph.ReasonNoCredits},
		{"oz", "gia", "out_of_network", graph.ReasonSharedGroup},
		{"pia", "hugo", "out_of_network", graph.ReasonAwaitingReply},
		{"hugo", "pia", "out_of_network", graph.ReasonThreadReply},
		{"quin", "gia", "out_of_network", graph.ReasonThreadReply},
		{"rae", "gia", "out_of_network", graph.ReasonDeclined},
		{"sam", "fan1", "out_of_network", graph.ReasonAwaitingReply},
		{"sam", "fan16", "out_of_network", graph.ReasonNoCredits},
		{"fan16", "sam", "out_of_network", graph.ReasonSharedGroup},
	}
	// the group or company each request named above goes through
	vias := map[[2]string]string{{"gia", "hugo"}: "g1", {"kai", "lea"}: "c1", {"oz", "gia"}: "g2", {"fan16", "sam"}: "crowd"}
	for _, k := range kinds {
		r, err := sameRelation(t, peer, id(k.from), id(k.to))
		got := "404"
		if err == nil {
			got = r.Degree.Label()
		}
		if got != k.label || r.Messaging.Reason != k.reason {
			t.Errorf("%s → %s: reach answers %s %q, the test meant %s %q", k.from, k.to, got, r.Messaging.Reason, k.label, k.reason)
		}
		if via, ok := vias[[2]string{k.from, k.to}]; ok && r.Messaging.Via.ID != id(via) {
			t.Errorf("%s → %s: reach's request goes through %q, the test meant %q", k.from, k.to, r.Messaging.Via.ID, id(via))
		}
		if k.from == "ann" && k.to == "cat" && r.MutualCount != 2 {
			t.Errorf("ann → cat: %d mutual connections, want 2", r.MutualCount)
		}
	}
	for _, from := range members {
		token := as(t, from).token
		for _, to := range members {
			_, _ = sameRelation(t, peer, from, to) // it reports a difference itself
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
// every pending InMail, and the restricted members. Random pairs in a group together, or at the
// same company now, may send message requests (the files hold no request history: every member
// has their whole monthly allowance). Plans' monthly grants have fallen due for many members
// since the network's moment, so credits are renewed on both sides.
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
		"awaiting_reply", "thread_reply", "sender_restricted", "inmail", "no_credits", "shared_group", "coworker"} {
		if seen[k] == 0 {
			t.Errorf("no pair of the generated network answered %s: the comparison does not cover it", k)
		}
	}
}

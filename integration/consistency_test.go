package integration

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/reach-network/reach/cypher"
	"github.com/reach-network/reach/graph"
	"github.com/reach-network/reach/graph/changelog"
	"github.com/reach-network/reach/graph/neo4jstore"
)

// TestWritesAnswerWithToken checks that writes answer with a Consistency-Token, one that numbers a
// change when the write changed what replicas keep in memory or told a member's event streams (an
// invitation), and that a read sent with it sees the write at once.
func TestWritesAnswerWithToken(t *testing.T) {
	id := ids(t)
	network(t, id, [2]string{"ann", "ben"}, [2]string{"ben", "cat"})
	writes := []struct {
		name   string
		res    *response
		change bool
	}{
		{"PutMember", admin(t).do(http.MethodPut, "/v1/admin/members/"+id("dan"), map[string]any{"name": "Dan"}), true},
		{"Settings", as(t, id("cat")).do(http.MethodPatch, "/v1/me/settings", map[string]any{"inmail": "off"}), true},
		{"Invite", as(t, id("ann")).do(http.MethodPost, "/v1/invitations", map[string]any{"to": id("dan")}), true},
		{"Send", as(t, id("ann")).do(http.MethodPost, "/v1/messages", map[string]any{"to": id("ben"), "body": "hi"}), true},
		{"Block", as(t, id("ann")).do(http.MethodPut, "/v1/blocks/"+id("cat"), nil), true},
	}
	for _, w := range writes {
		if w.res.Status >= 300 {
			t.Fatalf("%s: %d %s", w.name, w.res.Status, w.res.Body)
		}
		tok, err := graph.ParseToken(w.res.Header.Get("Consistency-Token"))
		if err != nil {
			t.Errorf("%s answered Consistency-Token %q: %v", w.name, w.res.Header.Get("Consistency-Token"), err)
			continue
		}
		if (tok.Seq > 0) != w.change || tok.Epoch == "" && w.change {
			t.Errorf("%s: token %+v, want a change numbered: %v", w.name, tok, w.change)
		}
	}
	block := writes[len(writes)-1].res.Header.Get("Consistency-Token")
	as(t, id("ann")).get("/v1/members/" + id("cat") + "/reachability?token=" + url.QueryEscape(block)).expectProblem(http.StatusNotFound)
}

// TestConsistencyParameters checks that the consistency a read asks for is checked: a mode that
// is none, at_least_as_fresh without a token, and a token reach did not give are refused with
// 400 naming the parameter; each mode answers the same question alike.
func TestConsistencyParameters(t *testing.T) {
	id := ids(t)
	network(t, id, [2]string{"ann", "ben"}, [2]string{"ben", "cat"})
	path := "/v1/members/" + id("cat") + "/reachability"
	for _, tc := range []struct{ query, field string }{
		{"consistency=eventually", "consistency"},
		{"consistency=at_least_as_fresh", "token"},
		{"token=r1.bogus", "token"},
	} {
		if p := as(t, id("ann")).get(path + "?" + tc.query).expectProblem(http.StatusBadRequest); p.Field != tc.field {
			t.Errorf("%s: field %q, want %q", tc.query, p.Field, tc.field)
		}
	}
	res := as(t, id("ann")).send(http.MethodGet, path, nil, http.Header{"Consistency-Token": {"nonsense"}})
	if p := res.expectProblem(http.StatusBadRequest); p.Field != "Consistency-Token" {
		t.Errorf("a bad token header: field %q", p.Field)
	}
	// Well formed, but made up: still the client's mistake, not a 500.
	forged := graph.Token{Epoch: "e", Seq: 1, Bookmarks: []string{"not-a-bookmark"}}.String()
	for _, header := range []bool{false, true} {
		query, want, h := "?consistency=fully_consistent&token="+url.QueryEscape(forged), "token", http.Header(nil)
		if header {
			query, want, h = "?consistency=fully_consistent", "Consistency-Token", http.Header{"Consistency-Token": {forged}}
		}
		if p := as(t, id("ann")).send(http.MethodGet, "/v1/members/"+id("cat")+query, nil, h).expectProblem(http.StatusBadRequest); p.Field != want {
			t.Errorf("forged bookmarks in %s: field %q", want, p.Field)
		}
	}
	// A real token moved past the log's head, with bookmarks of a transaction that never comes: a
	// client's mistake, answered 400 at once, not a read left waiting for Neo4j.
	res = as(t, id("ann")).do(http.MethodPut, "/v1/blocks/"+id("cat"), nil).expect(http.StatusNoContent)
	real, err := graph.ParseToken(res.Header.Get("Consistency-Token"))
	if err != nil {
		t.Fatal(err)
	}
	as(t, id("ann")).do(http.MethodDelete, "/v1/blocks/"+id("cat"), nil).expect(http.StatusNoContent)
	future := real
	future.Seq += 1_000_000
	future.Bookmarks = []string{strings.Replace(real.Bookmarks[0], "A", "B", 1)}
	for _, mode := range []string{"at_least_as_fresh", "fully_consistent"} {
		start := time.Now()
		p := as(t, id("ann")).get(path + "?consistency=" + mode + "&token=" + url.QueryEscape(future.String())).expectProblem(http.StatusBadRequest)
		if p.Field != "token" || time.Since(start) > time.Second {
			t.Errorf("%s with a token past the log's head: field %q after %s; want token, at once", mode, p.Field, time.Since(start))
		}
	}
	want := reachability(t, id("ann"), id("cat"))
	// Until the projection has applied the network just written, default reads go to Neo4j:
	// give it a few tries. Once it has, both modes answer from memory, fully_consistent after
	// reading the log's head.
	for _, mode := range []string{"minimize_latency", "fully_consistent"} {
		var served [2]int64
		for range 50 {
			before := env.store.ProjectionStats()
			var got reach
			as(t, id("ann")).get(path + "?consistency=" + mode).expect(http.StatusOK).into(&got)
			if got.Label != want.Label || got.MutualCount != want.MutualCount {
				t.Errorf("%s: %+v, want %+v", mode, got, want)
			}
			if served = [2]int64{before.Served, env.store.ProjectionStats().Served}; served[1] > served[0] {
				break
			}
			time.Sleep(20 * time.Millisecond)
		}
		if served[1] == served[0] {
			t.Errorf("%s: reads from memory %d → %d: want them answered from memory", mode, served[0], served[1])
		}
	}
}

// TestFullyConsistentSeesOtherReplicasAtOnce writes through another store (another replica, whose
// writes this one learns of only from the log) and reads at once, fully consistent, through this
// one: every answer must hold the write just acknowledged, whether this replica had read the log
// since or not.
func TestFullyConsistentSeesOtherReplicasAtOnce(t *testing.T) {
	ctx := context.Background()
	id := ids(t)
	network(t, id, [2]string{"ann", "ben"})
	member(t, id("cat"), "Cat")
	other, err := openService(ctx, neo4jstore.Config{URI: env.neo4jURI})
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close(ctx)
	path := "/v1/members/" + id("cat") + "/reachability?consistency=fully_consistent"
	served := env.store.ProjectionStats().Served
	for i := range 20 {
		want := "out_of_network" // unless ben and cat are connected
		if i%2 == 0 {
			err, want = other.Connect(ctx, id("ben"), id("cat")), "2nd"
		} else {
			err = other.Disconnect(ctx, id("ben"), id("cat"))
		}
		if err != nil {
			t.Fatal(err)
		}
		var got reach
		as(t, id("ann")).get(path).expect(http.StatusOK).into(&got)
		if got.Label != want {
			t.Errorf("write %d: ann → cat is %q right after it, want %q", i+1, got.Label, want)
		}
	}
	if env.store.ProjectionStats().Served == served {
		t.Error("no fully consistent read was answered from memory")
	}
}

// TestPrunedLogIsLoadedAgain prunes the whole change log, as a replica's pruning does for changes
// older than the retention, perhaps before the store's projection has read the latest of them,
// and checks that the projection (loading again if it finds a gap) answers a read sent with a
// later write's token as that write left things.
func TestPrunedLogIsLoadedAgain(t *testing.T) {
	id := ids(t)
	network(t, id, [2]string{"ann", "ben"}, [2]string{"ben", "cat"})
	pruned, err := env.store.PruneChanges(context.Background(), -time.Minute)
	if err != nil || pruned == 0 {
		t.Fatalf("pruned %d changes (%v), want the whole log", pruned, err)
	}
	res := as(t, id("ann")).do(http.MethodPut, "/v1/blocks/"+id("cat"), nil).expect(http.StatusNoContent)
	token := url.QueryEscape(res.Header.Get("Consistency-Token"))
	as(t, id("ann")).get("/v1/members/" + id("cat") + "/reachability?token=" + token).expectProblem(http.StatusNotFound)
	for deadline := time.Now().Add(time.Minute); ; time.Sleep(50 * time.Millisecond) {
		before := env.store.ProjectionStats().Served
		as(t, id("ann")).get("/v1/members/" + id("cat") + "/reachability?token=" + token).expectProblem(http.StatusNotFound)
		if env.store.ProjectionStats().Served > before {
			return // answered from the projection, loaded again
		}
		if time.Now().After(deadline) {
			t.Fatal("the projection did not answer again within a minute of the log being pruned")
		}
	}
}

// TestPruningKeepsWhatReplicasConfirm prunes every change older than a minute from now, as a
// retention that has passed over an idle log does, behind a projection current with the log: each
// shard's latest change stays, so the projection still finds the changes at its positions, and
// goes on applying writes without loading again (a change missing there would be taken for a
// fork, graph/changelog/fork.go).
func TestPruningKeepsWhatReplicasConfirm(t *testing.T) {
	ctx := context.Background()
	fully := graph.WithConsistency(ctx, graph.Consistency{Mode: graph.FullyConsistent})
	id := ids(t)
	network(t, id, [2]string{"ann", "ben"})
	if _, err := env.store.Reachability(fully, id("ann"), id("ben")); err != nil {
		t.Fatal(err)
	}
	loads := env.store.ProjectionStats().Loads
	if _, err := env.store.PruneChanges(ctx, -time.Minute); err != nil {
		t.Fatal(err)
	}
	head, err := changelog.Head(ctx, env.store.DB())
	if err != nil {
		t.Fatal(err)
	}
	recs, err := env.store.DB().Read(ctx, cypher.ChangeLogHead, map[string]any{"batch": map[string]any{"at": head.Positions()}})
	if err != nil {
		t.Fatal(err)
	}
	found, _ := recs[0].Get("ids")
	for s, id := range found.([]any) {
		if head.Positions()[s] > 0 && id == nil {
			t.Errorf("shard %d's latest change, %d, was pruned", s, head.Positions()[s])
		}
	}
	putBlock(t, id("ann"), id("ben"))
	served := env.store.ProjectionStats().Served
	if _, err := env.store.Reachability(fully, id("ann"), id("ben")); !errors.Is(err, graph.ErrNotFound) {
		t.Errorf("ann → ben after ann blocked ben: %v, want not found", err)
	}
	if st := env.store.ProjectionStats(); st.Served == served || st.Loads != loads {
		t.Errorf("after pruning, the projection answered %d reads from memory and loaded %d times; want 1 and 0",
			st.Served-served, st.Loads-loads)
	}
}

// TestPruningUsesNeo4jsClock writes changes through a store whose clock is two hours slow, then
// prunes changes older than an hour: none of them goes, because changes are stamped, and pruned,
// by Neo4j's clock. With the writer's clock stamping them, the first change would be taken for
// two hours old and pruned while replicas may still need it.
func TestPruningUsesNeo4jsClock(t *testing.T) {
	ctx := context.Background()
	slow, err := neo4jstore.Open(ctx, neo4jstore.Config{URI: env.neo4jURI, Clock: func() time.Time { return time.Now().Add(-2 * time.Hour) }})
	if err != nil {
		t.Fatal(err)
	}
	defer slow.Close(ctx)
	id := ids(t)
	for _, name := range []string{"Ann", "Ann Again"} {
		if _, err := slow.PutMember(ctx, graph.Profile{ID: id("ann"), Name: name}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := env.store.PruneChanges(ctx, time.Hour); err != nil {
		t.Fatal(err)
	}
	recs := cypherRun(t, "MATCH (c:Change) WHERE $id IN c.members RETURN count(c) AS kept", map[string]any{"id": id("ann")})
	if kept, _ := recs[0].Get("kept"); kept != int64(2) {
		t.Errorf("%v of the 2 changes a slow writer made a moment ago are kept, want both", kept)
	}
}

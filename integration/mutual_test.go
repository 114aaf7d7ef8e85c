package integration

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"

	"github.com/reach-network/reach/graph"
	"github.com/reach-network/reach/graph/neo4jstore"
)

type summary struct {
	ID       string `json:"id"`
	Name     string `json:"name"`
	Headline string `json:"headline"`
}

type summaryPage struct {
	Total      *int      `json:"total"`
	Items      []summary `json:"items"`
	NextCursor *string   `json:"nextCursor"`
}

// pageAll follows nextCursor from the first page to the last and returns every item in order,
// checking that each page reports the same total.
func pageAll(t *testing.T, c *client, path string, limit int) ([]summary, int) {
	t.Helper()
	var all []summary
	total, cursor := -1, ""
	for pages := 0; ; pages++ {
		if pages > 1000 {
			t.Fatal("paging does not end")
		}
		q := url.Values{"limit": {fmt.Sprint(limit)}}
		if cursor != "" {
			q.Set("cursor", cursor)
		}
		var p summaryPage
		c.get(path + "?" + q.Encode()).expect(http.StatusOK).into(&p)
		if p.Total == nil {
			t.Fatal("page without total")
		}
		if total >= 0 && *p.Total != total {
			t.Fatalf("total changed from %d to %d between pages", total, *p.Total)
		}
		total = *p.Total
		if len(p.Items) > limit {
			t.Fatalf("page of %d items, limit %d", len(p.Items), limit)
		}
		all = append(all, p.Items...)
		if p.NextCursor == nil {
			return all, total
		}
		if len(p.Items) != limit {
			t.Fatalf("a page of %d items before the last, want %d", len(p.Items), limit)
		}
		cursor = *p.NextCursor
	}
}

func TestMutualConnections(t *testing.T) {
	id := ids(t)
	member(t, id("me"), "Me")
	member(t, id("them"), "Them")
	var want []summary
	// 45 mutual connections, some sharing a name so the order must fall back to the id.
	for i := range 45 {
		mid := id(fmt.Sprintf("m%02d", i))
		name := fmt.Sprintf("Mutual %02d", i%30)
		member(t, mid, name)
		connect(t, id("me"), mid)
		connect(t, id("them"), mid)
		want = append(want, summary{ID: mid, Name: name})
	}
	// Connections of only one side are not mutual.
	for i := range 5 {
		member(t, id(fmt.Sprintf("mine%d", i)), "Mine")
		connect(t, id("me"), id(fmt.Sprintf("mine%d", i)))
		member(t, id(fmt.Sprintf("theirs%d", i)), "Theirs")
		connect(t, id("them"), id(fmt.Sprintf("theirs%d", i)))
	}
	sort.Slice(want, func(i, j int) bool {
		if want[i].Name != want[j].Name {
			return want[i].Name < want[j].Name
		}
		return want[i].ID < want[j].ID
	})
	path := "/v1/members/" + id("them") + "/mutual-connections"

	for _, limit := range []int{1, 7, 20, 45, 100} {
		t.Run(fmt.Sprintf("Limit%d", limit), func(t *testing.T) {
			got, total := pageAll(t, as(t, id("me")), path, limit)
			if total != 45 {
				t.Errorf("total %d, want 45", total)
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("mutual connections, every one once and in order (-want +got):\n%s", diff)
			}
		})
	}
	t.Run("Symmetric", func(t *testing.T) {
		got, _ := pageAll(t, as(t, id("them")), "/v1/members/"+id("me")+"/mutual-connections", 50)
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("(-want +got):\n%s", diff)
		}
	})
	t.Run("DefaultLimit", func(t *testing.T) {
		var p summaryPage
		as(t, id("me")).get(path).expect(http.StatusOK).into(&p)
		if len(p.Items) != 20 || p.NextCursor == nil {
			t.Errorf("first page has %d items (next %v), want 20 and a cursor", len(p.Items), p.NextCursor)
		}
	})
	t.Run("MatchesReachability", func(t *testing.T) {
		if r := reachability(t, id("me"), id("them")); r.MutualCount != 45 || r.Label != "2nd" {
			t.Errorf("reachability %+v, want 2nd with 45 mutual connections", r)
		}
	})
	t.Run("None", func(t *testing.T) {
		var p summaryPage
		as(t, id("me")).get("/v1/members/" + id("theirs0") + "/mutual-connections").expect(http.StatusOK).into(&p)
		if *p.Total != 0 || len(p.Items) != 0 || p.NextCursor != nil {
			t.Errorf("got %+v, want an empty last page", p)
		}
	})
	t.Run("BadInput", func(t *testing.T) {
		c := as(t, id("me"))
		for _, q := range []string{"limit=0", "limit=101", "limit=ten", "limit=-3", "cursor=not-a-cursor", "cursor=eyJ4IjoxfQ"} {
			p := c.get(path + "?" + q).expectProblem(http.StatusBadRequest)
			if want := q[:len("limit")]; q[0] == 'l' && p.Field != want {
				t.Errorf("%s: field %q, want limit", q, p.Field)
			}
			if q[0] == 'c' && p.Field != "cursor" {
				t.Errorf("%s: field %q, want cursor", q, p.Field)
			}
		}
		c.get("/v1/members/" + id("nobody") + "/mutual-connections").expectProblem(http.StatusNotFound)
	})
}

func TestPath(t *testing.T) {
	id := ids(t)
	// Two routes of length 3 from me to d, one of length 2 to b2; e is 4 hops away.
	edges := [][2]string{
		{"me", "a"}, {"a", "b"}, {"b", "d"},
		{"me", "a2"}, {"a2", "b2"}, {"b2", "d"},
		{"d", "e"}, {"x", "y"},
	}
	network(t, id, edges...)
	connected := map[[2]string]bool{}
	for _, e := range edges {
		connected[[2]string{id(e[0]), id(e[1])}] = true
		connected[[2]string{id(e[1]), id(e[0])}] = true
	}
	type step struct{ ID, Name string }
	get := func(t *testing.T, to string) []step {
		var out struct{ Path []step }
		as(t, id("me")).get("/v1/members/" + id(to) + "/path").expect(http.StatusOK).into(&out)
		return out.Path
	}
	for _, tc := range []struct {
		to   string
		hops int
	}{{"me", 0}, {"a", 1}, {"b2", 2}, {"d", 3}} {
		t.Run(tc.to, func(t *testing.T) {
			p := get(t, tc.to)
			if len(p) != tc.hops+1 {
				t.Fatalf("path %v has %d hops, want %d", p, len(p)-1, tc.hops)
			}
			if p[0].ID != id("me") || p[len(p)-1].ID != id(tc.to) {
				t.Fatalf("path %v does not run from me to %s", p, tc.to)
			}
			for i := 1; i < len(p); i++ {
				if !connected[[2]string{p[i-1].ID, p[i].ID}] {
					t.Fatalf("path %v: %s and %s are not connected", p, p[i-1].ID, p[i].ID)
				}
				if p[i].Name == "" {
					t.Fatalf("path %v: step without a name", p)
				}
			}
		})
	}
	t.Run("BeyondThreeHops", func(t *testing.T) {
		as(t, id("me")).get("/v1/members/" + id("e") + "/path").expectProblem(http.StatusNotFound)
	})
	t.Run("Unconnected", func(t *testing.T) {
		as(t, id("me")).get("/v1/members/" + id("x") + "/path").expectProblem(http.StatusNotFound)
	})
	t.Run("UnknownMember", func(t *testing.T) {
		as(t, id("me")).get("/v1/members/" + id("nobody") + "/path").expectProblem(http.StatusNotFound)
	})
}

// mutualNetwork makes caller "me" and member "them" with mutual connections named so that the
// order falls back to the id and compares code points beyond ASCII and beyond the first plane,
// with headlines, some empty; and, among them, one the caller blocked, one who blocked the caller
// and one who closed their account: none of the three is a mutual connection any more. It returns
// once the projection holds all of it, with the names of the mutual connections that remain, by
// their name in the test.
func mutualNetwork(t *testing.T, id func(string) string, n int) []string {
	t.Helper()
	member(t, id("me"), "Me")
	member(t, id("them"), "Them")
	// Not U+E000 to U+FFFF beside "😀": Neo4j orders those by code point but compares them with a
	// parameter, as the cursor's, in UTF-16 order, so its own pages of such names repeat members.
	names := []string{"Ann", "Bob", "bob", "Émile", "Ωmega", "😀", "Zoë", "Ann"}
	var mutuals []string
	for i := range n + 3 {
		m := fmt.Sprintf("m%02d", (i*7)%(n+3)) // ids in another order than names
		body := map[string]any{"name": names[i%len(names)]}
		if i%3 > 0 {
			body["headline"] = fmt.Sprintf("Headline %d at Ünïcode", i)
		}
		admin(t).do(http.MethodPut, "/v1/admin/members/"+id(m), body).expect(http.StatusCreated)
		connect(t, id("me"), id(m))
		connect(t, id("them"), id(m))
		mutuals = append(mutuals, m)
	}
	blocked, blocker, gone := mutuals[n], mutuals[n+1], mutuals[n+2]
	as(t, id("me")).do(http.MethodPut, "/v1/blocks/"+id(blocked), nil).expect(http.StatusNoContent)
	as(t, id(blocker)).do(http.MethodPut, "/v1/blocks/"+id("me"), nil).expect(http.StatusNoContent)
	as(t, id(gone)).do(http.MethodDelete, "/v1/me", nil).expect(http.StatusNoContent)
	// A default read waits only for this replica's writes that touched the caller: have the
	// projection apply the log's head, so that every read after holds every write above.
	fromMemory(t, graph.Consistency{Mode: graph.FullyConsistent}, id("me"), id("them"), graph.PageRequest{Limit: 1})
	return mutuals[:n]
}

// fromMemory asks for a mutual page through env.store in the consistency c, again until the
// projection answers it rather than Neo4j, for a while: the path tested is the projection's.
func fromMemory(t testing.TB, c graph.Consistency, caller, member string, page graph.PageRequest) graph.Page[graph.MemberSummary] {
	t.Helper()
	got, err := memoryPage(t, c, caller, member, page)
	if err != nil {
		t.Fatalf("mutual page from memory: %v", err)
	}
	return got
}

// memoryPage is fromMemory, with the error the projection answered.
func memoryPage(t testing.TB, c graph.Consistency, caller, member string, page graph.PageRequest) (graph.Page[graph.MemberSummary], error) {
	t.Helper()
	ctx := graph.WithConsistency(context.Background(), c)
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		before := env.store.ProjectionStats()
		got, err := env.store.MutualConnections(ctx, caller, member, page)
		after := env.store.ProjectionStats()
		if after.Fallbacks == before.Fallbacks && after.Served > before.Served {
			return got, err
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: Neo4j answered the mutual page, never the projection", c.Mode)
		}
	}
}

// TestMutualPagesFromMemoryAreNeo4js pages through the mutual connections of one pair from the
// projection and from Neo4j (a store that keeps no projection), with several limits, and checks
// that every page is the same: items with their names and headlines, the cursor to the next
// page, the total. A cursor one path gave out leads the other to the same next page.
func TestMutualPagesFromMemoryAreNeo4js(t *testing.T) {
	id := ids(t)
	mutuals := mutualNetwork(t, id, 23)
	neo4j := storeWithoutProjection(t)
	ctx := context.Background()
	latency := graph.Consistency{Mode: graph.MinimizeLatency}
	for _, limit := range []int{1, 4, 22, 23, 100} {
		t.Run(fmt.Sprintf("Limit%d", limit), func(t *testing.T) {
			seen, after := 0, ""
			for pages := 0; ; pages++ {
				req := graph.PageRequest{Limit: limit, After: after}
				memory := fromMemory(t, latency, id("me"), id("them"), req)
				want, err := neo4j.MutualConnections(ctx, id("me"), id("them"), req)
				if err != nil {
					t.Fatal(err)
				}
				if diff := cmp.Diff(want, memory); diff != "" {
					t.Fatalf("page %d (-Neo4j +memory):\n%s", pages, diff)
				}
				if memory.Total != len(mutuals) || pages > len(mutuals) {
					t.Fatalf("page %d: total %d, want %d", pages, memory.Total, len(mutuals))
				}
				seen += len(memory.Items)
				if after = memory.Next; after == "" {
					break
				}
			}
			if seen != len(mutuals) {
				t.Errorf("%d mutual connections over the pages, want %d", seen, len(mutuals))
			}
		})
	}
	t.Run("OtherSide", func(t *testing.T) {
		req := graph.PageRequest{Limit: 100}
		want, err := neo4j.MutualConnections(ctx, id("them"), id("me"), req)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(want, fromMemory(t, latency, id("them"), id("me"), req)); diff != "" {
			t.Errorf("(-Neo4j +memory):\n%s", diff)
		}
	})
}

// TestMutualPageShowsAnotherReplicasRenames renames a mutual connection and changes another's
// headline through another store (another replica: this one learns of its writes only from the
// change log), then asks this replica's projection for the page, fully consistent and in the
// default mode: it must show the new name, in its new place, and the new headline, as Neo4j does.
func TestMutualPageShowsAnotherReplicasRenames(t *testing.T) {
	ctx := context.Background()
	id := ids(t)
	mutuals := mutualNetwork(t, id, 6)
	other, err := openService(ctx, neo4jstore.Config{URI: env.neo4jURI})
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close(ctx)
	neo4j := storeWithoutProjection(t)
	req := graph.PageRequest{Limit: 3}
	for i, change := range []graph.Profile{
		{ID: id(mutuals[0]), Name: "Aaron", Headline: "First now"},
		{ID: id(mutuals[1]), Name: "Zyx", Headline: ""},
		{ID: id(mutuals[2]), Name: "Zyx", Headline: "Same name, a new headline"},
	} {
		if _, err := other.PutMember(ctx, change); err != nil {
			t.Fatal(err)
		}
		for _, c := range []graph.Consistency{{Mode: graph.FullyConsistent}, {Mode: graph.MinimizeLatency}} {
			var got []graph.MemberSummary
			for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(20 * time.Millisecond) {
				got = allPages(t, func(r graph.PageRequest) graph.Page[graph.MemberSummary] {
					return fromMemory(t, c, id("me"), id("them"), r)
				}, req)
				if slices.Contains(got, graph.MemberSummary{ID: change.ID, Name: change.Name, Headline: change.Headline}) ||
					c.Mode == graph.FullyConsistent || time.Now().After(deadline) {
					break // a default read may lag, within the staleness bound
				}
			}
			want := allPages(t, func(r graph.PageRequest) graph.Page[graph.MemberSummary] {
				p, err := neo4j.MutualConnections(ctx, id("me"), id("them"), r)
				if err != nil {
					t.Fatal(err)
				}
				return p
			}, req)
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("change %d, %s (-Neo4j +memory):\n%s", i+1, c.Mode, diff)
			}
		}
	}
}

// allPages follows the cursor from req's first page to the last and returns every item in order.
func allPages(t testing.TB, page func(graph.PageRequest) graph.Page[graph.MemberSummary], req graph.PageRequest) []graph.MemberSummary {
	t.Helper()
	var all []graph.MemberSummary
	for pages := 0; pages < 100; pages++ {
		p := page(req)
		all = append(all, p.Items...)
		if req.After = p.Next; req.After == "" {
			return all
		}
	}
	t.Fatal("paging does not end")
	return nil
}

// TestMutualPageFromMemoryRunsNoStatement traces mutual-connections requests and checks that one
// answered from memory in the default mode runs no Cypher statement at all, while one sent fully
// consistent, also answered from memory, runs the one that reads the change log's head: so the
// trace does show this request's statements.
func TestMutualPageFromMemoryRunsNoStatement(t *testing.T) {
	recorder, _ := statementSpans()
	t.Cleanup(recorder.Reset)
	id := ids(t)
	mutualNetwork(t, id, 5)
	path := "/v1/members/" + id("them") + "/mutual-connections?limit=2"
	fromMemory(t, graph.Consistency{}, id("me"), id("them"), graph.PageRequest{Limit: 2}) // the projection holds the network
	statements := func(query string) []string {
		t.Helper()
		ended := len(recorder.Ended())
		before := env.store.ProjectionStats()
		var p summaryPage
		as(t, id("me")).get(path + query).expect(http.StatusOK).into(&p)
		if after := env.store.ProjectionStats(); after.Fallbacks != before.Fallbacks || after.Served == before.Served || len(p.Items) != 2 {
			t.Fatalf("%s: a page of %d items, %d reads from memory and %d from Neo4j; want 2 items from memory",
				path+query, len(p.Items), after.Served-before.Served, after.Fallbacks-before.Fallbacks)
		}
		spans := recorder.Ended()[ended:]
		var request sdktrace.ReadOnlySpan
		for _, s := range spans {
			if s.Name() == "GET /v1/members/:id/mutual-connections" {
				request = s
			}
		}
		if request == nil {
			t.Fatal("no span for the request")
		}
		var out []string
		for _, s := range spans {
			if s.SpanContext().TraceID() == request.SpanContext().TraceID() && strings.HasPrefix(s.Name(), "cypher ") {
				out = append(out, s.Name())
			}
		}
		return out
	}
	if got := statements(""); len(got) != 0 {
		t.Errorf("a mutual page answered from memory ran %v, want no statement", got)
	}
	if got := statements("&consistency=fully_consistent"); !slices.Equal(got, []string{"cypher ChangeLogHead"}) {
		t.Errorf("a fully consistent mutual page answered from memory ran %v, want the log's head alone", got)
	}
}

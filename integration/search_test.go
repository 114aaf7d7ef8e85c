package integration

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/reach-network/reach/cypher"
	"github.com/reach-network/reach/graph"
	"github.com/reach-network/reach/graph/neo4jstore"
)

// searchHit is one member GET /v1/members?q= finds.
type searchHit struct {
	ID          string `json:"id"`
	Name        string `json:"name"`
	Headline    string `json:"headline"`
	Degree      *int   `json:"degree"`
	Label       string `json:"label"`
	MutualCount int    `json:"mutualCount"`
}

// searchPrefix returns a name prefix no other test uses, such as "Qzkwmfta": member names are
// shared by the whole database, so every search test names its members with its own prefix.
func searchPrefix() string {
	b := []byte("Qz")
	for range 6 {
		b = append(b, byte('a'+rand.IntN(26)))
	}
	return string(b)
}

// searchAll follows nextCursor through every page of a search and returns the hits in order.
func searchAll(t *testing.T, caller, q string, limit int) []searchHit {
	t.Helper()
	var all []searchHit
	cursor := ""
	for pages := 0; ; pages++ {
		if pages > 200 {
			t.Fatal("paging does not end")
		}
		v := url.Values{"q": {q}, "limit": {fmt.Sprint(limit)}}
		if cursor != "" {
			v.Set("cursor", cursor)
		}
		var p struct {
			Items      []searchHit `json:"items"`
			NextCursor *string     `json:"nextCursor"`
		}
		as(t, caller).get("/v1/members?" + v.Encode()).expect(http.StatusOK).into(&p)
		if len(p.Items) > limit {
			t.Fatalf("page of %d hits, limit %d", len(p.Items), limit)
		}
		all = append(all, p.Items...)
		if p.NextCursor == nil {
			return all
		}
		if len(p.Items) != limit {
			t.Fatalf("a page of %d hits before the last, want %d", len(p.Items), limit)
		}
		cursor = *p.NextCursor
	}
}

// searchIDs returns the ids of every member the caller finds with q, in order.
func searchIDs(t *testing.T, caller, q string) []string {
	t.Helper()
	var out []string
	for _, h := range searchAll(t, caller, q, 100) {
		out = append(out, h.ID)
	}
	return out
}

func TestSearch(t *testing.T) {
	id := ids(t)
	pfx := searchPrefix()
	// Helpers make the degrees and mutual counts; their names do not match.
	network(t, id,
		[2]string{"me", "h1"}, [2]string{"me", "h2"},
		[2]string{"me", "a1"}, [2]string{"me", "a2"}, [2]string{"me", "a3"}, [2]string{"h1", "a2"},
		[2]string{"b1", "h1"}, [2]string{"b1", "h2"}, [2]string{"b2", "h1"}, [2]string{"b3", "h2"},
		[2]string{"g1", "h1"}, [2]string{"c1", "g1"}, [2]string{"c2", "g1"},
		[2]string{"d3", "c1"}, [2]string{"u", "h1"},
	)
	names := map[string]string{
		"me": "Me",
		"a1": "Zulu", "a2": "Yankee", "a3": "Alpha", // 1st degree; a2 shares h1 with me
		"b1": "Kilo", "b2": "Bravo", "b3": "Charlie", // 2nd degree; b1 shares h1 and h2, b2 and b3 one each
		"c1": "Delta", "c2": "Echo", // 3rd degree
		"d1": "Foxtrot", "d2": "Alpha", "d3": "Golf", "e1": "Hotel", "e2": "Hotel", // out of network
		"u": "Unsearchable",
	}
	unconnected := map[string]bool{"d1": true, "d2": true, "e1": true, "e2": true}
	for n, name := range names {
		status := http.StatusOK
		if unconnected[n] {
			status = http.StatusCreated
		}
		admin(t).do(http.MethodPut, "/v1/admin/members/"+id(n), map[string]any{"name": pfx + " " + name, "headline": "H " + n}).
			expect(status)
	}
	for _, n := range []string{"h1", "h2", "g1"} {
		admin(t).do(http.MethodPut, "/v1/admin/members/"+id(n), map[string]any{"name": "Helper " + pfx}).expect(http.StatusOK)
	}
	member(t, id("infix"), "Mr "+pfx) // holds the prefix, but not at the start
	as(t, id("u")).do(http.MethodPatch, "/v1/me/settings", map[string]any{"searchable": false}).expect(http.StatusOK)

	hit := func(n string, degree int, mutual int) searchHit {
		h := searchHit{ID: id(n), Name: pfx + " " + names[n], Headline: "H " + n, MutualCount: mutual, Label: "out_of_network"}
		if degree > 0 {
			h.Degree = &degree
			h.Label = map[int]string{1: "1st", 2: "2nd", 3: "3rd"}[degree]
		}
		return h
	}
	want := []searchHit{
		hit("a2", 1, 1), hit("a3", 1, 0), hit("a1", 1, 0),
		hit("b1", 2, 2), hit("b2", 2, 1), hit("b3", 2, 1),
		hit("c1", 3, 0), hit("c2", 3, 0),
		hit("d2", 0, 0), hit("d1", 0, 0), hit("d3", 0, 0), hit("e1", 0, 0), hit("e2", 0, 0),
	}

	t.Run("RankedByDegreeThenMutualThenName", func(t *testing.T) {
		if diff := cmp.Diff(want, searchAll(t, id("me"), pfx, 100)); diff != "" {
			t.Errorf("(-want +got):\n%s", diff)
		}
	})
	for _, tc := range []struct{ name, q string }{
		{"LowerCaseQ", strings.ToLower(pfx)}, {"UpperCaseQ", strings.ToUpper(pfx)}, {"MixedCaseQ", "qZ" + pfx[2:]},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if diff := cmp.Diff(want, searchAll(t, id("me"), tc.q, 100)); diff != "" {
				t.Errorf("q=%s (-want +got):\n%s", tc.q, diff)
			}
		})
	}
	t.Run("LongerPrefixNarrows", func(t *testing.T) {
		got := searchIDs(t, id("me"), strings.ToLower(pfx)+" al")
		if want := []string{id("a3"), id("d2")}; !slices.Equal(got, want) {
			t.Errorf("got %v, want %v", got, want)
		}
		if got := searchIDs(t, id("me"), pfx+" Zz"); len(got) != 0 {
			t.Errorf("a prefix nobody has finds %v", got)
		}
	})
	t.Run("CallerExcluded", func(t *testing.T) {
		if got := searchIDs(t, id("me"), pfx+" Me"); len(got) != 0 {
			t.Errorf("the caller finds %v, want nobody (not themselves)", got)
		}
		if got := searchIDs(t, id("a1"), pfx+" Me"); !slices.Equal(got, []string{id("me")}) {
			t.Errorf("another member finds %v, want me", got)
		}
	})
	t.Run("UnsearchableFoundOnlyByConnections", func(t *testing.T) {
		if got := searchIDs(t, id("h1"), pfx+" Unsearchable"); !slices.Equal(got, []string{id("u")}) {
			t.Errorf("a 1st-degree connection finds %v, want u", got)
		}
		if got := searchIDs(t, id("me"), pfx+" Unsearchable"); len(got) != 0 {
			t.Errorf("a 2nd-degree member finds %v, want nobody", got)
		}
		if got := searchIDs(t, id("d1"), pfx+" Unsearchable"); len(got) != 0 {
			t.Errorf("a stranger finds %v, want nobody", got)
		}
	})
	for _, limit := range []int{1, 2, 5, 13} {
		t.Run(fmt.Sprintf("PagesLimit%d", limit), func(t *testing.T) {
			if diff := cmp.Diff(want, searchAll(t, id("me"), strings.ToLower(pfx), limit)); diff != "" {
				t.Errorf("every hit once, in order (-want +got):\n%s", diff)
			}
		})
	}
	t.Run("DefaultLimit20", func(t *testing.T) {
		for i := range 10 {
			member(t, id(fmt.Sprintf("many%d", i)), fmt.Sprintf("%s Many %d", pfx, i))
		}
		var p struct {
			Items      []searchHit `json:"items"`
			NextCursor *string     `json:"nextCursor"`
		}
		as(t, id("me")).get("/v1/members?q=" + pfx).expect(http.StatusOK).into(&p)
		if len(p.Items) != 20 || p.NextCursor == nil {
			t.Errorf("first page of 23 has %d hits (next %v), want 20 and a cursor", len(p.Items), p.NextCursor)
		}
	})
	t.Run("BadInput", func(t *testing.T) {
		c := as(t, id("me"))
		for _, tc := range []struct{ name, query, field string }{
			{"QMissing", "", "q"},
			{"QEmpty", "q=", "q"},
			{"QTooLong", "q=" + strings.Repeat("q", 101), "q"},
			{"LimitZero", "q=a&limit=0", "limit"},
			{"LimitTooLarge", "q=a&limit=101", "limit"},
			{"LimitNotANumber", "q=a&limit=ten", "limit"},
			{"LimitNegative", "q=a&limit=-1", "limit"},
			{"BadCursor", "q=a&cursor=not-a-cursor", "cursor"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				if p := as(t, id("me")).get("/v1/members?" + tc.query).expectProblem(http.StatusBadRequest); p.Field != tc.field {
					t.Errorf("field %q, want %q", p.Field, tc.field)
				}
			})
		}
		// 100 characters, all of them multi-byte, is still fine.
		c.get("/v1/members?q=" + url.QueryEscape(strings.Repeat("é", 100))).expect(http.StatusOK)
	})
}

func TestSearchNeverFindsBlocked(t *testing.T) {
	id := ids(t)
	pfx := searchPrefix()
	// x, whom me blocks, and y, who blocks me, are both connected to me beforehand.
	network(t, id, [2]string{"me", "x"}, [2]string{"me", "y"}, [2]string{"me", "friend"}, [2]string{"x", "friend"},
		[2]string{"y", "friend"})
	for _, n := range []string{"me", "x", "y", "friend"} {
		admin(t).do(http.MethodPut, "/v1/admin/members/"+id(n), map[string]any{"name": pfx + " " + n}).expect(http.StatusOK)
	}
	member(t, id("stranger"), pfx+" stranger")
	if got := searchIDs(t, id("me"), pfx); !slices.Contains(got, id("x")) || !slices.Contains(got, id("y")) {
		t.Fatalf("before the blocks me finds %v, want x and y among them", got)
	}
	putBlock(t, id("me"), id("x"))
	putBlock(t, id("y"), id("me"))

	t.Run("BlockerDoesNotFindBlocked", func(t *testing.T) {
		got := searchIDs(t, id("me"), pfx)
		if want := []string{id("friend"), id("stranger")}; !slices.Equal(got, want) {
			t.Errorf("me finds %v, want only %v", got, want)
		}
		if got := searchIDs(t, id("y"), pfx); slices.Contains(got, id("me")) || !slices.Contains(got, id("x")) {
			t.Errorf("y finds %v, want x but not me", got)
		}
	})
	t.Run("BlockedDoesNotFindBlocker", func(t *testing.T) {
		if got := searchIDs(t, id("x"), pfx); slices.Contains(got, id("me")) || !slices.Contains(got, id("y")) {
			t.Errorf("x finds %v, want y but not me", got)
		}
		if got := searchIDs(t, id("me"), pfx+" y"); len(got) != 0 {
			t.Errorf("me finds %v by y's whole name, want nobody", got)
		}
	})
	t.Run("OthersStillFindBoth", func(t *testing.T) {
		got := searchIDs(t, id("stranger"), pfx)
		for _, n := range []string{"me", "x", "y"} {
			if !slices.Contains(got, id(n)) {
				t.Errorf("stranger finds %v, want %s among them", got, n)
			}
		}
	})
}

// importSearchable imports members, each named by names (id to name) with the default settings,
// and the connections between pairs of them, through the bulk importer.
func importSearchable(t *testing.T, names map[string]string, pairs [][2]string) {
	t.Helper()
	ctx, now := context.Background(), time.Now()
	var members []graph.ImportMember
	for id, name := range names {
		members = append(members, graph.ImportMember{ID: id, Name: name, Settings: graph.DefaultSettings, CreatedAt: now})
	}
	var connections []graph.ImportConnection
	for _, p := range pairs {
		connections = append(connections, graph.ImportConnection{A: p[0], B: p[1], Since: now})
	}
	if _, err := env.store.ImportMembers(ctx, members); err != nil {
		t.Fatal(err)
	}
	if _, err := env.store.ImportConnections(ctx, connections); err != nil {
		t.Fatal(err)
	}
}

// TestSearchCostIsBounded profiles the search statement for a member whose second degree holds
// 600 members and for one whose second degree holds 6, with the same matches: the statement reads
// the caller's connections and a bounded prefix seek, never the second degree, so the two cost
// the same. Walking the second degree cost the first member about a hundred times more.
func TestSearchCostIsBounded(t *testing.T) {
	id := ids(t)
	pfx := strings.ToLower(searchPrefix())
	names := map[string]string{}
	var pairs [][2]string
	for caller, each := range map[string]int{"wide": 200, "narrow": 2} {
		names[id(caller)] = pfx + " " + caller
		for h := range 3 {
			hub := id(fmt.Sprintf("%s-hub%d", caller, h))
			names[hub] = "Hub"
			pairs = append(pairs, [2]string{id(caller), hub})
			for i := range each {
				far := id(fmt.Sprintf("%s-hub%d-far%d", caller, h, i))
				names[far] = "Far"
				pairs = append(pairs, [2]string{hub, far})
			}
		}
	}
	importSearchable(t, names, pairs)
	cost := func(caller string) pageCost {
		return profile(t, query{cypher.SearchMembers, map[string]any{
			"caller": id(caller), "prefix": pfx, "cap": int64(neo4jstore.SearchCap)}})
	}
	wide, narrow := cost("wide"), cost("narrow")
	t.Logf("a second degree of 600: %d db hits; of 6: %d", wide.dbHits, narrow.dbHits)
	if wide.dbHits > narrow.dbHits*3/2+20 {
		t.Errorf("a search by a member with 600 members in their second degree cost %d db hits, with 6 %d: "+
			"the cost grows with the second degree", wide.dbHits, narrow.dbHits)
	}
}

// TestSearchPastTheCap fills the first SearchCap matches of the whole network with strangers: a
// connection whose name sorts after them is still found, ranked first, and a 2nd-degree member
// whose name sorts after them is found by a longer prefix.
func TestSearchPastTheCap(t *testing.T) {
	id := ids(t)
	pfx := searchPrefix()
	names := map[string]string{
		id("me"): pfx + " Me", id("friend"): pfx + " Zy friend", id("hub"): "Hub", id("second"): pfx + " Zz second",
	}
	for i := range neo4jstore.SearchCap {
		names[id(fmt.Sprintf("stranger%03d", i))] = fmt.Sprintf("%s A stranger %03d", pfx, i)
	}
	importSearchable(t, names, [][2]string{{id("me"), id("friend")}, {id("me"), id("hub")}, {id("hub"), id("second")}})
	var first struct {
		Items []searchHit `json:"items"`
	}
	as(t, id("me")).get("/v1/members?limit=5&q=" + url.QueryEscape(pfx)).expect(http.StatusOK).into(&first)
	if len(first.Items) == 0 || first.Items[0].ID != id("friend") {
		t.Errorf("the first page's hits %v, want the connection first", first.Items)
	}
	if got := searchIDs(t, id("me"), pfx+" Z"); !slices.Equal(got, []string{id("friend"), id("second")}) {
		t.Errorf("a longer prefix finds %v, want the connection, then the 2nd-degree member", got)
	}
}

// TestSearchRanksFromMemory checks that a search ranks its candidates by how the caller stands to
// each from the replica's memory, when the read's consistency allows, as reachability does: memory
// serves the read, and the ranking is the one Neo4j's answers give. Imports by the tests before
// have the replica reload, answering from Neo4j meanwhile: the search is asked again until memory
// serves it, for a while.
func TestSearchRanksFromMemory(t *testing.T) {
	id := ids(t)
	pfx := searchPrefix()
	network(t, id, [2]string{"me", "friend"}, [2]string{"friend", "far"})
	for _, n := range []string{"friend", "far"} {
		admin(t).do(http.MethodPut, "/v1/admin/members/"+id(n), map[string]any{"name": pfx + " " + n}).expect(http.StatusOK)
	}
	member(t, id("stranger"), pfx+" stranger")
	var got []searchHit
	for deadline := time.Now().Add(time.Minute); ; time.Sleep(50 * time.Millisecond) {
		before := env.store.ProjectionStats()
		got = searchAll(t, id("me"), pfx, 20)
		after := env.store.ProjectionStats()
		if after.Served > before.Served && after.Fallbacks == before.Fallbacks {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the search was served from memory %d times, and fell back to Neo4j %d times; want memory",
				after.Served-before.Served, after.Fallbacks-before.Fallbacks)
		}
	}
	var ranked []string
	for _, h := range got {
		ranked = append(ranked, fmt.Sprintf("%s %s", h.ID, h.Label))
	}
	if want := []string{id("friend") + " 1st", id("far") + " 2nd", id("stranger") + " out_of_network"}; !slices.Equal(ranked, want) {
		t.Errorf("ranked %v, want %v", ranked, want)
	}
}

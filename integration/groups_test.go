package integration

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/reach-network/reach/graph"
	"github.com/reach-network/reach/graph/neo4jstore"
)

// affiliate is an organisation or group as the API names one.
type affiliate struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// sharedList is one list of what two members share.
type sharedList struct {
	Total int         `json:"total"`
	Items []affiliate `json:"items"`
}

// shared is what two members share, as reachability, the batch and the profile answer it.
type shared struct {
	Companies sharedList `json:"companies"`
	Schools   sharedList `json:"schools"`
	Groups    sharedList `json:"groups"`
}

// sharedBatch is a batch reachability answer, with what the caller shares with each member.
type sharedBatch struct {
	Items []struct {
		ID     string  `json:"id"`
		Found  bool    `json:"found"`
		Shared *shared `json:"shared"`
	} `json:"items"`
}

func putOrganisation(t testing.TB, id, name, kind string) {
	t.Helper()
	admin(t).do(http.MethodPut, "/v1/admin/organisations/"+id, map[string]any{"name": name, "kind": kind}).expect(http.StatusCreated)
}

func putGroup(t testing.TB, id, name string) {
	t.Helper()
	admin(t).do(http.MethodPut, "/v1/admin/groups/"+id, map[string]any{"name": name}).expect(http.StatusCreated)
}

// putPositions replaces a member's positions; each position is {org, from[, to]}.
func putPositions(t testing.TB, member, name string, positions ...map[string]any) *response {
	t.Helper()
	return admin(t).do(http.MethodPut, "/v1/admin/members/"+member, map[string]any{"name": name, "positions": positions}).expect(http.StatusOK)
}

func join(t testing.TB, member, group string) *response {
	t.Helper()
	return as(t, member).do(http.MethodPut, "/v1/groups/"+group+"/members/me", nil).expect(http.StatusNoContent)
}

func leave(t testing.TB, member, group string) *response {
	t.Helper()
	return as(t, member).do(http.MethodDelete, "/v1/groups/"+group+"/members/me", nil).expect(http.StatusNoContent)
}

// sharedOf asks reachability in a consistency mode (query, such as "?consistency=fully_consistent")
// and returns what the two share.
func sharedOf(t testing.TB, caller, member, query string) shared {
	t.Helper()
	var r struct {
		Shared *shared `json:"shared"`
	}
	as(t, caller).get("/v1/members/" + member + "/reachability" + query).expect(http.StatusOK).into(&r)
	if r.Shared == nil {
		t.Fatalf("%s → %s: reachability without shared", caller, member)
	}
	return *r.Shared
}

// eventuallyShared polls default reads until what the two share satisfies ok, failing after within.
func eventuallyShared(t testing.TB, caller, member string, within time.Duration, ok func(shared) bool) shared {
	t.Helper()
	start := time.Now()
	for {
		s := sharedOf(t, caller, member, "")
		if ok(s) {
			return s
		}
		if time.Since(start) > within {
			t.Fatalf("%s → %s: default reads still answer %+v after %s", caller, member, s, within)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func tokenQuery(res *response) string {
	return "?consistency=at_least_as_fresh&token=" + url.QueryEscape(res.Header.Get("Consistency-Token"))
}

// TestGroupsAdminValidation checks that organisations, groups and positions are checked, each bad
// field named in a 4xx problem, and that positions left out are left alone.
func TestGroupsAdminValidation(t *testing.T) {
	id := ids(t)
	for _, tc := range []struct {
		path  string
		body  any
		field string
	}{
		{"/v1/admin/organisations/" + id("o"), map[string]any{"name": "Acme"}, "kind"},
		{"/v1/admin/organisations/" + id("o"), map[string]any{"name": "  ", "kind": "company"}, "name"},
		{"/v1/admin/organisations/bad%20id", map[string]any{"name": "Acme", "kind": "company"}, "id"},
		{"/v1/admin/groups/" + id("g"), map[string]any{}, "name"},
		{"/v1/admin/groups/" + id("g"), map[string]any{"name": "G", "extra": 1}, "extra"},
	} {
		if p := admin(t).do(http.MethodPut, tc.path, tc.body).expectProblem(http.StatusBadRequest); p.Field != tc.field {
			t.Errorf("PUT %s %v: field %q, want %q", tc.path, tc.body, p.Field, tc.field)
		}
	}
	// A kind the rules do not know, the empty one too, is well formed but unprocessable.
	for _, kind := range []string{"club", ""} {
		p := admin(t).do(http.MethodPut, "/v1/admin/organisations/"+id("o"), map[string]any{"name": "Acme", "kind": kind}).
			expectProblem(http.StatusUnprocessableEntity)
		if p.Field != "kind" {
			t.Errorf("kind %q: field %q, want kind", kind, p.Field)
		}
	}
	putOrganisation(t, id("acme"), "Acme", "company")
	admin(t).do(http.MethodPut, "/v1/admin/organisations/"+id("acme"), map[string]any{"name": "Acme Corp", "kind": "company"}).expect(http.StatusOK)
	putGroup(t, id("g"), "Gophers")
	admin(t).do(http.MethodPut, "/v1/admin/groups/"+id("g"), map[string]any{"name": "Go"}).expect(http.StatusOK)
	member(t, id("ann"), "Ann")
	for _, tc := range []struct {
		positions any
		status    int
		field     string
	}{
		{[]any{map[string]any{"org": id("acme")}}, 400, "positions[0].from"},
		{[]any{map[string]any{"org": id("acme"), "from": 1800}}, 400, "positions[0].from"},
		{[]any{map[string]any{"org": id("acme"), "from": 2020, "to": 2019}}, 400, "positions[0].to"},
		{[]any{map[string]any{"org": id("acme"), "from": 2020, "to": 3000}}, 400, "positions[0].to"},
		{[]any{map[string]any{"org": "no such", "from": 2020}}, 400, "positions[0].org"},
		{[]any{map[string]any{"org": id("acme"), "from": 2020}, map[string]any{"org": id("nowhere"), "from": 2020}}, 422, "positions[1].org"},
		{[]any{map[string]any{"org": id("acme"), "from": "2020"}}, 400, "positions[0].from"},
		{"acme", 400, "positions"},
	} {
		res := admin(t).do(http.MethodPut, "/v1/admin/members/"+id("ann"), map[string]any{"name": "Ann", "positions": tc.positions})
		if p := res.expectProblem(tc.status); p.Field != tc.field {
			t.Errorf("positions %v: field %q, want %q", tc.positions, p.Field, tc.field)
		}
	}
	// A refused update writes nothing: Ann holds no position, so shares nothing with Bob.
	member(t, id("bob"), "Bob")
	putPositions(t, id("bob"), "Bob", map[string]any{"org": id("acme"), "from": 2015})
	if s := sharedOf(t, id("ann"), id("bob"), "?consistency=fully_consistent"); s.Companies.Total != 0 {
		t.Errorf("after refused updates Ann shares %+v with Bob, want nothing", s.Companies)
	}
	putPositions(t, id("ann"), "Ann", map[string]any{"org": id("acme"), "title": "CTO", "from": 2019, "to": 2021})
	// Positions left out are kept.
	admin(t).do(http.MethodPut, "/v1/admin/members/"+id("ann"), map[string]any{"name": "Ann A."}).expect(http.StatusOK)
	s := sharedOf(t, id("ann"), id("bob"), "?consistency=fully_consistent")
	if want := (sharedList{Total: 1, Items: []affiliate{{id("acme"), "Acme Corp"}}}); !reflect.DeepEqual(s.Companies, want) {
		t.Errorf("Ann and Bob share %+v, want %+v", s.Companies, want)
	}
	// An empty list removes them.
	res := admin(t).do(http.MethodPut, "/v1/admin/members/"+id("ann"), map[string]any{"name": "Ann", "positions": []any{}}).expect(http.StatusOK)
	if s := sharedOf(t, id("ann"), id("bob"), tokenQuery(res)); s.Companies.Total != 0 {
		t.Errorf("after Ann's positions were removed they share %+v", s.Companies)
	}
}

// TestGroupsJoinLeaveIdempotent checks that joining and leaving twice answer alike, that a group
// that does not exist is 404, and that a member's groups are listed by name, paged.
func TestGroupsJoinLeaveIdempotent(t *testing.T) {
	id := ids(t)
	member(t, id("ann"), "Ann")
	for i, name := range []string{"Delta", "alpha", "Charlie", "Bravo"} {
		putGroup(t, id(fmt.Sprint("g", i)), name)
	}
	for i := range 4 {
		join(t, id("ann"), id(fmt.Sprint("g", i)))
		join(t, id("ann"), id(fmt.Sprint("g", i)))
	}
	as(t, id("ann")).do(http.MethodPut, "/v1/groups/"+id("none")+"/members/me", nil).expectProblem(http.StatusNotFound)
	as(t, id("ann")).do(http.MethodDelete, "/v1/groups/"+id("none")+"/members/me", nil).expectProblem(http.StatusNotFound)
	if p := as(t, id("ann")).do(http.MethodPut, "/v1/groups/bad%20id/members/me", nil).expectProblem(http.StatusBadRequest); p.Field != "id" {
		t.Errorf("a bad group id: field %q", p.Field)
	}
	var names []string
	cursor, total := "", 0
	for {
		var page struct {
			Total      int         `json:"total"`
			Items      []affiliate `json:"items"`
			NextCursor string      `json:"nextCursor"`
		}
		as(t, id("ann")).get("/v1/me/groups?limit=3&cursor=" + url.QueryEscape(cursor)).expect(http.StatusOK).into(&page)
		for _, g := range page.Items {
			names = append(names, g.Name)
		}
		total, cursor = page.Total, page.NextCursor
		if cursor == "" {
			break
		}
	}
	if want := []string{"Bravo", "Charlie", "Delta", "alpha"}; total != 4 || !slices.Equal(names, want) {
		t.Errorf("Ann's groups: %d %v, want 4 %v", total, names, want)
	}
	leave(t, id("ann"), id("g0"))
	leave(t, id("ann"), id("g0"))
	var page struct {
		Total int `json:"total"`
	}
	as(t, id("ann")).get("/v1/me/groups").expect(http.StatusOK).into(&page)
	if page.Total != 3 {
		t.Errorf("after leaving one group Ann is in %d, want 3", page.Total)
	}
}

// TestGroupMembersPagedHidingBlocks checks that a group's members are listed by name, paged, only
// to its members (others are refused with 403), and never with a member in a block relation with
// the caller, either way.
func TestGroupMembersPagedHidingBlocks(t *testing.T) {
	id := ids(t)
	putGroup(t, id("g"), "Gophers")
	names := []string{"ann", "bob", "cat", "dan", "eve", "fay", "gus"}
	for _, n := range names {
		member(t, id(n), n)
		join(t, id(n), id("g"))
	}
	member(t, id("out"), "out")
	if p := as(t, id("out")).get("/v1/groups/" + id("g") + "/members").expectProblem(http.StatusForbidden); p.Detail == "" {
		t.Error("no detail")
	}
	as(t, id("out")).get("/v1/groups/" + id("none") + "/members").expectProblem(http.StatusNotFound)
	putBlock(t, id("ann"), id("bob")) // Ann blocks Bob
	putBlock(t, id("cat"), id("ann")) // Cat blocks Ann
	var got []string
	cursor, total := "", 0
	for pages := 0; ; pages++ {
		var page summaryPage
		as(t, id("ann")).get("/v1/groups/" + id("g") + "/members?limit=2&cursor=" + url.QueryEscape(cursor)).expect(http.StatusOK).into(&page)
		got = append(got, memberIDs(page.Items)...)
		total = *page.Total
		if page.NextCursor == nil || pages > 10 {
			break
		}
		cursor = *page.NextCursor
	}
	want := []string{id("ann"), id("dan"), id("eve"), id("fay"), id("gus")}
	if total != len(want) || !slices.Equal(got, want) {
		t.Errorf("Ann sees %d: %v, want %d: %v", total, got, len(want), want)
	}
	var page summaryPage
	as(t, id("dan")).get("/v1/groups/" + id("g") + "/members?limit=100").expect(http.StatusOK).into(&page)
	if *page.Total != len(names) {
		t.Errorf("Dan, in no block, sees %d members, want %d", *page.Total, len(names))
	}
	leave(t, id("dan"), id("g"))
	as(t, id("dan")).get("/v1/groups/" + id("g") + "/members").expectProblem(http.StatusForbidden)
}

// TestSharedInEveryMode checks what two members share in the reachability answer in each
// consistency mode, in the batch and in the profile: totals, at most five items by name then id,
// companies and schools told apart, and members in a block relation answered as not found.
func TestSharedInEveryMode(t *testing.T) {
	id := ids(t)
	member(t, id("ann"), "Ann")
	member(t, id("bob"), "Bob")
	member(t, id("cat"), "Cat")
	var annHeld, bobHeld []map[string]any
	for i := range 7 {
		org := id(fmt.Sprint("c", i))
		putOrganisation(t, org, fmt.Sprintf("Company %d", 6-i), "company")
		annHeld = append(annHeld, map[string]any{"org": org, "from": 2000 + i, "to": 2001 + i})
		bobHeld = append(bobHeld, map[string]any{"org": org, "from": 2010})
	}
	putOrganisation(t, id("uni"), "University", "school")
	putOrganisation(t, id("own"), "Ann's own", "company")
	annHeld = append(annHeld, map[string]any{"org": id("uni"), "from": 1995, "to": 1999}, map[string]any{"org": id("own"), "from": 2020})
	bobHeld = append(bobHeld, map[string]any{"org": id("uni"), "from": 2001, "to": 2005})
	putPositions(t, id("ann"), "Ann", annHeld...)
	putPositions(t, id("bob"), "Bob", bobHeld...)
	putGroup(t, id("g1"), "Go")
	putGroup(t, id("g2"), "Chess")
	putGroup(t, id("g3"), "Ann only")
	for _, g := range []string{"g1", "g2", "g3"} {
		join(t, id("ann"), id(g))
	}
	join(t, id("bob"), id("g1"))
	last := join(t, id("bob"), id("g2"))

	var companies []affiliate
	for i := 6; i >= 2; i-- {
		companies = append(companies, affiliate{id(fmt.Sprint("c", i)), fmt.Sprintf("Company %d", 6-i)})
	}
	want := shared{
		Companies: sharedList{Total: 7, Items: companies},
		Schools:   sharedList{Total: 1, Items: []affiliate{{id("uni"), "University"}}},
		Groups:    sharedList{Total: 2, Items: []affiliate{{id("g2"), "Chess"}, {id("g1"), "Go"}}},
	}
	for _, query := range []string{tokenQuery(last), "?consistency=fully_consistent"} {
		if got := sharedOf(t, id("ann"), id("bob"), query); !reflect.DeepEqual(got, want) {
			t.Errorf("%s: got %+v\nwant %+v", query, got, want)
		}
	}
	eventuallyShared(t, id("ann"), id("bob"), 5*time.Second, func(s shared) bool { return reflect.DeepEqual(s, want) })
	if got := sharedOf(t, id("bob"), id("ann"), "?consistency=fully_consistent"); !reflect.DeepEqual(got, want) {
		t.Errorf("Bob → Ann: got %+v, want the same as Ann → Bob", got)
	}
	var profile struct {
		Shared *shared `json:"shared"`
	}
	as(t, id("ann")).get("/v1/members/" + id("bob") + "?consistency=fully_consistent").expect(http.StatusOK).into(&profile)
	if profile.Shared == nil || !reflect.DeepEqual(*profile.Shared, want) {
		t.Errorf("profile: shared %+v, want %+v", profile.Shared, want)
	}
	for _, query := range []string{"", "?consistency=fully_consistent"} {
		var out sharedBatch
		as(t, id("ann")).do(http.MethodPost, "/v1/members/reachability"+query, map[string]any{"members": []string{id("bob"), id("cat")}}).
			expect(http.StatusOK).into(&out)
		if len(out.Items) != 2 || out.Items[0].Shared == nil || !reflect.DeepEqual(*out.Items[0].Shared, want) {
			t.Errorf("batch %s: %+v, want Bob's shared %+v", query, out.Items, want)
		}
		if len(out.Items) == 2 && (out.Items[1].Shared == nil || out.Items[1].Shared.Groups.Total != 0) {
			t.Errorf("batch %s: Cat shares %+v, want nothing", query, out.Items[1].Shared)
		}
	}
	// A store whose projection is not loaded answers from Neo4j, with the same rule.
	fromNeo4j(t, id("ann"), id("bob"), want)
	// A leave shows at once with its token, and within the bound by default.
	res := leave(t, id("bob"), id("g2"))
	if got := sharedOf(t, id("ann"), id("bob"), tokenQuery(res)); got.Groups.Total != 1 {
		t.Errorf("after Bob left Chess: groups %+v, want Go alone", got.Groups)
	}
	eventuallyShared(t, id("ann"), id("bob"), 2*time.Second, func(s shared) bool { return s.Groups.Total == 1 })
	// A block hides the member, shared and all.
	putBlock(t, id("bob"), id("ann"))
	for _, query := range []string{"", "?consistency=fully_consistent"} {
		as(t, id("ann")).get("/v1/members/" + id("bob") + "/reachability" + query).expectProblem(http.StatusNotFound)
	}
	as(t, id("ann")).get("/v1/members/" + id("bob")).expectProblem(http.StatusNotFound)
}

// TestSharedAcrossReplicas joins and leaves a group through one reach process and asks another,
// on the same Neo4j, what two members share: with the write's token at once, fully consistent at
// once, and by default within the staleness bound.
func TestSharedAcrossReplicas(t *testing.T) {
	const bound = 500 * time.Millisecond
	writer, reader := startReplicas(t, bound)
	id := ids(t)
	mustDo := func(p *reachProcess, tok, method, path string, body any, want int) call {
		t.Helper()
		c := p.do(t, tok, method, path, body, nil)
		if c.Status != want {
			t.Fatalf("%s %s: %d %s, want %d", method, path, c.Status, c.Body, want)
		}
		return c
	}
	mustDo(writer, adminToken(t), http.MethodPut, "/v1/admin/organisations/"+id("acme"), map[string]any{"name": "Acme", "kind": "company"}, http.StatusCreated)
	mustDo(writer, adminToken(t), http.MethodPut, "/v1/admin/groups/"+id("g"), map[string]any{"name": "Gophers"}, http.StatusCreated)
	for _, m := range []string{"ann", "bob"} {
		mustDo(writer, adminToken(t), http.MethodPut, "/v1/admin/members/"+id(m), map[string]any{
			"name": m, "positions": []any{map[string]any{"org": id("acme"), "from": 2020}}}, http.StatusCreated)
	}
	mustDo(writer, token(t, id("ann")), http.MethodPut, "/v1/groups/"+id("g")+"/members/me", nil, http.StatusNoContent)
	ask := func(query string) shared {
		t.Helper()
		var r struct {
			Shared shared `json:"shared"`
		}
		c := mustDo(reader, token(t, id("ann")), http.MethodGet, "/v1/members/"+id("bob")+"/reachability"+query, nil, http.StatusOK)
		if err := json.Unmarshal(c.Body, &r); err != nil {
			t.Fatal(err)
		}
		return r.Shared
	}
	for i, method := range []string{http.MethodPut, http.MethodDelete, http.MethodPut, http.MethodDelete} {
		want := 1 - i%2 // Bob joins, then leaves
		c := mustDo(writer, token(t, id("bob")), method, "/v1/groups/"+id("g")+"/members/me", nil, http.StatusNoContent)
		acked := time.Now()
		if got := ask("?consistency=at_least_as_fresh&token=" + url.QueryEscape(c.Header.Get("Consistency-Token"))); got.Groups.Total != want || got.Companies.Total != 1 {
			t.Errorf("%s, read with its token: %+v, want %d groups and Acme", method, got, want)
		}
		if got := ask("?consistency=fully_consistent"); got.Groups.Total != want {
			t.Errorf("%s, read fully consistent: %+v, want %d groups", method, got.Groups, want)
		}
		for {
			got := ask("")
			if got.Groups.Total == want {
				break
			}
			if lag := time.Since(acked); lag > bound+200*time.Millisecond {
				t.Fatalf("%s: default reads still answer %+v %s after the write, past the %s bound", method, got.Groups, lag, bound)
			}
			time.Sleep(10 * time.Millisecond)
		}
	}
	if metric(t, reader, "reach_reads_from_memory_total") == 0 {
		t.Error("the reader answered nothing from memory: the test did not exercise the fast path")
	}
}

// fromNeo4j checks what a store without a projection, which answers from Neo4j, says two members
// share: through Reachability, Reachabilities and Profile alike.
func fromNeo4j(t *testing.T, caller, member string, want shared) {
	t.Helper()
	ctx := context.Background()
	s, err := openService(ctx, neo4jstore.Config{URI: env.neo4jURI})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close(ctx)
	view := func(g graph.Shared) shared {
		list := func(l graph.SharedList) sharedList {
			out := sharedList{Total: l.Total, Items: []affiliate{}}
			for _, a := range l.Items {
				out.Items = append(out.Items, affiliate(a))
			}
			return out
		}
		return shared{Companies: list(g.Companies), Schools: list(g.Schools), Groups: list(g.Groups)}
	}
	r, err := s.Reachability(ctx, caller, member)
	if err != nil {
		t.Fatal(err)
	}
	rs, err := s.Reachabilities(ctx, caller, []string{member})
	if err != nil {
		t.Fatal(err)
	}
	p, err := s.Profile(ctx, caller, member)
	if err != nil {
		t.Fatal(err)
	}
	for name, got := range map[string]graph.Shared{"Reachability": r.Shared, "Reachabilities": rs[member].Shared, "Profile": p.Shared} {
		if !reflect.DeepEqual(normalised(view(got)), normalised(want)) {
			t.Errorf("%s from Neo4j: %+v, want %+v", name, view(got), want)
		}
	}
}

package integration

import (
	"fmt"
	"net/http"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestMemberProfile(t *testing.T) {
	id := ids(t)
	network(t, id, [2]string{"me", "a"}, [2]string{"a", "b"}, [2]string{"b", "c"}, [2]string{"me", "a2"}, [2]string{"a2", "b"})
	admin(t).do(http.MethodPut, "/v1/admin/members/"+id("b"), map[string]any{
		"name": "Bea", "headline": "Recruiter", "company": "Globex",
	}).expect(http.StatusOK)
	type profile struct {
		ID               string `json:"id"`
		Name             string `json:"name"`
		Headline         string `json:"headline"`
		Company          string `json:"company"`
		ConnectionsCount int    `json:"connectionsCount"`
		Degree           *int   `json:"degree"`
		Label            string `json:"label"`
		MutualCount      int    `json:"mutualCount"`
	}
	var got profile
	as(t, id("me")).get("/v1/members/" + id("b")).expect(http.StatusOK).into(&got)
	two := 2
	want := profile{ID: id("b"), Name: "Bea", Headline: "Recruiter", Company: "Globex",
		ConnectionsCount: 3, Degree: &two, Label: "2nd", MutualCount: 2}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Fatalf("(-want +got):\n%s", diff)
	}
	as(t, id("me")).get("/v1/members/" + id("nobody")).expectProblem(http.StatusNotFound)
	as(t, id("me")).get("/v1/members/bad%20id").expectProblem(http.StatusBadRequest)
}

func TestConnectionsList(t *testing.T) {
	id := ids(t)
	member(t, id("hub"), "Hub")
	member(t, id("other"), "Other")
	var want []summary
	for i := range 25 {
		mid := id(fmt.Sprintf("c%02d", i))
		member(t, mid, fmt.Sprintf("Conn %02d", 24-i))
		connect(t, id("hub"), mid)
		want = append([]summary{{ID: mid, Name: fmt.Sprintf("Conn %02d", 24-i)}}, want...)
	}
	path := "/v1/members/" + id("hub") + "/connections"
	got, total := pageAll(t, as(t, id("other")), path, 10)
	if total != 25 {
		t.Errorf("total %d, want 25", total)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}

	t.Run("OnlyMe", func(t *testing.T) {
		as(t, id("hub")).do(http.MethodPatch, "/v1/me/settings", map[string]string{"connectionsVisibility": "only_me"}).
			expect(http.StatusOK)
		as(t, id("other")).get(path).expectProblem(http.StatusForbidden)
		as(t, id("c00")).get(path).expectProblem(http.StatusForbidden)
		mine, _ := pageAll(t, as(t, id("hub")), path, 100)
		if len(mine) != 25 {
			t.Errorf("the member sees %d of their own connections, want 25", len(mine))
		}
	})
	t.Run("UnknownMember", func(t *testing.T) {
		as(t, id("hub")).get("/v1/members/" + id("nobody") + "/connections").expectProblem(http.StatusNotFound)
	})
}

func TestDisconnect(t *testing.T) {
	id := ids(t)
	network(t, id, [2]string{"me", "a"}, [2]string{"a", "b"})
	as(t, id("me")).do(http.MethodDelete, "/v1/connections/"+id("a"), nil).expect(http.StatusNoContent)
	if r := reachability(t, id("me"), id("a")); r.Label != "out_of_network" {
		t.Errorf("after disconnecting: %+v, want out_of_network", r)
	}
	if r := reachability(t, id("a"), id("b")); r.Label != "1st" {
		t.Errorf("other connections are untouched: %+v", r)
	}
	// Removing a connection that is not there succeeds; an unknown member does not.
	as(t, id("me")).do(http.MethodDelete, "/v1/connections/"+id("b"), nil).expect(http.StatusNoContent)
	as(t, id("me")).do(http.MethodDelete, "/v1/connections/"+id("nobody"), nil).expectProblem(http.StatusNotFound)
}

func TestAdminConnect(t *testing.T) {
	id := ids(t)
	member(t, id("a"), "A")
	member(t, id("b"), "B")
	c := admin(t)
	c.do(http.MethodPost, "/v1/admin/connections", map[string]string{"a": id("a"), "b": id("b")}).expect(http.StatusNoContent)
	// Connecting again, either way round, changes nothing.
	c.do(http.MethodPost, "/v1/admin/connections", map[string]string{"a": id("b"), "b": id("a")}).expect(http.StatusNoContent)
	var page summaryPage
	as(t, id("a")).get("/v1/members/" + id("a") + "/connections").expect(http.StatusOK).into(&page)
	if *page.Total != 1 {
		t.Errorf("%d connections, want 1", *page.Total)
	}
	c.do(http.MethodPost, "/v1/admin/connections", map[string]string{"a": id("a"), "b": id("a")}).
		expectProblem(http.StatusUnprocessableEntity)
	c.do(http.MethodPost, "/v1/admin/connections", map[string]string{"a": id("a"), "b": id("nobody")}).
		expectProblem(http.StatusNotFound)
	p := c.do(http.MethodPost, "/v1/admin/connections", map[string]string{"a": id("a")}).expectProblem(http.StatusBadRequest)
	if p.Field != "b" {
		t.Errorf("field %q, want b", p.Field)
	}
}

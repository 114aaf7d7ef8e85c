package integration

import (
	"context"
	"fmt"
	"net/http"
	"testing"

	"github.com/reach-network/reach/graph"
	"github.com/reach-network/reach/seed"
)

// TestConnectionLimit fills one member up to the limit of 30,000 connections (through the bulk
// loader, which trusts its input), then checks that every way of adding one more is refused.
func TestConnectionLimit(t *testing.T) {
	if testing.Short() {
		t.Skip("loads 30,000 connections")
	}
	id := ids(t)
	net := seed.Network{Members: []graph.Profile{{ID: id("full"), Name: "Full"}}}
	for i := range graph.MaxConnections {
		fan := id(fmt.Sprintf("f%d", i))
		net.Members = append(net.Members, graph.Profile{ID: fan, Name: "Fan"})
		net.Connections = append(net.Connections, [2]string{id("full"), fan})
	}
	if err := seed.Load(context.Background(), env.store, net); err != nil {
		t.Fatal(err)
	}
	member(t, id("late"), "Late")
	member(t, id("late2"), "Late Too")

	var page summaryPage
	as(t, id("full")).get("/v1/members/" + id("full") + "/connections?limit=1").expect(http.StatusOK).into(&page)
	if *page.Total != graph.MaxConnections {
		t.Fatalf("%d connections loaded, want %d", *page.Total, graph.MaxConnections)
	}
	t.Run("AdminConnect", func(t *testing.T) {
		admin(t).do(http.MethodPost, "/v1/admin/connections", map[string]string{"a": id("late"), "b": id("full")}).
			expectProblem(http.StatusConflict)
	})
	t.Run("InviteTheFullMember", func(t *testing.T) {
		as(t, id("late")).do(http.MethodPost, "/v1/invitations", map[string]string{"to": id("full")}).
			expectProblem(http.StatusConflict)
	})
	t.Run("FullMemberInvites", func(t *testing.T) {
		as(t, id("full")).do(http.MethodPost, "/v1/invitations", map[string]string{"to": id("late")}).
			expectProblem(http.StatusConflict)
	})
	t.Run("AcceptWhenFull", func(t *testing.T) {
		// One below the limit, an invitation can be sent; filling the last place before it is
		// accepted makes accepting it fail.
		as(t, id("full")).do(http.MethodDelete, "/v1/connections/"+id("f0"), nil).expect(http.StatusNoContent)
		inv := invite(t, id("late2"), id("full"), "")
		connect(t, id("full"), id("f0"))
		as(t, id("full")).do(http.MethodPost, "/v1/invitations/"+inv.ID+"/accept", nil).expectProblem(http.StatusConflict)
		if r := reachability(t, id("full"), id("late2")); r.Label == "1st" {
			t.Fatal("a refused accept connected the pair")
		}
	})
	t.Run("ExistingConnectionsStillWork", func(t *testing.T) {
		admin(t).do(http.MethodPost, "/v1/admin/connections", map[string]string{"a": id("f1"), "b": id("full")}).
			expect(http.StatusNoContent)
	})
}

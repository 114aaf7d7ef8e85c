package integration

import (
	"net/http"
	"strings"
	"testing"
	"time"
)

type invitation struct {
	ID     string    `json:"id"`
	From   string    `json:"from"`
	To     string    `json:"to"`
	Note   string    `json:"note"`
	Status string    `json:"status"`
	SentAt time.Time `json:"sentAt"`
}

type invitationPage struct {
	Items      []invitation `json:"items"`
	NextCursor *string      `json:"nextCursor"`
}

func invite(t *testing.T, from, to, note string) invitation {
	t.Helper()
	var inv invitation
	as(t, from).do(http.MethodPost, "/v1/invitations", map[string]string{"to": to, "note": note}).
		expect(http.StatusCreated).into(&inv)
	return inv
}

func box(t *testing.T, who, which string) []invitation {
	t.Helper()
	var p invitationPage
	as(t, who).get("/v1/invitations?box=" + which).expect(http.StatusOK).into(&p)
	return p.Items
}

func TestInvitations(t *testing.T) {
	id := ids(t)
	for _, n := range []string{"ann", "bob", "cat", "dan", "eve"} {
		member(t, id(n), strings.ToUpper(n[:1])+n[1:])
	}

	t.Run("Accept", func(t *testing.T) {
		inv := invite(t, id("ann"), id("bob"), "We met at GopherCon")
		if inv.Status != "pending" || inv.From != id("ann") || inv.To != id("bob") || inv.Note != "We met at GopherCon" ||
			inv.ID == "" || env.clock.now().Sub(inv.SentAt).Abs() > time.Minute {
			t.Fatalf("invitation %+v", inv)
		}
		if got := box(t, id("bob"), "received"); len(got) != 1 || got[0].ID != inv.ID {
			t.Fatalf("bob's received box: %+v", got)
		}
		if got := box(t, id("ann"), "sent"); len(got) != 1 || got[0].ID != inv.ID {
			t.Fatalf("ann's sent box: %+v", got)
		}
		if got := box(t, id("ann"), "received"); len(got) != 0 {
			t.Fatalf("ann's received box: %+v", got)
		}
		if r := reachability(t, id("ann"), id("bob")); r.Label != "out_of_network" {
			t.Fatalf("a pending invitation connects nobody: %+v", r)
		}
		// Only the recipient may accept; someone else does not even see it.
		as(t, id("ann")).do(http.MethodPost, "/v1/invitations/"+inv.ID+"/accept", nil).expectProblem(http.StatusForbidden)
		as(t, id("cat")).do(http.MethodPost, "/v1/invitations/"+inv.ID+"/accept", nil).expectProblem(http.StatusNotFound)

		var accepted invitation
		as(t, id("bob")).do(http.MethodPost, "/v1/invitations/"+inv.ID+"/accept", nil).expect(http.StatusOK).into(&accepted)
		if accepted.Status != "accepted" {
			t.Fatalf("status %q, want accepted", accepted.Status)
		}
		if r := reachability(t, id("ann"), id("bob")); r.Label != "1st" {
			t.Fatalf("after accepting: %+v, want 1st", r)
		}
		if got := box(t, id("bob"), "received"); len(got) != 0 {
			t.Fatalf("accepted invitations leave the box: %+v", got)
		}
		as(t, id("bob")).do(http.MethodPost, "/v1/invitations/"+inv.ID+"/accept", nil).expectProblem(http.StatusNotFound)
	})
	t.Run("AlreadyConnected", func(t *testing.T) {
		as(t, id("bob")).do(http.MethodPost, "/v1/invitations", map[string]string{"to": id("ann")}).
			expectProblem(http.StatusConflict)
	})
	t.Run("Decline", func(t *testing.T) {
		inv := invite(t, id("cat"), id("dan"), "")
		as(t, id("cat")).do(http.MethodPost, "/v1/invitations/"+inv.ID+"/decline", nil).expectProblem(http.StatusForbidden)
		var got invitation
		as(t, id("dan")).do(http.MethodPost, "/v1/invitations/"+inv.ID+"/decline", nil).expect(http.StatusOK).into(&got)
		if got.Status != "declined" {
			t.Fatalf("status %q, want declined", got.Status)
		}
		if r := reachability(t, id("cat"), id("dan")); r.Label != "out_of_network" {
			t.Fatalf("after declining: %+v", r)
		}
		if len(box(t, id("dan"), "received")) != 0 || len(box(t, id("cat"), "sent")) != 0 {
			t.Fatal("declined invitations leave both boxes")
		}
	})
	t.Run("Withdraw", func(t *testing.T) {
		inv := invite(t, id("cat"), id("eve"), "")
		as(t, id("eve")).do(http.MethodDelete, "/v1/invitations/"+inv.ID, nil).expectProblem(http.StatusForbidden)
		as(t, id("cat")).do(http.MethodDelete, "/v1/invitations/"+inv.ID, nil).expect(http.StatusNoContent)
		if len(box(t, id("eve"), "received")) != 0 {
			t.Fatal("a withdrawn invitation stays in the recipient's box")
		}
		as(t, id("eve")).do(http.MethodPost, "/v1/invitations/"+inv.ID+"/accept", nil).expectProblem(http.StatusNotFound)
	})
	t.Run("AlreadyInvited", func(t *testing.T) {
		invite(t, id("dan"), id("eve"), "")
		as(t, id("dan")).do(http.MethodPost, "/v1/invitations", map[string]string{"to": id("eve")}).
			expectProblem(http.StatusConflict)
	})
	t.Run("CrossingInvitationsConnect", func(t *testing.T) {
		// eve has a pending invitation from dan; eve inviting dan connects them.
		got := invite(t, id("eve"), id("dan"), "")
		if got.Status != "accepted" {
			t.Fatalf("status %q, want accepted", got.Status)
		}
		if r := reachability(t, id("dan"), id("eve")); r.Label != "1st" {
			t.Fatalf("%+v, want 1st", r)
		}
		if len(box(t, id("eve"), "received")) != 0 || len(box(t, id("dan"), "sent")) != 0 {
			t.Fatal("the crossing invitation stays pending")
		}
	})
	t.Run("Self", func(t *testing.T) {
		as(t, id("ann")).do(http.MethodPost, "/v1/invitations", map[string]string{"to": id("ann")}).
			expectProblem(http.StatusUnprocessableEntity)
	})
	t.Run("UnknownMember", func(t *testing.T) {
		as(t, id("ann")).do(http.MethodPost, "/v1/invitations", map[string]string{"to": id("nobody")}).
			expectProblem(http.StatusNotFound)
	})
	t.Run("BadInput", func(t *testing.T) {
		c := as(t, id("ann"))
		for _, tc := range []struct {
			name  string
			body  any
			field string
		}{
			{"NoteTooLong", map[string]string{"to": id("cat"), "note": strings.Repeat("é", 301)}, "note"},
			{"MissingTo", map[string]string{"note": "hi"}, "to"},
			{"BadTo", map[string]string{"to": "a b"}, "to"},
			{"ToWrongType", map[string]any{"to": []string{"x"}}, "to"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				if p := as(t, id("ann")).do(http.MethodPost, "/v1/invitations", tc.body).expectProblem(http.StatusBadRequest); p.Field != tc.field {
					t.Errorf("field %q, want %q", p.Field, tc.field)
				}
			})
		}
		// A note of exactly 300 characters is fine.
		invite(t, id("ann"), id("cat"), strings.Repeat("é", 300))
		c.get("/v1/invitations?box=archive").expectProblem(http.StatusBadRequest)
		c.do(http.MethodPost, "/v1/invitations/not%20an%20id/accept", nil).expectProblem(http.StatusBadRequest)
		c.do(http.MethodPost, "/v1/invitations/UNKNOWN123/accept", nil).expectProblem(http.StatusNotFound)
	})
}

func TestInvitationPaging(t *testing.T) {
	id := ids(t)
	member(t, id("star"), "Star")
	sent := map[string]bool{}
	for i := range 12 {
		from := id(string(rune('a'+i)) + "fan")
		member(t, from, "Fan")
		sent[invite(t, from, id("star"), "").ID] = true
	}
	seen := map[string]bool{}
	var last time.Time
	cursor := ""
	for pages := 0; ; pages++ {
		var p invitationPage
		path := "/v1/invitations?box=received&limit=5"
		if cursor != "" {
			path += "&cursor=" + cursor
		}
		as(t, id("star")).get(path).expect(http.StatusOK).into(&p)
		for _, inv := range p.Items {
			if seen[inv.ID] || !sent[inv.ID] {
				t.Fatalf("invitation %s seen twice or never sent", inv.ID)
			}
			if !last.IsZero() && inv.SentAt.After(last) {
				t.Fatalf("invitations not newest first: %v after %v", inv.SentAt, last)
			}
			seen[inv.ID], last = true, inv.SentAt
		}
		if p.NextCursor == nil {
			break
		}
		cursor = *p.NextCursor
	}
	if len(seen) != 12 {
		t.Fatalf("paged through %d invitations, want 12", len(seen))
	}
}

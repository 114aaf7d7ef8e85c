package integration

import (
	"context"
	"net/http"
	"testing"

	"github.com/reach-network/reach/graph"
	"github.com/reach-network/reach/seed"
)

// TestGenerated loads a small generated network through the bulk import, beside the other
// tests' members (its ids carry a prefix of their own), and checks that reach answers from it
// what the generator made.
func TestGenerated(t *testing.T) {
	g, err := seed.Generate(seed.Spec{Members: 2000, AvgDegree: 20, Seed: 11, IDPrefix: ids(t)("g")}, nil)
	if err != nil {
		t.Fatal(err)
	}
	retries, err := g.Import(context.Background(), env.store, seed.ImportOptions{BatchSize: 1000, Workers: 2})
	if err != nil {
		t.Fatal(err)
	}
	c := g.Counts()
	t.Logf("loaded %+v; retried transactions by phase: %v", c, retries)

	t.Run("ConnectionsCount", func(t *testing.T) {
		hub := 0
		for i := range c.Members {
			if g.Degree(i) > g.Degree(hub) {
				hub = i
			}
		}
		for _, i := range []int{0, hub, c.Members - 1} {
			var m struct {
				ConnectionsCount *int `json:"connectionsCount"`
			}
			as(t, g.ID(i)).get("/v1/members/" + g.ID(i)).expect(http.StatusOK).into(&m)
			if m.ConnectionsCount == nil || *m.ConnectionsCount != g.Degree(i) {
				t.Errorf("member %s: connectionsCount %v, generated %d", g.ID(i), m.ConnectionsCount, g.Degree(i))
			}
		}
	})

	t.Run("Connected", func(t *testing.T) {
		conn := g.Connection(c.Connections / 2)
		if r := reachability(t, conn.A, conn.B); r.Degree == nil || *r.Degree != 1 {
			t.Errorf("%s → %s: %+v, want 1st", conn.A, conn.B, r)
		}
	})

	t.Run("Blocked", func(t *testing.T) {
		b := g.Block(0)
		as(t, b.By).get("/v1/members/" + b.Member + "/reachability").expectProblem(http.StatusNotFound)
		as(t, b.Member).get("/v1/members/" + b.By + "/reachability").expectProblem(http.StatusNotFound)
	})

	t.Run("Declined", func(t *testing.T) {
		for k := range c.Declines {
			d := g.Decline(k)
			r := as(t, d.Sender).get("/v1/members/" + d.By + "/reachability")
			if r.Status == http.StatusNotFound {
				continue // the decliner also blocked the sender
			}
			var got struct{ Messaging decision }
			r.expect(http.StatusOK).into(&got)
			if got.Messaging.Allowed || got.Messaging.Reason != string(graph.ReasonDeclined) {
				t.Errorf("%s, whose InMail %s declined, may message: %+v", d.Sender, d.By, got.Messaging)
			}
			return
		}
		t.Skip("every decline was followed by a block")
	})

	t.Run("PendingInMail", func(t *testing.T) {
		for k := range c.Messages {
			m := g.Message(k)
			if m.Status != graph.StatusPending || m.DeletedByRecipient {
				continue
			}
			var got struct {
				ThreadID string  `json:"threadId"`
				Kind     string  `json:"kind"`
				Status   *string `json:"status"`
				Body     string  `json:"body"`
			}
			as(t, m.To).get("/v1/messages/" + m.ID).expect(http.StatusOK).into(&got)
			if got.ThreadID != graph.ThreadID(m.From, m.To) || got.Kind != "inmail" || got.Status == nil ||
				*got.Status != "pending" || got.Body != m.Body {
				t.Errorf("InMail %s reads %+v", m.ID, got)
			}
			var awaiting struct{ Messaging decision }
			as(t, m.From).get("/v1/members/" + m.To + "/reachability").expect(http.StatusOK).into(&awaiting)
			if awaiting.Messaging.Reason != string(graph.ReasonAwaitingReply) {
				t.Errorf("%s, awaiting a reply from %s: %+v", m.From, m.To, awaiting.Messaging)
			}
			return
		}
		t.Fatal("no pending InMail was generated")
	})

	t.Run("Restricted", func(t *testing.T) {
		for i := range c.Members {
			if !g.Member(i).Restricted {
				continue
			}
			for j := range c.Members {
				if j == i || g.Connected(i, j) {
					continue
				}
				r := as(t, g.ID(i)).get("/v1/members/" + g.ID(j) + "/reachability")
				if r.Status == http.StatusNotFound {
					continue // in a block relation
				}
				var got struct{ Messaging decision }
				if r.expect(http.StatusOK).into(&got); got.Messaging.Reason == string(graph.ReasonThreadReply) {
					continue
				}
				if got.Messaging.Allowed || got.Messaging.Reason != string(graph.ReasonSenderRestricted) {
					t.Errorf("restricted %s may message %s: %+v", g.ID(i), g.ID(j), got.Messaging)
				}
				return
			}
		}
		t.Fatal("no restricted member was generated")
	})

	t.Run("OtherBox", func(t *testing.T) {
		for k := range c.Sides {
			side := g.Side(k)
			if !side.Other || side.Archived {
				continue
			}
			for _, row := range conversations(t, side.Member, "box=other&limit=100").Items {
				if row.With.ID != nil && *row.With.ID == side.With {
					return
				}
			}
			t.Fatalf("%s's Other box lacks the conversation with %s, which the generator filed there", side.Member, side.With)
		}
		t.Fatal("the generator filed nothing in Other")
	})

	t.Run("Invitation", func(t *testing.T) {
		inv := g.Invitation(0)
		var got struct {
			Items []struct {
				ID   string `json:"id"`
				From string `json:"from"`
			} `json:"items"`
		}
		as(t, inv.To).get("/v1/invitations?box=received&limit=100").expect(http.StatusOK).into(&got)
		for _, item := range got.Items {
			if item.ID == inv.ID && item.From == inv.From {
				return
			}
		}
		t.Errorf("%s's received invitations %+v lack %s from %s", inv.To, got.Items, inv.ID, inv.From)
	})
}

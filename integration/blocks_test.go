package integration

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// delivered is the answer to POST /v1/messages.
type delivered struct {
	ID            string `json:"id"`
	ThreadID      string `json:"threadId"`
	Kind          string `json:"kind"`
	Cost          int    `json:"cost"`
	InMailCredits int    `json:"inmailCredits"`
}

// deliver sends a message from one member to another and fails the test unless it is sent.
func deliver(t *testing.T, from, to, body string) delivered {
	t.Helper()
	var d delivered
	as(t, from).do(http.MethodPost, "/v1/messages", map[string]string{"to": to, "body": body}).
		expect(http.StatusCreated).into(&d)
	return d
}

// mailIDs returns the ids of the messages in a member's inbox or sent box ("inbox" or "sent"),
// newest first.
func mailIDs(t *testing.T, who, box string) []string {
	t.Helper()
	var p struct {
		Items []struct {
			ID string `json:"id"`
		} `json:"items"`
	}
	as(t, who).get("/v1/" + box + "?limit=100").expect(http.StatusOK).into(&p)
	out := make([]string, 0, len(p.Items))
	for _, m := range p.Items {
		out = append(out, m.ID)
	}
	return out
}

// memberIDs lists the ids of a page of members.
func memberIDs(items []summary) []string {
	out := make([]string, 0, len(items))
	for _, s := range items {
		out = append(out, s.ID)
	}
	return out
}

func putBlock(t *testing.T, caller, member string) {
	t.Helper()
	as(t, caller).do(http.MethodPut, "/v1/blocks/"+member, nil).expect(http.StatusNoContent)
}

// TestBlockedMemberIsNotFound checks that, once one member blocks another, every member-scoped
// route answers each of the two about the other exactly as about a member who does not exist.
func TestBlockedMemberIsNotFound(t *testing.T) {
	id := ids(t)
	// Two separate pairs, each connected and sharing a connection before the block, so that without
	// it every route below would answer: in one the caller is the blocker, in the other the caller
	// is the one blocked.
	network(t, id,
		[2]string{"blocker", "blocked"}, [2]string{"blocker", "common"}, [2]string{"blocked", "common"},
		[2]string{"blocker2", "blocked2"}, [2]string{"blocker2", "common2"}, [2]string{"blocked2", "common2"},
	)
	if r := reachability(t, id("blocker"), id("blocked")); r.Label != "1st" {
		t.Fatalf("before the block: %+v, want 1st", r)
	}
	putBlock(t, id("blocker"), id("blocked"))
	putBlock(t, id("blocker2"), id("blocked2"))

	routes := []struct {
		name, method, path string
		body               func(target string) any
	}{
		{"ProfileIs404", http.MethodGet, "/v1/members/%s", nil},
		{"ReachabilityIs404", http.MethodGet, "/v1/members/%s/reachability", nil},
		{"MutualConnectionsIs404", http.MethodGet, "/v1/members/%s/mutual-connections", nil},
		{"PathIs404", http.MethodGet, "/v1/members/%s/path", nil},
		{"ConnectionsIs404", http.MethodGet, "/v1/members/%s/connections", nil},
		{"InvitationIs404", http.MethodPost, "/v1/invitations", func(to string) any { return map[string]string{"to": to} }},
		{"MessageIs404", http.MethodPost, "/v1/messages", func(to string) any {
			return map[string]string{"to": to, "body": "Are you still there?"}
		}},
	}
	for _, dir := range []struct{ name, caller, target string }{
		{"Blocker", id("blocker"), id("blocked")},
		{"Blocked", id("blocked2"), id("blocker2")},
	} {
		t.Run(dir.name, func(t *testing.T) {
			for _, r := range routes {
				t.Run(r.name, func(t *testing.T) {
					request := func(target string) *response {
						path := r.path
						if strings.Contains(path, "%s") {
							path = fmt.Sprintf(path, target)
						}
						var body any
						if r.body != nil {
							body = r.body(target)
						}
						return as(t, dir.caller).do(r.method, path, body)
					}
					got := request(dir.target).expectProblem(http.StatusNotFound)
					nobody := id("nobody")
					want := request(nobody).expectProblem(http.StatusNotFound)
					if got.Reason != "" {
						t.Errorf("reason %q gives the block away", got.Reason)
					}
					got.Detail = strings.ReplaceAll(got.Detail, dir.target, "ID")
					want.Detail = strings.ReplaceAll(want.Detail, nobody, "ID")
					if diff := cmp.Diff(want, got); diff != "" {
						t.Errorf("a member in a block answered unlike one who does not exist (-nonexistent +blocked):\n%s", diff)
					}
				})
			}
		})
	}
}

func TestBlockRemovesConnectionAndInvitations(t *testing.T) {
	id := ids(t)
	network(t, id, [2]string{"me", "friend"})
	for _, n := range []string{"invited", "inviter"} {
		member(t, id(n), strings.ToUpper(n[:1])+n[1:])
	}
	sent := invite(t, id("me"), id("invited"), "")
	received := invite(t, id("inviter"), id("me"), "")

	t.Run("ConnectionGone", func(t *testing.T) {
		putBlock(t, id("me"), id("friend"))
		page, _ := pageAll(t, as(t, id("me")), "/v1/members/"+id("me")+"/connections", 100)
		if len(page) != 0 {
			t.Errorf("the blocker's connections: %v, want none", memberIDs(page))
		}
		page, _ = pageAll(t, as(t, id("friend")), "/v1/members/"+id("friend")+"/connections", 100)
		if len(page) != 0 {
			t.Errorf("the blocked member's connections: %v, want none", memberIDs(page))
		}
	})
	t.Run("InvitationFromBlockerGone", func(t *testing.T) {
		putBlock(t, id("me"), id("invited"))
		if got := box(t, id("me"), "sent"); len(got) != 0 {
			t.Errorf("the blocker's sent box: %+v", got)
		}
		if got := box(t, id("invited"), "received"); len(got) != 0 {
			t.Errorf("the blocked member's received box: %+v", got)
		}
		as(t, id("invited")).do(http.MethodPost, "/v1/invitations/"+sent.ID+"/accept", nil).expectProblem(http.StatusNotFound)
	})
	t.Run("InvitationToBlockerGone", func(t *testing.T) {
		putBlock(t, id("me"), id("inviter"))
		if got := box(t, id("me"), "received"); len(got) != 0 {
			t.Errorf("the blocker's received box: %+v", got)
		}
		if got := box(t, id("inviter"), "sent"); len(got) != 0 {
			t.Errorf("the blocked member's sent box: %+v", got)
		}
		as(t, id("me")).do(http.MethodPost, "/v1/invitations/"+received.ID+"/accept", nil).expectProblem(http.StatusNotFound)
	})
	t.Run("UnblockDoesNotReconnect", func(t *testing.T) {
		for _, n := range []string{"friend", "invited", "inviter"} {
			as(t, id("me")).do(http.MethodDelete, "/v1/blocks/"+id(n), nil).expect(http.StatusNoContent)
			if r := reachability(t, id("me"), id(n)); r.Label != "out_of_network" {
				t.Errorf("%s after unblocking: %+v, want out_of_network", n, r)
			}
		}
		if len(box(t, id("me"), "sent")) != 0 || len(box(t, id("me"), "received")) != 0 {
			t.Error("unblocking brought an invitation back")
		}
	})
}

// TestBlockLeavesThemOutOfTheGraph checks that, for each of the two members of a block, the other
// is left out of every list and of degree, mutual counts and paths, as if not in the graph.
func TestBlockLeavesThemOutOfTheGraph(t *testing.T) {
	id := ids(t)
	network(t, id,
		// them is 2nd degree through x and m; lone is 2nd through x, and 3rd through hub and x.
		[2]string{"me", "x"}, [2]string{"x", "them"}, [2]string{"me", "m"}, [2]string{"m", "them"},
		[2]string{"x", "lone"}, [2]string{"hub", "me"}, [2]string{"hub", "x"}, [2]string{"hub", "h1"},
		// z is 3rd degree only through y; w through y and through a2 and b2; q, seen from y, only
		// through me.
		[2]string{"me", "a"}, [2]string{"a", "y"}, [2]string{"y", "z"},
		[2]string{"y", "w"}, [2]string{"me", "a2"}, [2]string{"a2", "b2"}, [2]string{"b2", "w"},
		[2]string{"me", "q"},
	)
	pfx := searchPrefix()
	for _, n := range []string{"me", "x", "y", "m"} {
		admin(t).do(http.MethodPut, "/v1/admin/members/"+id(n), map[string]any{"name": pfx + " " + n}).
			expect(http.StatusOK)
	}
	fromX := deliver(t, id("x"), id("me"), "Hello from x")
	toX := deliver(t, id("me"), id("x"), "Hello to x")
	fromM := deliver(t, id("m"), id("me"), "Hello from m")
	toM := deliver(t, id("me"), id("m"), "Hello to m")
	xToThem := deliver(t, id("x"), id("them"), "Hello them")

	// The state before the blocks, so that each check below is known to be a change.
	if r := reachability(t, id("me"), id("them")); r.Label != "2nd" || r.MutualCount != 2 {
		t.Fatalf("me to them before the block: %+v, want 2nd with 2 mutual connections", r)
	}
	for _, c := range []struct{ from, to, label string }{
		{"me", "lone", "2nd"}, {"me", "z", "3rd"}, {"me", "w", "3rd"}, {"y", "q", "3rd"}, {"x", "m", "2nd"},
	} {
		if r := reachability(t, id(c.from), id(c.to)); r.Label != c.label {
			t.Fatalf("%s to %s before the block: %+v, want %s", c.from, c.to, r, c.label)
		}
	}
	if got := mailIDs(t, id("me"), "inbox"); !slices.Contains(got, fromX.ID) {
		t.Fatalf("before the block the inbox holds x's message: %v", got)
	}
	putBlock(t, id("me"), id("x"))
	putBlock(t, id("me"), id("y"))

	t.Run("MutualCountDrops", func(t *testing.T) {
		if r := reachability(t, id("me"), id("them")); r.Label != "2nd" || r.MutualCount != 1 {
			t.Errorf("me to them: %+v, want 2nd with 1 mutual connection (m)", r)
		}
		var p struct {
			MutualCount int `json:"mutualCount"`
		}
		as(t, id("me")).get("/v1/members/" + id("them")).expect(http.StatusOK).into(&p)
		if p.MutualCount != 1 {
			t.Errorf("them's profile: mutualCount %d, want 1", p.MutualCount)
		}
		// From the blocked side: x and m shared me and them.
		if r := reachability(t, id("x"), id("m")); r.Label != "2nd" || r.MutualCount != 1 {
			t.Errorf("x to m: %+v, want 2nd with 1 mutual connection (them)", r)
		}
	})
	t.Run("NotInMutualConnectionLists", func(t *testing.T) {
		got, total := pageAll(t, as(t, id("me")), "/v1/members/"+id("them")+"/mutual-connections", 10)
		if total != 1 || !slices.Equal(memberIDs(got), []string{id("m")}) {
			t.Errorf("me and them share %v (total %d), want only m", memberIDs(got), total)
		}
		got, total = pageAll(t, as(t, id("x")), "/v1/members/"+id("m")+"/mutual-connections", 10)
		if total != 1 || !slices.Equal(memberIDs(got), []string{id("them")}) {
			t.Errorf("x and m share %v (total %d), want only them", memberIDs(got), total)
		}
	})
	t.Run("DegreeAsIfNotInTheGraph", func(t *testing.T) {
		for _, c := range []struct{ name, from, to, label string }{
			{"SecondOnlyThroughBlocked", "me", "lone", "out_of_network"},
			{"ThirdOnlyThroughBlocked", "me", "z", "out_of_network"},
			{"ThirdAnotherWay", "me", "w", "3rd"},
			{"ThirdOnlyThroughBlocker", "y", "q", "out_of_network"},
		} {
			t.Run(c.name, func(t *testing.T) {
				if r := reachability(t, id(c.from), id(c.to)); r.Label != c.label {
					t.Errorf("%s to %s: %+v, want %s", c.from, c.to, r, c.label)
				}
			})
		}
	})
	t.Run("PathAvoidsThem", func(t *testing.T) {
		var out struct {
			Path []struct {
				ID string `json:"id"`
			} `json:"path"`
		}
		as(t, id("me")).get("/v1/members/" + id("w") + "/path").expect(http.StatusOK).into(&out)
		var steps []string
		for _, s := range out.Path {
			steps = append(steps, s.ID)
		}
		if want := []string{id("me"), id("a2"), id("b2"), id("w")}; !slices.Equal(steps, want) {
			t.Errorf("path to w: %v, want %v (the other way round y)", steps, want)
		}
		as(t, id("me")).get("/v1/members/" + id("z") + "/path").expectProblem(http.StatusNotFound)
		as(t, id("me")).get("/v1/members/" + id("lone") + "/path").expectProblem(http.StatusNotFound)
		as(t, id("y")).get("/v1/members/" + id("q") + "/path").expectProblem(http.StatusNotFound)
	})
	t.Run("NotInConnectionLists", func(t *testing.T) {
		path := "/v1/members/" + id("hub") + "/connections"
		for _, c := range []struct{ caller, hidden string }{{"me", "x"}, {"x", "me"}} {
			got, _ := pageAll(t, as(t, id(c.caller)), path, 1)
			if slices.Contains(memberIDs(got), id(c.hidden)) || !slices.Contains(memberIDs(got), id("h1")) {
				t.Errorf("%s sees hub's connections %v, want h1 but not %s", c.caller, memberIDs(got), c.hidden)
			}
		}
		// Anyone else still sees both.
		got, _ := pageAll(t, as(t, id("h1")), path, 10)
		if !slices.Contains(memberIDs(got), id("me")) || !slices.Contains(memberIDs(got), id("x")) {
			t.Errorf("h1 sees hub's connections %v, want me and x among them", memberIDs(got))
		}
	})
	t.Run("NotCountedInConnectionListTotal", func(t *testing.T) {
		// The list's total is the number of members it lists; counting the other member would
		// tell them apart from one who is not there.
		for _, caller := range []string{"me", "x"} {
			got, total := pageAll(t, as(t, id(caller)), "/v1/members/"+id("hub")+"/connections", 10)
			if total != len(got) {
				t.Errorf("%s: hub's connections list %d members %v but total says %d", caller, len(got), memberIDs(got), total)
			}
		}
	})
	t.Run("NotInSearchResults", func(t *testing.T) {
		meFinds := searchIDs(t, id("me"), pfx)
		if slices.Contains(meFinds, id("x")) || slices.Contains(meFinds, id("y")) || !slices.Contains(meFinds, id("m")) {
			t.Errorf("me finds %v, want m but neither x nor y", meFinds)
		}
		xFinds := searchIDs(t, id("x"), pfx)
		if slices.Contains(xFinds, id("me")) || !slices.Contains(xFinds, id("m")) {
			t.Errorf("x finds %v, want m but not me", xFinds)
		}
	})
	t.Run("NotInMailboxes", func(t *testing.T) {
		for _, c := range []struct {
			who, box string
			want     []string
		}{
			{"me", "inbox", []string{fromM.ID}},
			{"me", "sent", []string{toM.ID}},
			{"x", "inbox", nil},
			{"x", "sent", []string{xToThem.ID}},
		} {
			if got := mailIDs(t, id(c.who), c.box); !slices.Equal(got, c.want) {
				t.Errorf("%s's %s: %v, want %v", c.who, c.box, got, c.want)
			}
		}
		for _, who := range []string{"me", "x"} {
			for _, msg := range []string{fromX.ID, toX.ID} {
				as(t, id(who)).get("/v1/messages/" + msg).expectProblem(http.StatusNotFound)
			}
			as(t, id(who)).get("/v1/threads/" + fromX.ThreadID).expectProblem(http.StatusNotFound)
		}
	})
	t.Run("UnblockShowsThemAgain", func(t *testing.T) {
		as(t, id("me")).do(http.MethodDelete, "/v1/blocks/"+id("x"), nil).expect(http.StatusNoContent)
		as(t, id("me")).get("/v1/members/" + id("x")).expect(http.StatusOK)
		as(t, id("x")).get("/v1/members/" + id("me")).expect(http.StatusOK)
		// The connection is not restored; x is back in the graph, 2nd degree through hub.
		if r := reachability(t, id("me"), id("x")); r.Label != "2nd" {
			t.Errorf("me to x after unblocking: %+v, want 2nd (through hub), not connected", r)
		}
		if r := reachability(t, id("me"), id("lone")); r.Label != "3rd" {
			t.Errorf("me to lone after unblocking: %+v, want 3rd through hub and x", r)
		}
		if got := mailIDs(t, id("me"), "inbox"); !slices.Equal(got, []string{fromM.ID, fromX.ID}) {
			t.Errorf("me's inbox: %v, want m's and x's messages back, newest first", got)
		}
		if got := mailIDs(t, id("me"), "sent"); !slices.Equal(got, []string{toM.ID, toX.ID}) {
			t.Errorf("me's sent box: %v, want both messages back", got)
		}
		if got := mailIDs(t, id("x"), "inbox"); !slices.Equal(got, []string{toX.ID}) {
			t.Errorf("x's inbox: %v, want me's message back", got)
		}
		as(t, id("x")).get("/v1/messages/" + toX.ID).expect(http.StatusOK)
		as(t, id("me")).get("/v1/threads/" + fromX.ThreadID).expect(http.StatusOK)
		if got := searchIDs(t, id("me"), pfx); !slices.Contains(got, id("x")) {
			t.Errorf("me finds %v after unblocking, want x among them", got)
		}
	})
}

// blockEntry is one member of GET /v1/blocks.
type blockEntry struct {
	ID        string    `json:"id"`
	Name      string    `json:"name"`
	Headline  string    `json:"headline"`
	BlockedAt time.Time `json:"blockedAt"`
}

// blockList pages through the caller's blocks, limit at a time.
func blockList(t *testing.T, caller string, limit int) []blockEntry {
	t.Helper()
	var all []blockEntry
	cursor := ""
	for pages := 0; ; pages++ {
		if pages > 100 {
			t.Fatal("paging does not end")
		}
		q := url.Values{"limit": {fmt.Sprint(limit)}}
		if cursor != "" {
			q.Set("cursor", cursor)
		}
		var p struct {
			Items      []blockEntry `json:"items"`
			NextCursor *string      `json:"nextCursor"`
		}
		as(t, caller).get("/v1/blocks?" + q.Encode()).expect(http.StatusOK).into(&p)
		if len(p.Items) > limit {
			t.Fatalf("page of %d blocks, limit %d", len(p.Items), limit)
		}
		all = append(all, p.Items...)
		if p.NextCursor == nil {
			return all
		}
		cursor = *p.NextCursor
	}
}

func TestBlocks(t *testing.T) {
	id := ids(t)
	member(t, id("me"), "Me")
	var want []string // most recent first
	for i := range 7 {
		n := id(fmt.Sprintf("b%d", i))
		member(t, n, fmt.Sprintf("Blocked %d", i))
		putBlock(t, id("me"), n)
		want = append([]string{n}, want...)
	}

	t.Run("ListsMostRecentFirst", func(t *testing.T) {
		got := blockList(t, id("me"), 100)
		var gotIDs []string
		for i, b := range got {
			gotIDs = append(gotIDs, b.ID)
			if b.Name == "" || env.clock.now().Sub(b.BlockedAt).Abs() > time.Minute {
				t.Errorf("entry %+v", b)
			}
			if i > 0 && b.BlockedAt.After(got[i-1].BlockedAt) {
				t.Errorf("%s blocked at %v lists after %v", b.ID, b.BlockedAt, got[i-1].BlockedAt)
			}
		}
		if diff := cmp.Diff(want, gotIDs); diff != "" {
			t.Errorf("blocks (-want +got):\n%s", diff)
		}
	})
	for _, limit := range []int{1, 3, 7} {
		t.Run(fmt.Sprintf("PagesLimit%d", limit), func(t *testing.T) {
			var gotIDs []string
			for _, b := range blockList(t, id("me"), limit) {
				gotIDs = append(gotIDs, b.ID)
			}
			if diff := cmp.Diff(want, gotIDs); diff != "" {
				t.Errorf("every block once, in order (-want +got):\n%s", diff)
			}
		})
	}
	t.Run("BlockingTwiceIsFine", func(t *testing.T) {
		putBlock(t, id("me"), id("b3"))
		got := blockList(t, id("me"), 100)
		if len(got) != len(want) {
			t.Errorf("%d blocks after blocking again, want %d", len(got), len(want))
		}
	})
	t.Run("BlockedMemberSeesNoBlock", func(t *testing.T) {
		if got := blockList(t, id("b0"), 10); len(got) != 0 {
			t.Errorf("the blocked member's blocks: %+v", got)
		}
	})
	t.Run("BlockingBackIs404", func(t *testing.T) {
		p := as(t, id("b0")).do(http.MethodPut, "/v1/blocks/"+id("me"), nil).expectProblem(http.StatusNotFound)
		if p.Reason != "" {
			t.Errorf("reason %q", p.Reason)
		}
		as(t, id("b0")).do(http.MethodDelete, "/v1/blocks/"+id("me"), nil).expectProblem(http.StatusNotFound)
		if got := blockList(t, id("b0"), 10); len(got) != 0 {
			t.Errorf("the blocked member's blocks after blocking back: %+v", got)
		}
	})
	t.Run("SelfIs422", func(t *testing.T) {
		as(t, id("me")).do(http.MethodPut, "/v1/blocks/"+id("me"), nil).expectProblem(http.StatusUnprocessableEntity)
	})
	t.Run("UnknownIs404", func(t *testing.T) {
		as(t, id("me")).do(http.MethodPut, "/v1/blocks/"+id("nobody"), nil).expectProblem(http.StatusNotFound)
	})
	t.Run("UnblockWithoutBlockIs204", func(t *testing.T) {
		member(t, id("free"), "Free")
		as(t, id("me")).do(http.MethodDelete, "/v1/blocks/"+id("free"), nil).expect(http.StatusNoContent)
	})
	t.Run("UnblockLeavesTheList", func(t *testing.T) {
		as(t, id("me")).do(http.MethodDelete, "/v1/blocks/"+id("b3"), nil).expect(http.StatusNoContent)
		for _, b := range blockList(t, id("me"), 100) {
			if b.ID == id("b3") {
				t.Fatal("an unblocked member is still listed")
			}
		}
		as(t, id("me")).get("/v1/members/" + id("b3")).expect(http.StatusOK)
		as(t, id("b3")).get("/v1/members/" + id("me")).expect(http.StatusOK)
	})
	t.Run("BadInput", func(t *testing.T) {
		c := as(t, id("me"))
		for _, q := range []string{"limit=0", "limit=101", "limit=x"} {
			if p := c.get("/v1/blocks?" + q).expectProblem(http.StatusBadRequest); p.Field != "limit" {
				t.Errorf("%s: field %q, want limit", q, p.Field)
			}
		}
		if p := c.get("/v1/blocks?cursor=not-a-cursor").expectProblem(http.StatusBadRequest); p.Field != "cursor" {
			t.Errorf("field %q, want cursor", p.Field)
		}
		c.do(http.MethodPut, "/v1/blocks/bad%20id", nil).expectProblem(http.StatusBadRequest)
	})
}

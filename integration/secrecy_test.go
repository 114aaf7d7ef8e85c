package integration

import (
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/reach-network/reach/api"
	"github.com/reach-network/reach/graph"
)

// secrecyFixture is what one secrecy check stands on: the caller, another member who was the
// caller's connection (with a connection in common) and wrote to them, and an id no member has.
type secrecyFixture struct {
	caller, other, nobody string
	message               delivered // other's message to the caller
	noMessage             string    // an id no message has
}

// messageOf is the message a message route asks about: other's message to the caller, or, about
// nobody, a message that does not exist.
func (f secrecyFixture) messageOf(target string) string {
	if target == f.other {
		return f.message.ID
	}
	return f.noMessage
}

// secretRoute is one way of asking the API about a member: through a member id in the path or
// the body, or through a message or thread the caller shares with the member.
type secretRoute struct {
	name  string
	route string // the method and path as the API registers them
	ask   func(f secrecyFixture, target string) (path string, body any, header http.Header)
	// blockerKnows is the status the blocker is answered with about the member they block, on the
	// routes where the blocker is told of their own block; 0 means as about nobody.
	blockerKnows int
}

func memberPath(format string) func(secrecyFixture, string) (string, any, http.Header) {
	return func(_ secrecyFixture, target string) (string, any, http.Header) {
		return strings.Replace(format, "{id}", target, 1), nil, nil
	}
}

func messagePath(format string) func(secrecyFixture, string) (string, any, http.Header) {
	return func(f secrecyFixture, target string) (string, any, http.Header) {
		return strings.Replace(format, "{id}", f.messageOf(target), 1), nil, nil
	}
}

// secretRoutes are every route that names a member, directly or through a message or thread.
// TestSecrecyCoversEveryRoute fails when a route is neither here nor in routesNamingNoMember.
var secretRoutes = []secretRoute{
	{name: "Disconnect", route: "DELETE /v1/connections/:memberId", ask: memberPath("/v1/connections/{id}")},
	{name: "Profile", route: "GET /v1/members/:id", ask: memberPath("/v1/members/{id}")},
	{name: "Reachability", route: "GET /v1/members/:id/reachability", ask: memberPath("/v1/members/{id}/reachability")},
	{name: "BatchReachability", route: "POST /v1/members/reachability", ask: func(_ secrecyFixture, target string) (string, any, http.Header) {
		return "/v1/members/reachability", map[string]any{"members": []string{target}}, nil
	}},
	{name: "MutualConnections", route: "GET /v1/members/:id/mutual-connections", ask: memberPath("/v1/members/{id}/mutual-connections")},
	{name: "Connections", route: "GET /v1/members/:id/connections", ask: memberPath("/v1/members/{id}/connections")},
	{name: "Path", route: "GET /v1/members/:id/path", ask: memberPath("/v1/members/{id}/path")},
	{name: "Invite", route: "POST /v1/invitations", ask: func(_ secrecyFixture, target string) (string, any, http.Header) {
		return "/v1/invitations", map[string]string{"to": target, "note": "Shall we connect again?"}, nil
	}},
	{name: "Send", route: "POST /v1/messages", ask: func(_ secrecyFixture, target string) (string, any, http.Header) {
		return "/v1/messages", map[string]string{"to": target, "body": "Are you still there?"}, nil
	}},
	{name: "SendWithIdempotencyKey", route: "POST /v1/messages", ask: func(_ secrecyFixture, target string) (string, any, http.Header) {
		return "/v1/messages", map[string]string{"to": target, "body": "Are you still there?"},
			http.Header{"Idempotency-Key": {"retry-" + target}}
	}},
	{name: "Block", route: "PUT /v1/blocks/:memberId", ask: memberPath("/v1/blocks/{id}"), blockerKnows: http.StatusNoContent},
	{name: "Unblock", route: "DELETE /v1/blocks/:memberId", ask: memberPath("/v1/blocks/{id}"), blockerKnows: http.StatusNoContent},
	{name: "Report", route: "POST /v1/reports", blockerKnows: http.StatusAccepted,
		ask: func(_ secrecyFixture, target string) (string, any, http.Header) {
			return "/v1/reports", map[string]any{"member": target, "reason": "spam"}, nil
		}},
	{name: "ReportMessage", route: "POST /v1/reports", blockerKnows: http.StatusAccepted,
		ask: func(f secrecyFixture, target string) (string, any, http.Header) {
			return "/v1/reports", map[string]any{"member": target, "message": f.message.ID, "reason": "harassment"}, nil
		}},
	{name: "ReadMessage", route: "GET /v1/messages/:id", ask: messagePath("/v1/messages/{id}")},
	{name: "DeclineMessage", route: "POST /v1/messages/:id/decline", ask: messagePath("/v1/messages/{id}/decline")},
	{name: "AcceptRequest", route: "POST /v1/messages/:id/accept", ask: messagePath("/v1/messages/{id}/accept")},
	{name: "DeleteMessage", route: "DELETE /v1/messages/:id", ask: messagePath("/v1/messages/{id}")},
	{name: "Thread", route: "GET /v1/threads/:threadId", ask: func(f secrecyFixture, target string) (string, any, http.Header) {
		return "/v1/threads/" + graph.ThreadID(f.caller, target), nil, nil
	}},
	{name: "Conversation", route: "GET /v1/conversations/:id", ask: func(f secrecyFixture, target string) (string, any, http.Header) {
		return "/v1/conversations/" + graph.ThreadID(f.caller, target), nil, nil
	}},
	{name: "UpdateConversation", route: "PATCH /v1/conversations/:id", ask: func(f secrecyFixture, target string) (string, any, http.Header) {
		return "/v1/conversations/" + graph.ThreadID(f.caller, target), map[string]any{"archived": true}, nil
	}},
}

// routesNamingNoMember are the routes that name no member, with why blocks do not concern them
// or where their handling of blocks is tested.
var routesNamingNoMember = map[string]string{
	"GET /healthz":                             "no caller",
	"GET /readyz":                              "no caller",
	"GET /metrics":                             "no caller",
	"GET /openapi.yaml":                        "the contract; no caller",
	"GET /openapi.json":                        "the contract; no caller",
	"GET /docs":                                "the contract; no caller",
	"GET /console":                             "the console's page; no caller",
	"GET /console/*":                           "the console's assets; no caller",
	"GET /v1/events":                           "the caller's own events, published only after a write the rules allowed (TestEventsTellWhoIsConcerned)",
	"GET /v1/me":                               "the caller only",
	"PATCH /v1/me/settings":                    "the caller only",
	"GET /v1/invitations":                      "the caller's own boxes; a block withdraws the invitations between the two (TestBlockRemovesConnectionAndInvitations)",
	"POST /v1/invitations/:id/accept":          "an invitation id; a block withdraws the invitations between the two",
	"POST /v1/invitations/:id/decline":         "an invitation id; a block withdraws the invitations between the two",
	"DELETE /v1/invitations/:id":               "an invitation id; a block withdraws the invitations between the two",
	"GET /v1/members":                          "search; it never finds a member in a block relation (TestSearchNeverFindsBlocked)",
	"GET /v1/inbox":                            "the caller's mailbox; it leaves such members out (TestBlockLeavesThemOutOfTheGraph)",
	"GET /v1/sent":                             "the caller's mailbox; it leaves such members out (TestBlockLeavesThemOutOfTheGraph)",
	"GET /v1/conversations":                    "the caller's boxes; they leave such members out (TestConversationsHideBlocks)",
	"GET /v1/blocks":                           "the members the caller blocks: the caller's own knowledge",
	"PUT /v1/admin/members/:id":                "an administrator acts for the platform, which knows every block",
	"POST /v1/admin/connections":               "an administrator acts for the platform, which knows every block",
	"DELETE /v1/admin/members/:id/restriction": "an administrator acts for the platform, which knows every block",
	"PUT /v1/admin/organisations/:id":          "an administrator acts for the platform, which knows every block",
	"PUT /v1/admin/groups/:id":                 "an administrator acts for the platform, which knows every block",
	"GET /v1/me/groups":                        "the caller's own groups",
	"PUT /v1/groups/:id/members/me":            "a group id; the caller joins it themselves",
	"DELETE /v1/groups/:id/members/me":         "a group id; the caller leaves it themselves",
	"GET /v1/groups/:id/members":               "a group id; its list and total leave such members out (TestGroupMembersPagedHidingBlocks)",
	"DELETE /v1/admin/members/:id":             "an administrator acts for the platform, which knows every block",
	"DELETE /v1/me":                            "the caller only",
	"GET /v1/me/export":                        "the caller's own data: their blocks are their own knowledge, and no member who blocks them is named (TestExportHoldsEverything)",
}

// TestSecrecyCoversEveryRoute checks that every route the API serves is either asked about in
// secretRoutes or listed, with a reason, as naming no member, so that a new route cannot forget
// to keep blocks secret.
func TestSecrecyCoversEveryRoute(t *testing.T) {
	tokens, err := api.HS256(testSecret)
	if err != nil {
		t.Fatal(err)
	}
	served := map[string]bool{}
	for _, r := range api.New(api.Everything(env.store), api.Config{Tokens: tokens}).Routes() {
		served[r.Method+" "+r.Path] = true
	}
	asked := map[string]bool{}
	for _, r := range secretRoutes {
		asked[r.route] = true
	}
	for route := range served {
		_, exempt := routesNamingNoMember[route]
		switch {
		case !asked[route] && !exempt:
			t.Errorf("%s is not in secretRoutes: add it there, or to routesNamingNoMember with a reason", route)
		case asked[route] && exempt:
			t.Errorf("%s is both in secretRoutes and in routesNamingNoMember", route)
		case exempt && !strings.Contains(route, " /v1/admin/") &&
			(strings.Contains(route, ":memberId") || strings.Contains(route, " /v1/members/:id")):
			t.Errorf("%s names a member in its path, so it belongs in secretRoutes", route)
		}
	}
	for route := range asked {
		if !served[route] {
			t.Errorf("secretRoutes asks about %s, which the API does not serve", route)
		}
	}
	for route := range routesNamingNoMember {
		if !served[route] {
			t.Errorf("routesNamingNoMember lists %s, which the API does not serve", route)
		}
	}
}

// TestBlockIsSecret checks, route by route, that a member in a block relation with the caller is
// answered exactly as a member who does not exist: the same status, Content-Type and problem
// document, the ids aside. It holds for the member who is blocked, and for the blocker too except
// where a blocker is told of their own block (blocking again, unblocking, reporting).
func TestBlockIsSecret(t *testing.T) {
	for _, r := range secretRoutes {
		t.Run(r.name, func(t *testing.T) {
			t.Run("BlockedIsAnsweredAsNobody", func(t *testing.T) {
				f := secrecyFixtureFor(t, func(f secrecyFixture) { putBlock(t, f.other, f.caller) })
				compareAnswers(t, f, ask(t, f, r, f.other), ask(t, f, r, f.nobody))
			})
			t.Run("BlockerIsAnsweredAsNobody", func(t *testing.T) {
				f := secrecyFixtureFor(t, func(f secrecyFixture) { putBlock(t, f.caller, f.other) })
				got := ask(t, f, r, f.other)
				if r.blockerKnows != 0 {
					got.expect(r.blockerKnows)
					return
				}
				compareAnswers(t, f, got, ask(t, f, r, f.nobody))
			})
			// Without a block the route answers about the member otherwise than about nobody, so
			// that the two checks above would notice a leak.
			t.Run("WithoutBlockAnsweredOtherwise", func(t *testing.T) {
				f := secrecyFixtureFor(t, func(secrecyFixture) {})
				got, nobody := ask(t, f, r, f.other), ask(t, f, r, f.nobody)
				if got.Status == nobody.Status && cmp.Equal(
					anonymised(t, got.Body, f.other, f.messageOf(f.other), graph.ThreadID(f.caller, f.other)),
					anonymised(t, nobody.Body, f.nobody, f.messageOf(f.nobody), graph.ThreadID(f.caller, f.nobody))) {
					t.Errorf("about a member: %d %s; about nobody: the same answer", got.Status, got.Body)
				}
			})
		})
	}
}

// TestBlockIsSecretBothWays checks that when each of two members blocks the other, each is still
// told of their own block: both may block again, report and unblock, and once one unblocks, the
// other's block still hides them.
func TestBlockIsSecretBothWays(t *testing.T) {
	id := ids(t)
	network(t, id, [2]string{"a", "b"})
	putBlock(t, id("a"), id("b"))
	// The API refuses to block back; an import may record both.
	if _, err := env.store.ImportBlocks(t.Context(), []graph.ImportBlock{{By: id("b"), Member: id("a"), At: env.clock.now()}}); err != nil {
		t.Fatal(err)
	}
	for _, who := range [][2]string{{"a", "b"}, {"b", "a"}} {
		c, other := as(t, id(who[0])), id(who[1])
		c.do(http.MethodPut, "/v1/blocks/"+other, nil).expect(http.StatusNoContent)
		c.do(http.MethodPost, "/v1/reports", map[string]any{"member": other, "reason": "spam"}).expect(http.StatusAccepted)
		c.get("/v1/members/" + other).expectProblem(http.StatusNotFound)
	}
	as(t, id("a")).do(http.MethodDelete, "/v1/blocks/"+id("b"), nil).expect(http.StatusNoContent)
	as(t, id("a")).get("/v1/members/" + id("b")).expectProblem(http.StatusNotFound)
	as(t, id("b")).get("/v1/members/" + id("a")).expectProblem(http.StatusNotFound)
	if got := blockList(t, id("a"), 10); len(got) != 0 {
		t.Errorf("a's blocks after unblocking: %+v", got)
	}
	as(t, id("b")).do(http.MethodDelete, "/v1/blocks/"+id("a"), nil).expect(http.StatusNoContent)
	as(t, id("a")).get("/v1/members/" + id("b")).expect(http.StatusOK)
}

// secrecyFixtureFor builds a fresh fixture, then block, which may put a block between the two.
func secrecyFixtureFor(t *testing.T, block func(secrecyFixture)) secrecyFixture {
	t.Helper()
	id := ids(t)
	network(t, id, [2]string{"caller", "other"}, [2]string{"caller", "common"}, [2]string{"other", "common"})
	f := secrecyFixture{caller: id("caller"), other: id("other"), nobody: id("nobody"), noMessage: id("ghostmessage")}
	f.message = deliver(t, f.other, f.caller, "Good to see you last week")
	block(f)
	return f
}

// ask sends the route's request about target as the fixture's caller.
func ask(t *testing.T, f secrecyFixture, r secretRoute, target string) *response {
	t.Helper()
	method, _, _ := strings.Cut(r.route, " ")
	path, body, header := r.ask(f, target)
	return as(t, f.caller).send(method, path, body, header)
}

// compareAnswers fails unless the answer about the hidden member is the answer about nobody,
// once the ids each one names (the member, their message, the thread) read the same.
func compareAnswers(t *testing.T, f secrecyFixture, hidden, nobody *response) {
	t.Helper()
	if hidden.Status != nobody.Status {
		t.Fatalf("about the member: %d %s; about nobody: %d %s", hidden.Status, hidden.Body, nobody.Status, nobody.Body)
	}
	for _, h := range []string{"Content-Type", "Retry-After", "WWW-Authenticate"} {
		if got, want := hidden.Header.Get(h), nobody.Header.Get(h); got != want {
			t.Errorf("%s about the member %q, about nobody %q", h, got, want)
		}
	}
	got := anonymised(t, hidden.Body, f.other, f.messageOf(f.other), graph.ThreadID(f.caller, f.other))
	want := anonymised(t, nobody.Body, f.nobody, f.messageOf(f.nobody), graph.ThreadID(f.caller, f.nobody))
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("a member in a block relation answered unlike one who does not exist (-nobody +member):\n%s", diff)
	}
}

// anonymised decodes an answer's body with each of the ids (a member, a message, a thread)
// replaced by a placeholder wherever it appears (a problem's detail, a batch answer's item), and
// without the request's own id, which differs from request to request whoever is asked about.
func anonymised(t *testing.T, body []byte, member, message, thread string) any {
	t.Helper()
	if len(body) == 0 {
		return nil
	}
	// Ids are letters, digits, '_' and '-': replacing them in the JSON text leaves it valid.
	text := strings.NewReplacer(member, "MEMBER", message, "MESSAGE", thread, "THREAD").Replace(string(body))
	var v map[string]any
	if err := json.Unmarshal([]byte(text), &v); err != nil {
		t.Fatalf("answer %s: %v", body, err)
	}
	delete(v, "requestId")
	return v
}

// TestConnectionsCountLeavesOutHidden checks that a profile's connectionsCount, seen by a member
// in a block relation with some of that profile's connections, counts the members its connection
// list shows, as the list's total does.
func TestConnectionsCountLeavesOutHidden(t *testing.T) {
	id := ids(t)
	network(t, id, [2]string{"hub", "me"}, [2]string{"hub", "blocker"}, [2]string{"hub", "blocked"},
		[2]string{"hub", "z1"}, [2]string{"hub", "z2"})
	putBlock(t, id("blocker"), id("me"))
	putBlock(t, id("me"), id("blocked"))
	for _, c := range []struct {
		viewer string
		want   []string
	}{
		{"me", []string{"me", "z1", "z2"}},
		{"blocker", []string{"blocked", "blocker", "z1", "z2"}},
		{"blocked", []string{"blocked", "blocker", "z1", "z2"}},
		{"z1", []string{"blocked", "blocker", "me", "z1", "z2"}},
	} {
		t.Run(c.viewer, func(t *testing.T) {
			var profile struct {
				ConnectionsCount *int `json:"connectionsCount"`
			}
			as(t, id(c.viewer)).get("/v1/members/" + id("hub")).expect(http.StatusOK).into(&profile)
			list, total := pageAll(t, as(t, id(c.viewer)), "/v1/members/"+id("hub")+"/connections", 100)
			want := make([]string, len(c.want))
			for i, n := range c.want {
				want[i] = id(n)
			}
			got := memberIDs(list)
			slices.Sort(got)
			if !slices.Equal(got, want) || total != len(want) {
				t.Fatalf("hub's connections: %v (total %d), want %v", got, total, want)
			}
			if profile.ConnectionsCount == nil || *profile.ConnectionsCount != total {
				t.Errorf("connectionsCount %v, want %d, the connections list's total", deref(profile.ConnectionsCount), total)
			}
		})
	}
}

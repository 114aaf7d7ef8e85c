package integration

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/reach-network/reach/graph"
)

// requestDecision is the messaging part of a reachability answer with what allows a request.
type requestDecision struct {
	decision
	Via *via `json:"via"`
}

// via is what allows, or allowed, a message request.
type via struct {
	Kind string `json:"kind"`
	ID   string `json:"id"`
	Name string `json:"name"`
}

// requestEntry is a mailbox entry or a message, with the fields a request adds.
type requestEntry struct {
	ID     string  `json:"id"`
	Kind   string  `json:"kind"`
	Status *string `json:"status"`
	Via    *via    `json:"via"`
}

func (d requestDecision) String() string {
	return fmt.Sprintf("allowed %t, channel %v, cost %d, reason %s, via %+v", d.Allowed, deref2(d.Channel), d.Cost, d.Reason, d.Via)
}

// requestsBox lists the caller's pending message requests, or (box "inbox") their inbox.
func requestsBox(t *testing.T, caller, box string) []requestEntry {
	t.Helper()
	var list struct{ Items []requestEntry }
	as(t, caller).get("/v1/inbox?box=" + box).expect(http.StatusOK).into(&list)
	return list.Items
}

// TestMessageRequestSends checks that sending enforces the message request rule and each of its
// neighbours in the order, as TestConformance checks that every path decides them: a send is
// refused with the decision's reason, or goes at its cost, and a request goes free, as kind
// request, and names the group or company that allowed it.
func TestMessageRequestSends(t *testing.T) {
	id := ids(t)
	putGroup(t, id("golang"), "Go users")
	putGroup(t, id("alpha"), "Alpha group") // a lower id than golang's when both are shared
	putOrganisation(t, id("acme"), "Acme", "company")
	putOrganisation(t, id("uni"), "State University", "school")
	fellows := func(t *testing.T, me, them string) { join(t, me, id("golang")); join(t, them, id("golang")) }
	bothGroups := func(t *testing.T, me, them string) {
		fellows(t, me, them)
		join(t, me, id("alpha"))
		join(t, them, id("alpha"))
	}
	at := func(org string, to any) setup {
		return func(t *testing.T, me, them string) {
			putPositions(t, me, "Me", map[string]any{"org": id(org), "from": 2020})
			position := map[string]any{"org": id(org), "from": 2019}
			if to != nil {
				position["to"] = to
			}
			putPositions(t, them, "Them", position)
		}
	}
	restricted := restrictedSetup(id)
	declinedRequest := answeredSetup("Coffee sometime?", "decline")
	pendingRequest := func(t *testing.T, me, them string) { send(t, me, them, "Coffee sometime?").expect(http.StatusCreated) }
	acceptedRequest := answeredSetup("Coffee sometime?", "accept")
	settings := func(change map[string]any) setup {
		return func(t *testing.T, _, them string) { set(t, them, change) }
	}
	noCredits := func(t *testing.T, me, _ string) { credits(t, me, 0) }
	str := func(s string) *string { return &s }
	request := func(reason string) requestDecision {
		return requestDecision{decision: decision{true, str("request"), 0, reason}}
	}
	inmail := requestDecision{decision: decision{true, str("inmail"), 1, "inmail"}}
	refused := func(reason string) requestDecision { return requestDecision{decision: decision{false, nil, 0, reason}} }
	allowed := func(channel, reason string) requestDecision {
		return requestDecision{decision: decision{true, str(channel), 0, reason}}
	}
	group, alpha := &via{"group", id("golang"), "Go users"}, &via{"group", id("alpha"), "Alpha group"}
	acme := &via{"company", id("acme"), "Acme"}
	withVia := func(d requestDecision, v *via) requestDecision { d.Via = v; return d }
	cases := []struct {
		name  string
		setup []setup
		want  requestDecision
	}{
		{"SharedGroup", []setup{fellows}, withVia(request("shared_group"), group)},
		{"LowestGroupID", []setup{bothGroups}, withVia(request("shared_group"), alpha)},
		{"Coworker", []setup{at("acme", nil)}, withVia(request("coworker"), acme)},
		{"SharedGroupBeatsCoworker", []setup{fellows, at("acme", nil)}, withVia(request("shared_group"), group)},
		{"PastCoworkerIsNoBasis", []setup{at("acme", 2021)}, inmail},
		{"SchoolIsNoBasis", []setup{at("uni", nil)}, inmail},
		{"ConnectedBeatsRequest", []setup{fellows, connected}, allowed("message", "connected")},
		{"ThreadReplyBeatsRequest", []setup{fellows, theyWrote}, allowed("reply", "thread_reply")},
		{"RestrictedBeatsRequest", []setup{fellows, restricted}, refused("sender_restricted")},
		{"DeclinedRequest", []setup{fellows, declinedRequest}, refused("declined")},
		{"PendingRequest", []setup{fellows, pendingRequest}, refused("awaiting_reply")},
		{"AcceptedRequestOpensTheThread", []setup{fellows, acceptedRequest}, allowed("reply", "thread_reply")},
		{"RequestBeatsInMailOff", []setup{fellows, settings(map[string]any{"inmail": "off"})}, withVia(request("shared_group"), group)},
		{"RequestBeatsNetworkOnly", []setup{at("acme", nil), settings(map[string]any{"inmail": "network"})}, withVia(request("coworker"), acme)},
		{"RequestBeatsOpenProfile", []setup{fellows, settings(map[string]any{"openProfile": true})}, withVia(request("shared_group"), group)},
		{"RequestBeatsNoCredits", []setup{fellows, noCredits}, withVia(request("shared_group"), group)},
		{"RequestsOffThenInMail", []setup{fellows, settings(map[string]any{"messageRequests": false})}, inmail},
		{"RequestsOffThenInMailOff", []setup{fellows, settings(map[string]any{"messageRequests": false, "inmail": "off"})}, refused("recipient_inmail_off")},
		{"RequestsBackOn", []setup{fellows, settings(map[string]any{"messageRequests": false}), settings(map[string]any{"messageRequests": true})}, withVia(request("shared_group"), group)},
	}
	for i, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			me, them := id("me"+strconv.Itoa(i)), id("them"+strconv.Itoa(i))
			member(t, me, "Me")
			member(t, them, "Them")
			credits(t, me, 2)
			for _, s := range tc.setup {
				s(t, me, them)
			}
			before := creditsOf(t, me)
			res := send(t, me, them, "A message for the rule "+tc.name)
			if !tc.want.Allowed {
				if p := res.expectProblem(http.StatusForbidden); p.Reason != tc.want.Reason {
					t.Fatalf("send refused with reason %q, want %q", p.Reason, tc.want.Reason)
				}
				return
			}
			var s sentMessage
			res.expect(http.StatusCreated).into(&s)
			wantKind := map[string]string{"request": "request", "inmail": "inmail"}[*tc.want.Channel]
			if wantKind == "" {
				wantKind = "message"
			}
			if s.Kind != wantKind || s.Cost != tc.want.Cost || creditsOf(t, me) != before-tc.want.Cost {
				t.Fatalf("sent %+v, want kind %s at cost %d", s, wantKind, tc.want.Cost)
			}
			if wantKind != "request" {
				return
			}
			var m requestEntry
			as(t, me).get("/v1/messages/" + s.ID).expect(http.StatusOK).into(&m)
			if m.Kind != "request" || m.Status == nil || *m.Status != "pending" || fmt.Sprint(m.Via) != fmt.Sprint(tc.want.Via) {
				t.Fatalf("the request reads %+v (status %v, via %+v), want pending via %+v", m, deref2(m.Status), m.Via, tc.want.Via)
			}
		})
	}
}

// TestMessageRequestAnswers checks the requests box, accepting (by the route, or by replying) and
// declining a request, and who may do which.
func TestMessageRequestAnswers(t *testing.T) {
	id := ids(t)
	putGroup(t, id("guild"), "Guild")
	for _, m := range []string{"ann", "bob", "cat", "dan", "eve"} {
		member(t, id(m), m)
		join(t, id(m), id("guild"))
	}
	requestFrom := func(from, to string) string {
		var s sentMessage
		send(t, id(from), id(to), "Hello from "+from).expect(http.StatusCreated).into(&s)
		if s.Kind != "request" {
			t.Fatalf("%s → %s went as %s, want a request", from, to, s.Kind)
		}
		return s.ID
	}
	has := func(list []requestEntry, msg string) bool {
		for _, e := range list {
			if e.ID == msg {
				return true
			}
		}
		return false
	}
	accepted := requestFrom("ann", "bob")
	declined := requestFrom("cat", "bob")
	replied := requestFrom("dan", "bob")
	box := requestsBox(t, id("bob"), "requests")
	if len(box) != 3 || box[0].Via == nil || box[0].Via.ID != id("guild") || box[0].Via.Name != "Guild" {
		t.Fatalf("bob's requests box: %+v, want the three requests via the guild", box)
	}
	if inbox := requestsBox(t, id("bob"), "inbox"); has(inbox, accepted) || has(inbox, declined) {
		t.Fatalf("pending requests are in bob's inbox: %+v", inbox)
	}

	t.Run("OnlyTheRecipientAcceptsOnlyPendingRequests", func(t *testing.T) {
		if p := as(t, id("ann")).do(http.MethodPost, "/v1/messages/"+accepted+"/accept", nil).expectProblem(http.StatusForbidden); p.Detail == "" {
			t.Fatal("no detail")
		}
		as(t, id("eve")).do(http.MethodPost, "/v1/messages/"+accepted+"/accept", nil).expectProblem(http.StatusNotFound)
		as(t, id("bob")).do(http.MethodPost, "/v1/messages/nosuchmessage/accept", nil).expectProblem(http.StatusNotFound)
		connect(t, id("eve"), id("bob"))
		var plain sentMessage
		send(t, id("eve"), id("bob"), "A plain message").expect(http.StatusCreated).into(&plain)
		as(t, id("bob")).do(http.MethodPost, "/v1/messages/"+plain.ID+"/accept", nil).expectProblem(http.StatusUnprocessableEntity)
	})
	t.Run("Accept", func(t *testing.T) {
		var m requestEntry
		as(t, id("bob")).do(http.MethodPost, "/v1/messages/"+accepted+"/accept", nil).expect(http.StatusOK).into(&m)
		if m.Status == nil || *m.Status != "accepted" {
			t.Fatalf("accepted request reads %+v", m)
		}
		as(t, id("bob")).do(http.MethodPost, "/v1/messages/"+accepted+"/accept", nil).expectProblem(http.StatusConflict)
		as(t, id("bob")).do(http.MethodPost, "/v1/messages/"+accepted+"/decline", nil).expectProblem(http.StatusConflict)
		if has(requestsBox(t, id("bob"), "requests"), accepted) || !has(requestsBox(t, id("bob"), "inbox"), accepted) {
			t.Fatal("an accepted request must leave the requests box for the inbox")
		}
		var s sentMessage
		send(t, id("ann"), id("bob"), "Great, Tuesday?").expect(http.StatusCreated).into(&s)
		if s.Kind != "message" {
			t.Fatalf("after acceptance ann's message went as %s", s.Kind)
		}
	})
	t.Run("Decline", func(t *testing.T) {
		var m requestEntry
		as(t, id("bob")).do(http.MethodPost, "/v1/messages/"+declined+"/decline", map[string]any{"note": "No thanks"}).
			expect(http.StatusOK).into(&m)
		if m.Status == nil || *m.Status != "declined" {
			t.Fatalf("declined request reads %+v", m)
		}
		if has(requestsBox(t, id("bob"), "requests"), declined) || has(requestsBox(t, id("bob"), "inbox"), declined) {
			t.Fatal("a declined request must leave the requests box, and not reach the inbox")
		}
	})
	t.Run("ReplyAccepts", func(t *testing.T) {
		send(t, id("bob"), id("dan"), "Sure, let's talk").expect(http.StatusCreated)
		var m requestEntry
		as(t, id("dan")).get("/v1/messages/" + replied).expect(http.StatusOK).into(&m)
		if m.Status == nil || *m.Status != "accepted" {
			t.Fatalf("a request replied to reads %+v, want accepted", m)
		}
		if len(requestsBox(t, id("bob"), "requests")) != 0 {
			t.Fatal("bob's requests box is not empty")
		}
	})
	t.Run("BadBox", func(t *testing.T) {
		if p := as(t, id("bob")).get("/v1/inbox?box=spam").expectProblem(http.StatusBadRequest); p.Field != "box" {
			t.Fatalf("problem names %q, want box", p.Field)
		}
	})
}

// TestMessageRequestCap checks the monthly cap as sends count it: only requests count (not the
// replies and messages that follow an accepted one), two sends racing for the last request get it
// once, and a new month starts the count again. What the cap does to a decision is
// TestConformance's.
func TestMessageRequestCap(t *testing.T) {
	id := ids(t)
	putGroup(t, id("big"), "Big group")
	sender := id("sender")
	member(t, sender, "Sender")
	join(t, sender, id("big"))
	credits(t, sender, 0)
	fellows := make([]string, graph.DefaultRequestsMonthly+1)
	for i := range fellows {
		fellows[i] = id("fellow" + strconv.Itoa(i))
		member(t, fellows[i], "Fellow")
		join(t, fellows[i], id("big"))
	}
	left := func() int {
		var m struct {
			Left int `json:"messageRequestsLeft"`
		}
		as(t, sender).get("/v1/me").expect(http.StatusOK).into(&m)
		return m.Left
	}
	last := graph.DefaultRequestsMonthly - 1
	for i, f := range fellows[:last] {
		var s sentMessage
		send(t, sender, f, "Hello").expect(http.StatusCreated).into(&s)
		if i == 0 {
			// The first fellow accepts; what both write next is not a request and does not count.
			as(t, f).do(http.MethodPost, "/v1/messages/"+s.ID+"/accept", nil).expect(http.StatusOK)
			send(t, f, sender, "Hi back").expect(http.StatusCreated)
			send(t, sender, f, "Good to hear from you").expect(http.StatusCreated)
		}
	}
	if got := left(); got != 1 {
		t.Fatalf("%d requests left after %d, want 1", got, last)
	}
	// Two sends race for the last request: one goes, the other is refused (no credits).
	var wg sync.WaitGroup
	codes := make([]int, 2)
	for i := range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			codes[i] = send(t, sender, fellows[last+i], "Hello").Status
		}()
	}
	wg.Wait()
	if (codes[0] == http.StatusCreated) == (codes[1] == http.StatusCreated) {
		t.Fatalf("racing for the last request: %v, want one 201 and one 403", codes)
	}
	if got := left(); got != 0 {
		t.Fatalf("%d requests left past the cap", got)
	}
	// The next month counts from zero.
	now := env.clock.now().UTC()
	next := time.Date(now.Year(), now.Month()+1, 1, 0, 0, 1, 0, time.UTC)
	env.clock.advance(next.Sub(now))
	if got := left(); got != graph.DefaultRequestsMonthly {
		t.Fatalf("%d requests left in a new month, want %d", got, graph.DefaultRequestsMonthly)
	}
}

// TestMessageRequestsAcrossReplicas checks that another replica learns, from the change log,
// everything a request decision reads: a shared group, a pending request, an accepted one, and
// the messageRequests setting, answered with each write's token.
func TestMessageRequestsAcrossReplicas(t *testing.T) {
	writer, reader := startReplicas(t, 500*time.Millisecond)
	id := ids(t)
	write := func(tok, method, path string, body any, want int) call {
		t.Helper()
		c := writer.do(t, tok, method, path, body, nil)
		if c.Status != want {
			t.Fatalf("%s %s: %d %s, want %d", method, path, c.Status, c.Body, want)
		}
		return c
	}
	write(adminToken(t), http.MethodPut, "/v1/admin/groups/"+id("g"), map[string]any{"name": "Gophers"}, http.StatusCreated)
	for _, m := range []string{"ann", "bob", "cat"} {
		write(adminToken(t), http.MethodPut, "/v1/admin/members/"+id(m), map[string]any{"name": m}, http.StatusCreated)
		write(token(t, id(m)), http.MethodPut, "/v1/groups/"+id("g")+"/members/me", nil, http.StatusNoContent)
	}
	// readAfter asks the reader how from may message to, with the token of the write c.
	readAfter := func(c call, from, to string) string {
		t.Helper()
		path := "/v1/members/" + id(to) + "/reachability?consistency=at_least_as_fresh&token=" +
			url.QueryEscape(c.Header.Get("Consistency-Token"))
		got := reader.do(t, token(t, id(from)), http.MethodGet, path, nil, nil)
		var r struct{ Messaging decision }
		if got.Status != http.StatusOK || json.Unmarshal(got.Body, &r) != nil {
			t.Fatalf("GET %s: %d %s", path, got.Status, got.Body)
		}
		return r.Messaging.Reason
	}
	steps := []struct {
		name     string
		write    func() call
		from, to string
		want     string
	}{
		{"FellowMembers", func() call {
			return write(token(t, id("cat")), http.MethodPut, "/v1/groups/"+id("g")+"/members/me", nil, http.StatusNoContent)
		}, "ann", "bob", "shared_group"},
		{"PendingRequest", func() call {
			return write(token(t, id("ann")), http.MethodPost, "/v1/messages", map[string]any{"to": id("bob"), "body": "Hi"}, http.StatusCreated)
		}, "ann", "bob", "awaiting_reply"},
		{"Accepted", func() call {
			var list struct{ Items []requestEntry }
			c := writer.do(t, token(t, id("bob")), http.MethodGet, "/v1/inbox?box=requests", nil, nil)
			if err := json.Unmarshal(c.Body, &list); err != nil || len(list.Items) != 1 {
				t.Fatalf("bob's requests: %s", c.Body)
			}
			return write(token(t, id("bob")), http.MethodPost, "/v1/messages/"+list.Items[0].ID+"/accept", nil, http.StatusOK)
		}, "ann", "bob", "thread_reply"},
		{"RequestsOff", func() call {
			return write(token(t, id("cat")), http.MethodPatch, "/v1/me/settings", map[string]any{"messageRequests": false}, http.StatusOK)
		}, "ann", "cat", "no_credits"},
	}
	for _, s := range steps {
		if got := readAfter(s.write(), s.from, s.to); got != s.want {
			t.Errorf("%s: the reader answers %s → %s with %s, want %s", s.name, s.from, s.to, got, s.want)
		}
	}
}

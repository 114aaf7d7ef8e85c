package integration

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

// party is one side of a message: a member, or a former member with a null id.
type party struct {
	ID     *string `json:"id"`
	Name   string  `json:"name"`
	Former bool    `json:"former"`
}

// mailEntry is a mailbox entry, with the other side as the mailbox shows it.
type mailEntry struct {
	ID       string  `json:"id"`
	ThreadID string  `json:"threadId"`
	Preview  string  `json:"preview"`
	Status   *string `json:"status"`
	From     *party  `json:"from"`
	To       *party  `json:"to"`
	Degree   *int    `json:"degree"`
}

// mailEntries lists a member's inbox or sent box ("inbox" or "sent"), newest first.
func mailEntries(t *testing.T, who, box string) []mailEntry {
	t.Helper()
	var p struct {
		Items []mailEntry `json:"items"`
	}
	as(t, who).get("/v1/" + box + "?limit=100").expect(http.StatusOK).into(&p)
	return p.Items
}

// total is a page's total, -1 when it has none.
func total(p summaryPage) int {
	if p.Total == nil {
		return -1
	}
	return *p.Total
}

// expectFormer fails unless p is a former member as the contract shows one.
func expectFormer(t *testing.T, what string, p *party) {
	t.Helper()
	if p == nil || p.ID != nil || p.Name != "Former member" || !p.Former {
		t.Errorf("%s: %+v, want a former member (id null, name \"Former member\", former true)", what, p)
	}
}

// closedAccount is the account TestClosedAccountIsGoneEverywhere closes, with what it had.
type closedAccount struct {
	id                        func(string) string
	toA, fromA, inmailToX     delivered
	invitedD, invitedByE      string
	consistencyTokenOfClosure string
}

// TestClosedAccountIsGoneEverywhere closes an account that had everything (connections, messages
// both ways, a pending InMail, invitations both ways, blocks both ways, a report) and checks every
// route: the member is gone from degrees in every mode, mutual lists and counts, paths, search,
// connection and invitation lists; their messages stay with the others from a former member; the
// token is refused; closing again changes nothing; and the id created again starts clean.
func TestClosedAccountIsGoneEverywhere(t *testing.T) {
	acc := openAccountToClose(t)
	id := acc.id
	stream := openEvents(t, id("gone"))
	closing := as(t, id("gone")).do(http.MethodDelete, "/v1/me", nil).expect(http.StatusNoContent)
	acc.consistencyTokenOfClosure = closing.Header.Get("Consistency-Token")
	if acc.consistencyTokenOfClosure == "" {
		t.Fatal("closing answered no Consistency-Token")
	}

	t.Run("EventStreamEnds", func(t *testing.T) {
		select {
		case <-stream.ended:
		case <-time.After(5 * time.Second):
			t.Error("the closed member's event stream is still open")
		}
		res, err := streamRequest(t, id("gone"))
		if err != nil {
			t.Fatal(err)
		}
		contract.claim(t, res.Header.Get("X-Request-Id"))
		res.Body.Close()
		if res.StatusCode != http.StatusUnauthorized {
			t.Errorf("reconnecting the stream: %d, want 401", res.StatusCode)
		}
	})
	t.Run("TokenRefused", func(t *testing.T) {
		as(t, id("gone")).get("/v1/me").expectProblem(http.StatusUnauthorized)
		as(t, id("gone")).do(http.MethodDelete, "/v1/me", nil).expectProblem(http.StatusUnauthorized)
	})
	t.Run("ClosingAgainChangesNothing", func(t *testing.T) {
		admin(t).do(http.MethodDelete, "/v1/admin/members/"+id("gone"), nil).expect(http.StatusNoContent)
		admin(t).do(http.MethodDelete, "/v1/admin/members/"+id("never"), nil).expect(http.StatusNoContent)
		admin(t).do(http.MethodDelete, "/v1/admin/members/bad%20id", nil).expectProblem(http.StatusBadRequest)
	})
	t.Run("Degrees", func(t *testing.T) { expectGoneFromDegrees(t, acc) })
	t.Run("Lists", func(t *testing.T) { expectGoneFromLists(t, acc) })
	t.Run("MessagesStayFromFormerMember", func(t *testing.T) { expectMessagesKept(t, acc) })
	t.Run("CreatedAgainStartsClean", func(t *testing.T) { expectStartsClean(t, acc) })
}

// openAccountToClose makes "gone" with a bit of everything: connected to a, b and c (a and b
// share only gone), messages with a both ways, a pending InMail to x, an invitation to d and one
// from e, a block of f, blocked by g, a report of h.
func openAccountToClose(t *testing.T) closedAccount {
	t.Helper()
	id := ids(t)
	acc := closedAccount{id: id}
	network(t, id, [2]string{"gone", "a"}, [2]string{"gone", "b"}, [2]string{"gone", "c"}, [2]string{"a", "c"})
	for _, n := range []string{"x", "d", "e", "f", "g", "h"} {
		member(t, id(n), "Member "+n)
	}
	admin(t).do(http.MethodPut, "/v1/admin/members/"+id("gone"), map[string]any{"name": "Gone Person", "inmailCredits": 5}).expect(http.StatusOK)
	acc.toA = deliver(t, id("gone"), id("a"), "hello a")
	acc.fromA = deliver(t, id("a"), id("gone"), "hello gone")
	acc.inmailToX = deliver(t, id("gone"), id("x"), "an offer for x")
	if acc.inmailToX.Kind != "inmail" {
		t.Fatalf("the message to x went as %s, want an InMail", acc.inmailToX.Kind)
	}
	var inv struct {
		ID string `json:"id"`
	}
	as(t, id("gone")).do(http.MethodPost, "/v1/invitations", map[string]string{"to": id("d")}).expect(http.StatusCreated).into(&inv)
	acc.invitedD = inv.ID
	as(t, id("e")).do(http.MethodPost, "/v1/invitations", map[string]string{"to": id("gone")}).expect(http.StatusCreated).into(&inv)
	acc.invitedByE = inv.ID
	putBlock(t, id("gone"), id("f"))
	putBlock(t, id("g"), id("gone"))
	as(t, id("gone")).do(http.MethodPost, "/v1/reports", map[string]any{"member": id("h"), "reason": "spam"}).expect(http.StatusAccepted)
	putOrganisation(t, id("co"), "Closing Co", "company")
	putPositions(t, id("gone"), "Gone Person", map[string]any{"org": id("co"), "from": 2020})
	putPositions(t, id("a"), "A", map[string]any{"org": id("co"), "from": 2018})
	putGroup(t, id("club"), "Closing Club")
	join(t, id("gone"), id("club"))
	join(t, id("a"), id("club"))
	if sh := sharedOf(t, id("a"), id("gone"), "?consistency=fully_consistent"); sh.Companies.Total != 1 || sh.Groups.Total != 1 {
		t.Fatalf("before closing, a and gone share %+v, want a company and a group", sh)
	}
	if r := reachability(t, id("a"), id("b")); r.Label != "2nd" || r.MutualCount != 1 {
		t.Fatalf("before closing, a to b: %+v, want 2nd with one mutual connection", r)
	}
	return acc
}

func expectGoneFromDegrees(t *testing.T, acc closedAccount) {
	id := acc.id
	for _, mode := range []string{"", "?consistency=fully_consistent", "?consistency=at_least_as_fresh&token=" + url.QueryEscape(acc.consistencyTokenOfClosure)} {
		as(t, id("a")).get("/v1/members/" + id("gone") + "/reachability" + mode).expectProblem(http.StatusNotFound)
		var batch struct {
			Items []struct {
				ID    string `json:"id"`
				Found bool   `json:"found"`
			} `json:"items"`
		}
		as(t, id("a")).do(http.MethodPost, "/v1/members/reachability"+mode, map[string]any{"members": []string{id("gone"), id("c")}}).
			expect(http.StatusOK).into(&batch)
		if len(batch.Items) != 2 || batch.Items[0].Found || !batch.Items[1].Found {
			t.Errorf("batch reachability%s: %+v, want gone not found and c found", mode, batch.Items)
		}
		var r reach
		as(t, id("a")).get("/v1/members/" + id("b") + "/reachability" + mode).expect(http.StatusOK).into(&r)
		if r.Degree != nil || r.MutualCount != 0 {
			t.Errorf("a to b%s: %+v, want out of network with no mutual connections: they met only through gone", mode, r)
		}
	}
	as(t, id("a")).get("/v1/members/" + id("gone")).expectProblem(http.StatusNotFound)
	as(t, id("a")).get("/v1/members/" + id("gone") + "/path").expectProblem(http.StatusNotFound)
	as(t, id("a")).get("/v1/members/" + id("b") + "/path").expectProblem(http.StatusNotFound)
	as(t, id("a")).get("/v1/members/" + id("gone") + "/mutual-connections").expectProblem(http.StatusNotFound)
}

func expectGoneFromLists(t *testing.T, acc closedAccount) {
	id := acc.id
	var page summaryPage
	as(t, id("a")).get("/v1/groups/" + id("club") + "/members").expect(http.StatusOK).into(&page)
	if got := memberIDs(page.Items); !slices.Equal(got, []string{id("a")}) || total(page) != 1 {
		t.Errorf("the group's members: %d %v, want only a", total(page), got)
	}
	as(t, id("a")).get("/v1/members/" + id("c") + "/mutual-connections").expect(http.StatusOK).into(&page)
	if total(page) != 0 || len(page.Items) != 0 {
		t.Errorf("a and c's mutual connections: %d %v, want none (gone was the only one)", total(page), memberIDs(page.Items))
	}
	as(t, id("c")).get("/v1/members/" + id("c") + "/connections").expect(http.StatusOK).into(&page)
	if got := memberIDs(page.Items); !slices.Equal(got, []string{id("a")}) || total(page) != 1 {
		t.Errorf("c's connections: %d %v, want only a", total(page), got)
	}
	var found struct {
		Items []summary `json:"items"`
	}
	as(t, id("a")).get("/v1/members?q=" + url.QueryEscape("Gone Per")).expect(http.StatusOK).into(&found)
	for _, f := range found.Items {
		if f.ID == id("gone") {
			t.Error("search still finds the closed account")
		}
	}
	for who, box := range map[string]string{"d": "received", "e": "sent"} {
		var invs struct {
			Items []struct{ ID string } `json:"items"`
		}
		as(t, id(who)).get("/v1/invitations?box=" + box).expect(http.StatusOK).into(&invs)
		if len(invs.Items) != 0 {
			t.Errorf("%s's %s invitations: %+v, want none", who, box, invs.Items)
		}
	}
	as(t, id("e")).do(http.MethodDelete, "/v1/invitations/"+acc.invitedByE, nil).expectProblem(http.StatusNotFound)
	as(t, id("d")).do(http.MethodPost, "/v1/invitations/"+acc.invitedD+"/accept", nil).expectProblem(http.StatusNotFound)
	as(t, id("g")).get("/v1/blocks").expect(http.StatusOK).into(&found)
	if len(found.Items) != 0 {
		t.Errorf("g's blocks: %+v, want none", found.Items)
	}
}

func expectMessagesKept(t *testing.T, acc closedAccount) {
	id := acc.id
	inbox, sent := mailEntries(t, id("a"), "inbox"), mailEntries(t, id("a"), "sent")
	if len(inbox) != 1 || inbox[0].ID != acc.toA.ID || len(sent) != 1 || sent[0].ID != acc.fromA.ID {
		t.Fatalf("a's inbox %+v and sent box %+v, want the message from gone and the one to gone", inbox, sent)
	}
	expectFormer(t, "a's inbox: from", inbox[0].From)
	expectFormer(t, "a's sent box: to", sent[0].To)
	if !strings.HasPrefix(inbox[0].Preview, "Message from Former member: ") || inbox[0].Degree != nil {
		t.Errorf("a's inbox entry: preview %q, degree %v; want from Former member, out of network", inbox[0].Preview, inbox[0].Degree)
	}
	if inbox[0].ThreadID == acc.toA.ThreadID || sent[0].ThreadID != inbox[0].ThreadID {
		t.Errorf("threads after closing: %s and %s (was %s), want one new thread", inbox[0].ThreadID, sent[0].ThreadID, acc.toA.ThreadID)
	}
	var thread struct {
		Items []struct {
			ID   string `json:"id"`
			From party  `json:"from"`
			To   party  `json:"to"`
		} `json:"items"`
	}
	as(t, id("a")).get("/v1/threads/" + inbox[0].ThreadID).expect(http.StatusOK).into(&thread)
	if len(thread.Items) != 2 || thread.Items[0].ID != acc.toA.ID || thread.Items[1].ID != acc.fromA.ID {
		t.Fatalf("a's thread with the former member: %+v", thread.Items)
	}
	expectFormer(t, "thread: first message's sender", &thread.Items[0].From)
	expectFormer(t, "thread: reply's recipient", &thread.Items[1].To)
	as(t, id("a")).get("/v1/threads/" + acc.toA.ThreadID).expectProblem(http.StatusNotFound)
	var msg struct {
		From party `json:"from"`
	}
	as(t, id("a")).get("/v1/messages/" + acc.toA.ID).expect(http.StatusOK).into(&msg)
	expectFormer(t, "a's message from gone", &msg.From)

	xInbox := mailEntries(t, id("x"), "inbox")
	if len(xInbox) != 1 || xInbox[0].ID != acc.inmailToX.ID {
		t.Fatalf("x's inbox: %+v, want the InMail", xInbox)
	}
	expectFormer(t, "x's InMail: from", xInbox[0].From)
	as(t, id("x")).do(http.MethodPost, "/v1/messages/"+acc.inmailToX.ID+"/decline", nil).expectProblem(http.StatusConflict)
	as(t, id("a")).do(http.MethodDelete, "/v1/messages/"+acc.toA.ID, nil).expect(http.StatusNoContent)
	if inbox := mailEntries(t, id("a"), "inbox"); len(inbox) != 0 {
		t.Errorf("a deleted the former member's message, inbox still holds %+v", inbox)
	}
}

func expectStartsClean(t *testing.T, acc closedAccount) {
	id := acc.id
	admin(t).do(http.MethodPut, "/v1/admin/members/"+id("gone"), map[string]any{"name": "Gone Again"}).expect(http.StatusCreated)
	gone := as(t, id("gone"))
	var me struct {
		InMailCredits int `json:"inmailCredits"`
	}
	gone.get("/v1/me").expect(http.StatusOK).into(&me)
	if me.InMailCredits != 0 {
		t.Errorf("the new account has %d credits, want 0", me.InMailCredits)
	}
	var groups struct {
		Total int `json:"total"`
	}
	gone.get("/v1/me/groups").expect(http.StatusOK).into(&groups)
	if sh := sharedOf(t, id("a"), id("gone"), "?consistency=fully_consistent"); groups.Total != 0 || sh.Companies.Total+sh.Groups.Total != 0 {
		t.Errorf("the new account is in %d groups and shares %+v with a, want nothing", groups.Total, sh)
	}
	for _, box := range []string{"inbox", "sent"} {
		if m := mailEntries(t, id("gone"), box); len(m) != 0 {
			t.Errorf("the new account's %s: %+v, want empty", box, m)
		}
	}
	var page summaryPage
	gone.get("/v1/members/" + id("gone") + "/connections").expect(http.StatusOK).into(&page)
	if total(page) != 0 {
		t.Errorf("the new account has %d connections", total(page))
	}
	for _, path := range []string{"/v1/invitations?box=sent", "/v1/invitations?box=received", "/v1/blocks"} {
		var list struct {
			Items []any `json:"items"`
		}
		gone.get(path).expect(http.StatusOK).into(&list)
		if len(list.Items) != 0 {
			t.Errorf("the new account's %s: %v, want none", path, list.Items)
		}
	}
	for _, other := range []string{"a", "c", "g", "f"} {
		if r := reachability(t, id("gone"), id(other)); r.Degree != nil {
			t.Errorf("the new account stands %+v to %s, want out of network", r, other)
		}
	}
	var r struct {
		Messaging struct {
			Reason string `json:"reason"`
		} `json:"messaging"`
	}
	admin(t).do(http.MethodPut, "/v1/admin/members/"+id("gone"), map[string]any{"name": "Gone Again", "inmailCredits": 5}).expect(http.StatusOK)
	gone.get("/v1/members/" + id("x") + "/reachability?consistency=fully_consistent").expect(http.StatusOK).into(&r)
	if r.Messaging.Reason != "inmail" {
		t.Errorf("the new account to x: %s, want inmail (no InMail of theirs awaits an answer)", r.Messaging.Reason)
	}
	sent := deliver(t, id("gone"), id("a"), "hello again")
	var thread struct {
		Items []struct{ ID string } `json:"items"`
	}
	as(t, id("a")).get("/v1/threads/" + sent.ThreadID).expect(http.StatusOK).into(&thread)
	if len(thread.Items) != 1 || thread.Items[0].ID != sent.ID {
		t.Errorf("a's thread with the new account: %+v, want only the new message", thread.Items)
	}
}

// TestClosingWhileInUse closes an account while others send to it, invite it, connect to it and
// read about it, and it does the same to them. No request may fail with a 5xx; afterwards nothing
// of theirs is left attached to the id: created again, it has no messages, connections,
// invitations or blocks, and nobody stands connected to it.
func TestClosingWhileInUse(t *testing.T) {
	id := ids(t)
	others := []string{"o1", "o2", "o3", "o4"}
	var edges [][2]string
	for _, o := range others {
		edges = append(edges, [2]string{"victim", o})
	}
	network(t, id, edges...)
	for _, o := range []string{"p1", "p2", "p3", "p4"} {
		member(t, id(o), "Member "+o)
	}
	var (
		wg       sync.WaitGroup
		mu       sync.Mutex
		statuses = map[string]map[int]int{}
		stop     = make(chan struct{})
	)
	record := func(what string, status int) {
		mu.Lock()
		defer mu.Unlock()
		if statuses[what] == nil {
			statuses[what] = map[int]int{}
		}
		statuses[what][status]++
	}
	victim := id("victim")
	for i, o := range append(others, "p1", "p2", "p3", "p4") {
		wg.Go(func() {
			other := id(o)
			for n := 0; ; n++ {
				select {
				case <-stop:
					return
				default:
				}
				for what, r := range map[string]*response{
					"send to":       as(t, other).do(http.MethodPost, "/v1/messages", map[string]string{"to": victim, "body": fmt.Sprintf("to victim %d", n)}),
					"send from":     as(t, victim).do(http.MethodPost, "/v1/messages", map[string]string{"to": other, "body": fmt.Sprintf("from victim %d", n)}),
					"invite":        as(t, []string{other, victim}[n%2]).do(http.MethodPost, "/v1/invitations", map[string]string{"to": []string{victim, other}[n%2]}),
					"connect":       admin(t).do(http.MethodPost, "/v1/admin/connections", map[string]string{"a": victim, "b": other}),
					"reachability":  as(t, other).get("/v1/members/" + victim + "/reachability"),
					"mutual":        as(t, other).get("/v1/members/" + victim + "/mutual-connections"),
					"inbox":         as(t, victim).get("/v1/inbox"),
					"block":         as(t, victim).do([]string{http.MethodPut, http.MethodDelete}[n%2], "/v1/blocks/"+id(others[i%len(others)]), nil),
					"victim's list": as(t, other).get("/v1/members/" + victim + "/connections"),
				} {
					record(what, r.Status)
				}
			}
		})
	}
	time.Sleep(700 * time.Millisecond)
	admin(t).do(http.MethodDelete, "/v1/admin/members/"+victim, nil).expect(http.StatusNoContent)
	time.Sleep(700 * time.Millisecond)
	close(stop)
	wg.Wait()
	t.Logf("statuses by request: %v", statuses)
	for what, byStatus := range statuses {
		for status, n := range byStatus {
			if status >= 500 {
				t.Errorf("%s: %d answered %d", what, n, status)
			}
		}
	}
	admin(t).do(http.MethodPut, "/v1/admin/members/"+victim, map[string]any{"name": "Victim Again"}).expect(http.StatusCreated)
	for _, box := range []string{"inbox", "sent"} {
		if m := mailEntries(t, victim, box); len(m) != 0 {
			t.Errorf("the id created again has %d messages in its %s", len(m), box)
		}
	}
	var page summaryPage
	as(t, victim).get("/v1/members/" + victim + "/connections?consistency=fully_consistent").expect(http.StatusOK).into(&page)
	if total(page) != 0 {
		t.Errorf("the id created again has %d connections: %v", total(page), memberIDs(page.Items))
	}
	for _, path := range []string{"/v1/invitations?box=sent", "/v1/invitations?box=received", "/v1/blocks"} {
		var list struct {
			Items []any `json:"items"`
		}
		as(t, victim).get(path).expect(http.StatusOK).into(&list)
		if len(list.Items) != 0 {
			t.Errorf("the id created again: %s lists %v", path, list.Items)
		}
	}
	for _, o := range append(others, "p1") {
		for _, mode := range []string{"", "?consistency=fully_consistent"} {
			var r reach
			as(t, id(o)).get("/v1/members/" + victim + "/reachability" + mode).expect(http.StatusOK).into(&r)
			if r.Degree != nil {
				t.Errorf("%s stands %+v to the id created again%s, want out of network", o, r, mode)
			}
		}
	}
}

// TestClosedAccountLeavesEveryReplica closes an account through one reach process and checks
// that another stops answering the member at once when asked with the closure's consistency
// token, and within the staleness bound in the default mode, in which it answers from memory.
func TestClosedAccountLeavesEveryReplica(t *testing.T) {
	const bound = 500 * time.Millisecond
	writer, reader := startReplicas(t, bound)
	id := ids(t)
	for _, m := range []string{"asker", "gone", "asker2"} {
		if c := writer.do(t, adminToken(t), http.MethodPut, "/v1/admin/members/"+id(m), map[string]any{"name": m}, nil); c.Status != http.StatusCreated {
			t.Fatalf("create %s: %d %s", m, c.Status, c.Body)
		}
	}
	for _, m := range []string{"asker", "asker2"} {
		if c := writer.do(t, adminToken(t), http.MethodPost, "/v1/admin/connections", map[string]string{"a": id(m), "b": id("gone")}, nil); c.Status != http.StatusNoContent {
			t.Fatalf("connect: %d %s", c.Status, c.Body)
		}
	}
	path := "/v1/members/" + id("gone") + "/reachability"
	for start := time.Now(); ; time.Sleep(10 * time.Millisecond) {
		if c := reader.do(t, token(t, id("asker")), http.MethodGet, path, nil, nil); c.Status == http.StatusOK && strings.Contains(string(c.Body), `"1st"`) {
			break
		}
		if time.Since(start) > 2*bound {
			t.Fatal("the reader never saw the connection")
		}
	}
	closing := writer.do(t, adminToken(t), http.MethodDelete, "/v1/admin/members/"+id("gone"), nil, nil)
	closed := time.Now()
	if closing.Status != http.StatusNoContent {
		t.Fatalf("close: %d %s", closing.Status, closing.Body)
	}
	fresh := reader.do(t, token(t, id("asker")), http.MethodGet, path+"?token="+url.QueryEscape(closing.Header.Get("Consistency-Token")), nil, nil)
	if fresh.Status != http.StatusNotFound {
		t.Errorf("with the closure's token the reader answered %d %s, want 404 at once", fresh.Status, fresh.Body)
	}
	for {
		c := reader.do(t, token(t, id("asker2")), http.MethodGet, path, nil, nil)
		if c.Status == http.StatusNotFound {
			t.Logf("the reader's default answer dropped the member %s after the closure", time.Since(closed).Round(time.Millisecond))
			break
		}
		if time.Since(closed) > bound {
			t.Fatalf("%s after the closure the reader still answers %d %s", bound, c.Status, c.Body)
		}
		time.Sleep(5 * time.Millisecond)
	}
	if c := reader.do(t, token(t, id("asker")), http.MethodGet, "/v1/members/"+id("asker2")+"/reachability", nil, nil); !strings.Contains(string(c.Body), `"degree":null`) {
		t.Errorf("the two who met through the closed member: %d %s, want out of network", c.Status, c.Body)
	}
}

// TestClosingAnswersWhatWaitsForTheMember checks what closing does to messages that wait for the
// member's answer: a pending InMail gives its sender the credit back (one already answered does
// not, again), and the member's pending message request leaves the recipient's requests box.
func TestClosingAnswersWhatWaitsForTheMember(t *testing.T) {
	id := ids(t)
	putGroup(t, id("club"), "Club")
	for _, m := range []string{"gone", "pending", "answered", "fellow"} {
		member(t, id(m), "Member "+m)
	}
	join(t, id("gone"), id("club"))
	join(t, id("fellow"), id("club"))
	credits(t, id("pending"), 3)
	credits(t, id("answered"), 3)
	deliver(t, id("pending"), id("gone"), "an offer")
	deliver(t, id("answered"), id("gone"), "another offer")
	deliver(t, id("gone"), id("answered"), "thanks, no") // the reply gives the credit back
	if r := deliver(t, id("gone"), id("fellow"), "hello, fellow member"); r.Kind != "request" {
		t.Fatalf("gone → fellow went as %s, want a request", r.Kind)
	}
	if got := creditsOf(t, id("pending")); got != 2 {
		t.Fatalf("pending has %d credits before the closure, want 2", got)
	}
	as(t, id("gone")).do(http.MethodDelete, "/v1/me", nil).expect(http.StatusNoContent)
	for who, want := range map[string]int{"pending": 3, "answered": 3} {
		if got := creditsOf(t, id(who)); got != want {
			t.Errorf("%s has %d credits after the closure, want %d", who, got, want)
		}
	}
	if box := requestsBox(t, id("fellow"), "requests"); len(box) != 0 {
		t.Errorf("fellow's requests box still lists %+v", box)
	}
}

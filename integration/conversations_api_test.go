package integration

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"sync"
	"testing"

	"github.com/reach-network/reach/graph"
)

// conversationRow is a row of GET /v1/conversations.
type conversationRow struct {
	ID   string `json:"id"`
	With struct {
		ID     *string `json:"id"`
		Name   string  `json:"name"`
		Former bool    `json:"former"`
		Label  string  `json:"label"`
	} `json:"with"`
	LastMessage struct {
		ID      string `json:"id"`
		Preview string `json:"preview"`
	} `json:"lastMessage"`
	UnreadCount int    `json:"unreadCount"`
	Kind        string `json:"kind"`
	Box         string `json:"box"`
	Archived    bool   `json:"archived"`
	Muted       bool   `json:"muted"`
	Reply       struct {
		Allowed bool   `json:"allowed"`
		Reason  string `json:"reason"`
	} `json:"reply"`
	Messages *struct {
		Items []struct {
			ID             string `json:"id"`
			ConversationID string `json:"conversationId"`
		} `json:"items"`
		NextCursor string `json:"nextCursor"`
	} `json:"messages"`
}

type conversationPage struct {
	Items      []conversationRow `json:"items"`
	NextCursor string            `json:"nextCursor"`
}

// conversations reads one page of a member's box.
func conversations(t *testing.T, member, query string) conversationPage {
	t.Helper()
	var p conversationPage
	as(t, member).get("/v1/conversations?" + query).expect(http.StatusOK).into(&p)
	return p
}

// patchConversation changes a member's side of a conversation and answers the row.
func patchConversation(t *testing.T, member, id string, change map[string]any) conversationRow {
	t.Helper()
	var row conversationRow
	as(t, member).do(http.MethodPatch, "/v1/conversations/"+id, change).expect(http.StatusOK).into(&row)
	return row
}

// sendTo sends a message and answers its id and the conversation it went to.
func sendTo(t *testing.T, from, to, body string) (id, conversation string) {
	t.Helper()
	var sent struct {
		ID             string `json:"id"`
		ConversationID string `json:"conversationId"`
	}
	send(t, from, to, body).expect(http.StatusCreated).into(&sent)
	return sent.ID, sent.ConversationID
}

// TestConversationsAPI walks one conversation through the routes: listed once however many
// messages, its unread count kept, paged messages newest first, read up to a message, marked
// unread, archived and unarchived by a new message, muted, and a request in the requests box.
func TestConversationsAPI(t *testing.T) {
	id := ids(t)
	network(t, id, [2]string{"jane", "bob"})
	jane, bob := id("jane"), id("bob")
	first, conv := sendTo(t, bob, jane, "Lunch on Friday?")
	second, _ := sendTo(t, bob, jane, "Or Monday.")
	if conv != graph.ThreadID(bob, jane) {
		t.Fatalf("the send answered conversation %q, want %q", conv, graph.ThreadID(bob, jane))
	}
	p := conversations(t, jane, "")
	if len(p.Items) != 1 || p.Items[0].ID != conv || p.Items[0].UnreadCount != 2 || p.Items[0].LastMessage.ID != second ||
		p.Items[0].Kind != "conversation" || p.Items[0].Box != "inbox" || !p.Items[0].Reply.Allowed ||
		p.Items[0].LastMessage.Preview != "Message from Bob: Or Monday." || *p.Items[0].With.ID != bob {
		t.Fatalf("jane's inbox: %+v", p.Items)
	}
	var one conversationRow
	as(t, jane).get("/v1/conversations/" + conv + "?limit=1").expect(http.StatusOK).into(&one)
	if one.Messages == nil || len(one.Messages.Items) != 1 || one.Messages.Items[0].ID != second || one.Messages.NextCursor == "" ||
		one.Messages.Items[0].ConversationID != conv {
		t.Fatalf("the conversation's first page: %+v", one.Messages)
	}
	var two conversationRow
	as(t, jane).get("/v1/conversations/" + conv + "?limit=1&cursor=" + url.QueryEscape(one.Messages.NextCursor)).expect(http.StatusOK).into(&two)
	if two.Messages == nil || len(two.Messages.Items) != 1 || two.Messages.Items[0].ID != first || two.Messages.NextCursor != "" {
		t.Fatalf("the conversation's second page: %+v", two.Messages)
	}

	if row := patchConversation(t, jane, conv, map[string]any{"readUpTo": first}); row.UnreadCount != 1 {
		t.Errorf("read up to the first message: unread %d, want 1", row.UnreadCount)
	}
	if row := patchConversation(t, jane, conv, map[string]any{"readUpTo": second}); row.UnreadCount != 0 {
		t.Errorf("read up to the second: unread %d, want 0", row.UnreadCount)
	}
	if row := patchConversation(t, jane, conv, map[string]any{"unread": true}); row.UnreadCount != 1 {
		t.Errorf("marked unread: unread %d, want 1", row.UnreadCount)
	}
	if row := patchConversation(t, jane, conv, map[string]any{"unread": true}); row.UnreadCount != 1 {
		t.Errorf("marked unread twice: unread %d, want 1 (idempotent)", row.UnreadCount)
	}
	if got := conversations(t, jane, "unread=true"); len(got.Items) != 1 {
		t.Errorf("unread=true lists %d, want 1", len(got.Items))
	}

	if row := patchConversation(t, jane, conv, map[string]any{"archived": true}); !row.Archived || row.Box != "archived" {
		t.Errorf("archived: %+v", row)
	}
	if len(conversations(t, jane, "").Items) != 0 || len(conversations(t, jane, "box=archived").Items) != 1 {
		t.Errorf("an archived conversation is still in the inbox, or not in archived")
	}
	if len(conversations(t, bob, "").Items) != 1 {
		t.Errorf("jane's archive moved bob's side")
	}
	sendTo(t, bob, jane, "Still on?")
	if p := conversations(t, jane, ""); len(p.Items) != 1 || p.Items[0].Archived || p.Items[0].UnreadCount != 2 {
		t.Errorf("a new message did not unarchive the conversation: %+v", p.Items)
	}
	if row := patchConversation(t, jane, conv, map[string]any{"muted": true, "archived": false}); !row.Muted || row.Archived {
		t.Errorf("muted: %+v", row)
	}
	sendTo(t, bob, jane, "Hello?")
	if p := conversations(t, jane, ""); len(p.Items) != 1 || !p.Items[0].Muted || p.Items[0].UnreadCount != 3 {
		t.Errorf("a muted conversation still gets its messages: %+v", p.Items)
	}
}

// TestConversationRequestsBox checks that a message request's conversation waits in the requests
// box until accepted, then moves to the inbox, and that a declined one leaves every box.
func TestConversationRequestsBox(t *testing.T) {
	id := ids(t)
	putGroup(t, id("club"), "Club")
	for _, m := range []string{"ann", "bob", "cat"} {
		member(t, id(m), "Member "+m)
		join(t, id(m), id("club"))
	}
	request, conv := sendTo(t, id("ann"), id("bob"), "Hello from the club.")
	if p := conversations(t, id("bob"), "box=requests"); len(p.Items) != 1 || p.Items[0].Kind != "request" || p.Items[0].ID != conv {
		t.Fatalf("bob's requests box: %+v", p.Items)
	}
	if len(conversations(t, id("bob"), "").Items) != 0 {
		t.Fatalf("a request not yet accepted is in the inbox")
	}
	as(t, id("bob")).do(http.MethodPost, "/v1/messages/"+request+"/accept", nil).expect(http.StatusOK)
	if p := conversations(t, id("bob"), ""); len(p.Items) != 1 || p.Items[0].Kind != "conversation" || p.Items[0].UnreadCount != 0 {
		t.Fatalf("bob's inbox after accepting: %+v", p.Items)
	}
	declined, _ := sendTo(t, id("cat"), id("bob"), "Hi from cat.")
	as(t, id("bob")).do(http.MethodPost, "/v1/messages/"+declined+"/decline", nil).expect(http.StatusOK)
	for _, box := range []string{"inbox", "requests", "other", "archived"} {
		for _, row := range conversations(t, id("bob"), "box="+box).Items {
			if *row.With.ID == id("cat") {
				t.Errorf("a declined request's conversation is in %s", box)
			}
		}
	}
	if p := conversations(t, id("cat"), ""); len(p.Items) != 1 || p.Items[0].Reply.Allowed {
		t.Errorf("cat's side of a declined request: %+v", p.Items)
	}
}

// TestConversationsHideBlocks checks that a block hides the conversation both ways, from the lists
// and by id, as if it did not exist.
func TestConversationsHideBlocks(t *testing.T) {
	id := ids(t)
	network(t, id, [2]string{"ann", "bob"})
	_, conv := sendTo(t, id("ann"), id("bob"), "Hi Bob.")
	as(t, id("bob")).do(http.MethodPut, "/v1/blocks/"+id("ann"), nil).expect(http.StatusNoContent)
	for _, m := range []string{"ann", "bob"} {
		if p := conversations(t, id(m), ""); len(p.Items) != 0 {
			t.Errorf("%s still lists the conversation: %+v", m, p.Items)
		}
		as(t, id(m)).get("/v1/conversations/" + conv).expectProblem(http.StatusNotFound)
	}
}

// TestConversationBadInput checks each bad parameter gets a 400 naming it, a readUpTo that is no
// message of the conversation a 422 naming it, and someone else's conversation a 404 as if it did
// not exist.
func TestConversationBadInput(t *testing.T) {
	id := ids(t)
	network(t, id, [2]string{"ann", "bob"})
	member(t, id("eve"), "Eve")
	first, conv := sendTo(t, id("ann"), id("bob"), "Hi Bob.")
	_, elsewhere := sendTo(t, id("bob"), id("ann"), "Hi Ann.")
	_ = elsewhere
	for _, c := range []struct{ path, field string }{
		{"/v1/conversations?box=spam", "box"},
		{"/v1/conversations?kind=chat", "kind"},
		{"/v1/conversations?unread=maybe", "unread"},
		{"/v1/conversations?cursor=not-a-cursor", "cursor"},
		{"/v1/conversations/" + conv + "?cursor=not-a-cursor", "cursor"},
		{"/v1/conversations/not%20an%20id", "id"},
	} {
		if p := as(t, id("ann")).get(c.path).expectProblem(http.StatusBadRequest); p.Field != c.field {
			t.Errorf("%s: field %q, want %q", c.path, p.Field, c.field)
		}
	}
	for _, c := range []struct {
		body  map[string]any
		field string
	}{
		{map[string]any{"archive": true}, "archive"},
		{map[string]any{"box": "other"}, "box"},
		{map[string]any{"unread": false}, "unread"},
		{map[string]any{}, "body"},
	} {
		if p := as(t, id("ann")).do(http.MethodPatch, "/v1/conversations/"+conv, c.body).expectProblem(http.StatusBadRequest); p.Field != c.field {
			t.Errorf("PATCH %v: field %q, want %q", c.body, p.Field, c.field)
		}
	}
	if p := as(t, id("ann")).do(http.MethodPatch, "/v1/conversations/"+conv, map[string]any{"readUpTo": "NOSUCHMESSAGE"}).
		expectProblem(http.StatusUnprocessableEntity); p.Field != "readUpTo" {
		t.Errorf("readUpTo naming no message of the conversation: field %q", p.Field)
	}
	as(t, id("eve")).get("/v1/conversations/" + conv).expectProblem(http.StatusNotFound)
	as(t, id("eve")).do(http.MethodPatch, "/v1/conversations/"+conv, map[string]any{"readUpTo": first}).expectProblem(http.StatusNotFound)
	as(t, id("ann")).get("/v1/conversations/" + graph.ThreadID(id("ann"), id("eve"))).expectProblem(http.StatusNotFound)
}

// TestConversationPagingUnderSends pages through a member's conversations while others write to
// them: no conversation is listed twice, and every conversation that had no new message during
// the paging is listed (one that had moves ahead of the pages already read, as in every list
// ordered by activity).
func TestConversationPagingUnderSends(t *testing.T) {
	id := ids(t)
	const writers = 24
	hub := id("hub")
	member(t, hub, "Hub")
	var all []string
	for i := range writers {
		w := id(fmt.Sprintf("w%d", i))
		member(t, w, fmt.Sprintf("Writer %d", i))
		connect(t, hub, w)
		_, conv := sendTo(t, w, hub, "first")
		all = append(all, conv)
	}
	touched := make(chan string, writers)
	var wg sync.WaitGroup
	wg.Go(func() {
		for i := 0; i < writers; i += 3 {
			_, conv := sendTo(t, id(fmt.Sprintf("w%d", i)), hub, "again")
			touched <- conv
		}
	})
	seen := map[string]int{}
	for cursor := ""; ; {
		p := conversations(t, hub, "limit=5&cursor="+url.QueryEscape(cursor))
		for _, row := range p.Items {
			seen[row.ID]++
		}
		if cursor = p.NextCursor; cursor == "" {
			break
		}
	}
	wg.Wait()
	close(touched)
	moved := map[string]bool{}
	for c := range touched {
		moved[c] = true
	}
	for _, c := range all {
		switch {
		case seen[c] > 1:
			t.Errorf("conversation %s listed %d times", c, seen[c])
		case seen[c] == 0 && !moved[c]:
			t.Errorf("conversation %s, untouched, was skipped", c)
		}
	}
	if len(seen) < writers-len(moved) {
		t.Errorf("listed %d of %d conversations", len(seen), writers)
	}
}

// TestConversationRaces has two devices mark read and unread at once, and a send race an archive,
// then checks every side against the rebuild from its messages (checkSidesAgainstRebuild): the
// unread count equals the messages unread, and the archive and the box key agree.
func TestConversationRaces(t *testing.T) {
	id := ids(t)
	network(t, id, [2]string{"ann", "bob"})
	ann, bob := id("ann"), id("bob")
	var messages []string
	for i := range 6 {
		m, _ := sendTo(t, bob, ann, fmt.Sprintf("note %d", i))
		messages = append(messages, m)
	}
	conv := graph.ThreadID(ann, bob)
	var wg sync.WaitGroup
	for device := range 2 {
		wg.Go(func() {
			for i := range 12 {
				change := map[string]any{"unread": true}
				if (i+device)%2 == 0 {
					change = map[string]any{"readUpTo": messages[(i*5+device)%len(messages)]}
				}
				as(t, ann).do(http.MethodPatch, "/v1/conversations/"+conv, change).expect(http.StatusOK)
			}
		})
	}
	wg.Go(func() {
		for i := range 8 {
			as(t, ann).do(http.MethodPatch, "/v1/conversations/"+conv, map[string]any{"archived": i%2 == 0}).expect(http.StatusOK)
		}
	})
	wg.Go(func() {
		for i := range 8 {
			sendTo(t, bob, ann, fmt.Sprintf("race %d", i))
		}
	})
	wg.Wait()
	checkSidesAgainstRebuild(t, []any{conv}, 2)
	p := conversations(t, ann, "box=archived")
	q := conversations(t, ann, "")
	if len(p.Items)+len(q.Items) != 1 || slices.ContainsFunc(append(p.Items, q.Items...), func(r conversationRow) bool { return r.ID != conv }) {
		t.Errorf("the conversation is listed %d times in archived and %d in the inbox, want once", len(p.Items), len(q.Items))
	}
}

// TestBlastLandsInOther has a member InMail the same body to five members: the first three find
// it in their inbox, the fourth and fifth in Other (the blast limit refuses only the eleventh).
// Moving it out of Other ("not spam") puts it in the inbox.
func TestBlastLandsInOther(t *testing.T) {
	id := ids(t)
	member(t, id("spam"), "Spam Sender")
	credits(t, id("spam"), 20)
	var convs []string
	for i := range 5 {
		to := id(fmt.Sprintf("to%d", i))
		member(t, to, fmt.Sprintf("Target %d", i))
		_, conv := sendTo(t, id("spam"), to, "Great opportunity, reply now!")
		convs = append(convs, conv)
	}
	for i, conv := range convs {
		to := id(fmt.Sprintf("to%d", i))
		want := "inbox"
		if i >= 3 {
			want = "other"
		}
		p := conversations(t, to, "box="+want)
		if len(p.Items) != 1 || p.Items[0].ID != conv || p.Items[0].Kind != "inmail" {
			t.Errorf("recipient %d: box %s holds %+v, want the InMail", i, want, p.Items)
		}
	}
	last := id("to4")
	if row := patchConversation(t, last, convs[4], map[string]any{"box": "inbox"}); row.Box != "inbox" {
		t.Errorf("not spam: box %q, want inbox", row.Box)
	}
	if p, q := conversations(t, last, ""), conversations(t, last, "box=other"); len(p.Items) != 1 || len(q.Items) != 0 {
		t.Errorf("after not spam, the inbox holds %+v and Other %+v", p.Items, q.Items)
	}
}

// TestConversationEvents has Ann's two devices listen while one of them archives and mutes her
// conversation with Bob: the other hears each change with the side as it is after it; Bob hears
// nothing of it; and Bob's next message, in a conversation Ann muted, sends her no event.
func TestConversationEvents(t *testing.T) {
	id := ids(t)
	network(t, id, [2]string{"ann", "bob"})
	ann, bob := id("ann"), id("bob")
	_, conv := sendTo(t, bob, ann, "Hello Ann.")
	device, bobs := openEvents(t, ann), openEvents(t, bob)
	patchConversation(t, ann, conv, map[string]any{"archived": true})
	if e := device.next(); e.Type != "conversation_archived" || e.Data["id"] != conv || e.Data["archived"] != true || e.Data["box"] != "archived" {
		t.Errorf("archive event %s %v", e.Type, e.Data)
	}
	patchConversation(t, ann, conv, map[string]any{"muted": true})
	if e := device.next(); e.Type != "conversation_muted" || e.Data["muted"] != true {
		t.Errorf("mute event %s %v", e.Type, e.Data)
	}
	patchConversation(t, ann, conv, map[string]any{"muted": true}) // no change, no event
	sendTo(t, bob, ann, "Still there?")
	device.quiet()
	bobs.quiet()
	patchConversation(t, ann, conv, map[string]any{"muted": false})
	if e := device.next(); e.Type != "conversation_muted" || e.Data["muted"] != false {
		t.Errorf("unmute event %s %v", e.Type, e.Data)
	}
	sendTo(t, bob, ann, "Hello again.")
	if e := device.next(); e.Type != "message" || e.Data["conversationId"] != conv || e.Data["box"] != "inbox" {
		t.Errorf("message event once unmuted %s %v", e.Type, e.Data)
	}
}

// TestConversationWithFormerMember checks that a member who closes their account leaves their
// conversations to the others as with "Former member", whom nobody can write to.
func TestConversationWithFormerMember(t *testing.T) {
	id := ids(t)
	network(t, id, [2]string{"ann", "bob"})
	sendTo(t, id("ann"), id("bob"), "Goodbye, Bob.")
	as(t, id("ann")).do(http.MethodDelete, "/v1/me", nil).expect(http.StatusNoContent)
	p := conversations(t, id("bob"), "consistency=fully_consistent") // a default read may be a moment behind Ann's closure
	if len(p.Items) != 1 || !p.Items[0].With.Former || p.Items[0].With.ID != nil || p.Items[0].With.Name != graph.FormerMemberName ||
		p.Items[0].Reply.Allowed || p.Items[0].Reply.Reason != "closed" || p.Items[0].UnreadCount != 1 {
		t.Fatalf("bob's conversation with the closed account: %+v", p.Items)
	}
	var one conversationRow
	as(t, id("bob")).get("/v1/conversations/" + p.Items[0].ID).expect(http.StatusOK).into(&one)
	if one.Messages == nil || len(one.Messages.Items) != 1 {
		t.Errorf("the conversation's messages: %+v", one.Messages)
	}
	if row := patchConversation(t, id("bob"), p.Items[0].ID, map[string]any{"readUpTo": one.Messages.Items[0].ID}); row.UnreadCount != 0 {
		t.Errorf("read: unread %d", row.UnreadCount)
	}
}

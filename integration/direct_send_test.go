package integration

import (
	"context"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/reach-network/reach/graph"
)

// TestSendsDecidedFromMemory checks that a replica decides a send between members its memory holds
// as connected from that memory, and writes it with one guarded statement
// (reach_sends_direct_total), once its projection has applied their connection, and that the
// message is then written as the transaction's way writes it: in the conversation, free, the
// credits as they were.
func TestSendsDecidedFromMemory(t *testing.T) {
	id := ids(t)
	a, b := id("a"), id("b")
	member(t, a, "Ada")
	member(t, b, "Bea")
	connect(t, a, b)
	ctx := context.Background()
	var sent graph.Sent
	for start := time.Now(); ; {
		before := env.store.SendStats().Direct
		var err error
		if sent, err = env.store.Send(ctx, a, graph.Draft{To: b, Body: fmt.Sprint("hello ", time.Now().UnixNano())}, ""); err != nil {
			t.Fatal(err)
		}
		if env.store.SendStats().Direct > before {
			break
		}
		if time.Since(start) > 10*time.Second {
			t.Fatal("no send between connected members went the direct way in 10 s: memory never knew them")
		}
		time.Sleep(100 * time.Millisecond)
	}
	if sent.Kind != graph.KindMessage || sent.Cost != 0 || sent.RecipientBox != graph.BoxInbox || sent.ThreadID != graph.ThreadID(a, b) {
		t.Errorf("sent %+v; want a free message filed in the inbox of their conversation", sent)
	}
	conv, page, err := env.store.Conversation(ctx, b, sent.ThreadID, graph.PageRequest{Limit: 50})
	if err != nil {
		t.Fatal(err)
	}
	if len(page.Items) == 0 || page.Items[0].ID != sent.ID || conv.UnreadCount != len(page.Items) {
		t.Errorf("b's conversation: %d messages, the newest %v, %d unread; want the send newest, every message unread",
			len(page.Items), firstID(page.Items), conv.UnreadCount)
	}
}

// firstID is the id of the first message, or "" for none.
func firstID(items []graph.Message) string {
	if len(items) == 0 {
		return ""
	}
	return items[0].ID
}

// TestSendsRefusedFromMemory checks that a replica answers a send its memory says the rules
// refuse (here a second InMail to a member who has not answered the first) with no statement to
// Neo4j (reach_sends_refused_known_total), once its projection knows both members, and with the
// answer Neo4j's way gives the same send; that a send with an Idempotency-Key, or asking to be at
// least as fresh as a write, still goes to Neo4j; and that a retry of a send written with the
// last credit finds its first answer, though memory now says the rules refuse it.
func TestSendsRefusedFromMemory(t *testing.T) {
	id := ids(t)
	from, to := id("from"), id("to")
	mailMember(t, from, "Frida", map[string]any{"inmailCredits": 1})
	member(t, to, "Tomas")
	inmail := map[string]any{"to": to, "body": "about the role"}
	key := http.Header{"Idempotency-Key": {id("key")}}
	var first mailSent
	written := as(t, from).send(http.MethodPost, "/v1/messages", inmail, key).expect(http.StatusCreated)
	written.into(&first)

	refused := func(header http.Header) (problem, graph.SendStats) {
		t.Helper()
		before := env.store.SendStats()
		p := as(t, from).send(http.MethodPost, "/v1/messages", inmail, header).expectProblem(http.StatusForbidden)
		after := env.store.SendStats()
		return p, graph.SendStats{Refused: after.Refused - before.Refused, Sends: after.Sends - before.Sends}
	}
	var fromMemory problem
	for start := time.Now(); ; time.Sleep(50 * time.Millisecond) {
		p, ran := refused(nil)
		if ran.Refused == 1 && ran.Sends == 0 {
			fromMemory = p
			break
		}
		if time.Since(start) > 10*time.Second {
			t.Fatal("no refused send was answered from memory in 10 s: memory never knew the first InMail")
		}
	}
	for _, ask := range []struct {
		name   string
		header http.Header
	}{
		{"with an Idempotency-Key", http.Header{"Idempotency-Key": {id("other")}}},
		{"at least as fresh as a write", http.Header{"Consistency-Token": {written.Header.Get("Consistency-Token")}}},
	} {
		p, ran := refused(ask.header)
		if ran.Refused != 0 || ran.Sends != 1 {
			t.Errorf("a send %s: %d refused from memory, %d in transactions; want Neo4j to decide it", ask.name, ran.Refused, ran.Sends)
		}
		if p != fromMemory {
			t.Errorf("a send %s was refused %+v; from memory %+v", ask.name, p, fromMemory)
		}
	}
	if fromMemory.Reason != string(graph.ReasonAwaitingReply) {
		t.Errorf("refused %+v; want awaiting a reply", fromMemory)
	}
	var again mailSent
	as(t, from).send(http.MethodPost, "/v1/messages", inmail, key).expect(http.StatusCreated).into(&again)
	if again.ID != first.ID {
		t.Errorf("the retry with the first send's key answered %s, want its first answer %s", again.ID, first.ID)
	}
}

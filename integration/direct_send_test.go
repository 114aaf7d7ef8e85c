package integration

import (
	"context"
	"fmt"
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

package integration

import (
	"context"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/reach-network/reach/graph"
	"github.com/reach-network/reach/graph/answer"
)

// TestConversationPagesFromMemoryAreNeo4js runs random writes to conversations from several
// goroutines at once: sends (bodies long and short, with characters outside the Basic
// Multilingual Plane), reads, answers, deletions, archives, mutes, marks read and unread, moves
// out of Other, blocks and unblocks, a tenth of them abandoned by a deadline of a few milliseconds
// (often mid-transaction), while a member who wrote to one of them closes their account. Then it
// pages every member's every box with every filter, a few rows at a time, from memory and from
// Neo4j: every page must be the same, rows, standings and cursors. The member who wrote with the
// closed account is answered from Neo4j (projection.ErrUnheld), every other from memory. A replica
// loaded afresh, and one started from that replica's snapshot, answer the same from memory, the
// conversation with the former member included.
func TestConversationPagesFromMemoryAreNeo4js(t *testing.T) {
	id, active := sidesNetwork(t)
	sendTo(t, id("gone"), id("p2"), "Before I go.")
	sendTo(t, id("p2"), id("gone"), "Where to?")
	var wg sync.WaitGroup
	wg.Go(func() {
		time.Sleep(300 * time.Millisecond)
		if _, err := env.store.CloseAccount(context.Background(), id("gone")); err != nil {
			t.Errorf("close: %v", err)
		}
	})
	sideOps(t, id, active, 4, 150, 7)
	wg.Wait()

	neo4j := storeWithoutProjection(t)
	rows := 0
	for _, who := range active {
		fromMemory := who != "p2" // p2's conversation with gone was renamed by the closure
		rows += samePages(t, env.store, neo4j, id(who), fromMemory)
	}
	if rows < 40 {
		t.Fatalf("the pages held %d rows in all: too few to tell", rows)
	}
	t.Logf("%d rows compared", rows)
	dir := t.TempDir()
	fresh := startReplicaWith(t, answer.Options{Snapshot: filepath.Join(dir, "projection")})
	if from := fresh.loaded(t); from != "neo4j" {
		t.Fatalf("the fresh replica loaded from %s", from)
	}
	for _, who := range active {
		samePages(t, fresh.Service, neo4j, id(who), true)
	}
	fresh.close(t)
	restored := startReplicaWith(t, answer.Options{Snapshot: filepath.Join(dir, "projection")})
	if from := restored.loaded(t); from != "snapshot" {
		t.Fatalf("the restored replica loaded from %s", from)
	}
	for _, who := range active {
		samePages(t, restored.Service, neo4j, id(who), true)
	}
}

// sidesNetwork makes the members of TestConversationPagesFromMemoryAreNeo4js: ten who write to
// each other, some connected, some in a group (message requests), some with InMail credits, and
// one, gone, who writes to p2. It returns their ids, and the names of the ten.
func sidesNetwork(t *testing.T) (func(string) string, []string) {
	t.Helper()
	id := ids(t)
	network(t, id, [2]string{"p0", "p1"}, [2]string{"p1", "p2"}, [2]string{"p3", "p4"}, [2]string{"p2", "gone"})
	putGroup(t, id("club"), "Club")
	var names []string
	for i := range 10 {
		name := fmt.Sprintf("p%d", i)
		names = append(names, name)
		if i >= 5 {
			member(t, id(name), "Member "+name)
		}
		if i%2 == 0 {
			join(t, id(name), id("club"))
		}
		if i%3 == 0 {
			credits(t, id(name), 40)
		}
	}
	return id, names
}

// sideOps runs each of workers goroutines through each random writes to the conversations of
// members (TestConversationPagesFromMemoryAreNeo4js).
func sideOps(t *testing.T, id func(string) string, members []string, workers, each int, seed uint64) {
	t.Helper()
	var mu sync.Mutex
	var sent []string
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			rng := rand.New(rand.NewPCG(seed, uint64(w)))
			for range each {
				ctx, cancel := context.Background(), context.CancelFunc(func() {})
				if rng.IntN(10) == 0 {
					ctx, cancel = context.WithTimeout(ctx, time.Duration(rng.IntN(3000))*time.Microsecond)
				}
				mu.Lock()
				msg := ""
				if len(sent) > 0 {
					msg = sent[rng.IntN(len(sent))]
				}
				mu.Unlock()
				if s, ok := sideOp(ctx, rng, id, members, msg); ok {
					mu.Lock()
					sent = append(sent, s)
					mu.Unlock()
				}
				cancel()
			}
		})
	}
	wg.Wait()
}

// sideOp makes one random write as one of members, msg being a message sent before ("" for none),
// and returns the id of the message it sent, if it sent one.
func sideOp(ctx context.Context, rng *rand.Rand, id func(string) string, members []string, msg string) (string, bool) {
	who, other := id(members[rng.IntN(len(members))]), id(members[rng.IntN(len(members))])
	conv, yes := graph.ThreadID(who, other), rng.IntN(2) == 0
	switch op := rng.IntN(20); {
	case op < 7 || msg == "":
		s, err := env.store.Send(ctx, who, graph.Draft{To: other, Body: randomBody(rng)}, "")
		return s.ID, err == nil
	case op < 9:
		_, _ = env.store.Message(ctx, who, msg)
	case op < 10:
		_, _ = env.store.Accept(ctx, who, msg)
	case op < 11:
		_, _ = env.store.Decline(ctx, who, msg, "")
	case op < 12:
		_ = env.store.DeleteMessage(ctx, who, msg)
	case op < 18:
		_, _, _ = env.store.UpdateConversation(ctx, who, conv, randomUpdate(rng, msg, yes))
	case op < 19:
		_ = env.store.Block(ctx, who, other)
	default:
		_ = env.store.Unblock(ctx, who, other)
	}
	return "", false
}

// randomBody is a message body of 0 to 150 characters, some of them outside the Basic
// Multilingual Plane (two UTF-16 units each), so that some previews are cut.
func randomBody(rng *rand.Rand) string {
	var b strings.Builder
	fmt.Fprintf(&b, "note %d ", rng.IntN(3))
	for range rng.IntN(50) {
		b.WriteString([]string{"a", "é", "🙂"}[rng.IntN(3)])
		b.WriteString([]string{"b", " ", "𝄞"}[rng.IntN(3)])
	}
	return b.String()
}

// randomUpdate is one random change to a side of a conversation.
func randomUpdate(rng *rand.Rand, msg string, yes bool) graph.ConversationUpdate {
	switch rng.IntN(5) {
	case 0:
		return graph.ConversationUpdate{Archived: &yes}
	case 1:
		return graph.ConversationUpdate{Muted: &yes}
	case 2:
		return graph.ConversationUpdate{ReadUpTo: msg}
	case 3:
		return graph.ConversationUpdate{Unread: true}
	}
	return graph.ConversationUpdate{Box: graph.BoxInbox}
}

// samePages pages every box of member's conversations, with each filter, three rows at a time,
// from s (from memory, or from Neo4j when fromMemory is false) and from neo4j, fails on any page
// that differs, and returns how many rows they held.
func samePages(t *testing.T, s, neo4j *answer.Service, member string, fromMemory bool) int {
	t.Helper()
	rows := 0
	filters := []graph.ConversationFilter{{}, {UnreadOnly: true}, {Kind: graph.ConversationInMail}, {Kind: graph.ConversationRequest}}
	for _, box := range graph.ConversationBoxes {
		for _, f := range filters {
			f.Box = box
			for after, pages := "", 0; pages == 0 || after != ""; pages++ {
				page := graph.PageRequest{Limit: 3, After: after}
				got := conversationPageFrom(t, s, member, f, page, fromMemory)
				want, err := neo4j.Store.Conversations(context.Background(), member, f, page)
				if err != nil {
					t.Fatal(err)
				}
				if g, w := pageRows(got), pageRows(want); !reflect.DeepEqual(g, w) {
					t.Fatalf("%s %+v after %q:\nmemory %+v\nneo4j  %+v", member, f, after, g, w)
				}
				after, rows = want.Next, rows+len(want.Items)
			}
		}
	}
	return rows
}

// conversationPageFrom asks s for a page, fully consistent, and checks where it was answered:
// from memory when fromMemory is set, else from Neo4j.
func conversationPageFrom(t *testing.T, s *answer.Service, member string, f graph.ConversationFilter, page graph.PageRequest, fromMemory bool) graph.Page[graph.Conversation] {
	t.Helper()
	ctx := graph.WithConsistency(context.Background(), graph.Consistency{Mode: graph.FullyConsistent})
	before := s.ProjectionStats()
	got, err := s.Conversations(ctx, member, f, page)
	after := s.ProjectionStats()
	if err != nil {
		t.Fatal(err)
	}
	if served := after.Served > before.Served && after.Fallbacks == before.Fallbacks; served != fromMemory {
		t.Fatalf("%s %+v: answered from memory %v, want %v", member, f, served, fromMemory)
	}
	return got
}

// pageRow is what a conversation page shows of a row.
type pageRow struct {
	ID, Thread, LastID, Excerpt string
	With, From, To              graph.MemberSummary
	Standing                    graph.Standing
	Kind                        graph.ConversationKind
	MessageKind                 graph.MessageKind
	Box                         graph.ConversationBox
	At, LastAt                  time.Time
	Unread                      int
	Read, Archived, Muted       bool
	Via                         graph.Via
}

// pageRows are p's rows as its page shows them, and its cursor.
func pageRows(p graph.Page[graph.Conversation]) []any {
	out := []any{p.Next}
	for _, c := range p.Items {
		m := c.LastMessage
		out = append(out, pageRow{ID: c.ID, Thread: m.ThreadID, LastID: m.ID, Excerpt: graph.Excerpt(m.Body),
			With: c.With, From: m.From, To: m.To, Standing: graph.Standing{Degree: c.Degree, Messaging: c.Messaging},
			Kind: c.Kind, MessageKind: m.Kind, Box: c.Box, At: m.SentAt, LastAt: c.LastAt, Unread: c.UnreadCount,
			Read: m.Read, Archived: c.Archived, Muted: c.Muted, Via: m.Via})
	}
	return out
}

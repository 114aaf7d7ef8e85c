package projection

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/reach-network/reach/graph"
)

// randomSide is a random side of member's conversation with other ("" for a former member; one
// the state does not hold leaves the member's conversations unheld).
func randomSide(rng *rand.Rand, member, other string) SideRow {
	at := time.Unix(0, time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC).UnixNano()+rng.Int64N(int64(time.Hour))).UTC()
	if rng.IntN(3) == 0 {
		at = at.Truncate(time.Hour) // several at one time: ordered by id
	}
	row := SideRow{Member: member, Conversation: graph.ThreadID(member, other), With: other,
		Kind:   graph.ConversationKinds[rng.IntN(3)],
		Unread: rng.IntN(3), Filed: []graph.ConversationBox{graph.BoxInbox, graph.BoxOther, graph.BoxRequests, ""}[rng.IntN(4)],
		Archived: rng.IntN(4) == 0, Muted: rng.IntN(5) == 0, Listed: rng.IntN(8) > 0,
		Last: LastMessage{ID: fmt.Sprintf("msg%06d", rng.IntN(1_000_000)), Kind: graph.KindInMail, Mine: rng.IntN(2) == 0,
			Text: strings.Repeat("Zoë 😀 ", rng.IntN(30)), At: at, Read: rng.IntN(2) == 0}}
	if rng.IntN(6) == 0 {
		row.Last.Via = graph.Via{Kind: "group", Affiliate: graph.Affiliate{ID: "g1", Name: "Club"}}
	}
	return row
}

// TestConversationPagesFollowTheirModel puts and drops random sides of a few members'
// conversations, blocks and closes some members, and then pages every member's every box with
// every filter, at random limits: each page must be the model's, the sides listed in that box,
// without those in a block relation with the caller, ordered by their graph.ActivityKey, from the
// cursor on. A member who had a conversation with one who closed their account is unheld.
func TestConversationPagesFollowTheirModel(t *testing.T) {
	rng := rand.New(rand.NewPCG(8, 9))
	st := NewState("e", []int64{0})
	var names []string
	for i := range 12 {
		names = append(names, fmt.Sprintf("m%02d", i))
		k, _ := st.Number(names[i], true)
		st.facts[k].Present, st.cards[k] = true, newCard("Member "+names[i], "")
	}
	model := map[string]map[string]SideRow{} // by member, by conversation
	for range 3000 {
		a, b := names[rng.IntN(len(names))], names[rng.IntN(len(names))]
		if a == b || (a == "m11" || b == "m11") && a != "m05" && b != "m05" { // m11 writes with m05 alone
			continue
		}
		drop := rng.IntN(10) == 0 // a conversation gone: both sides, as a conversation has them
		for _, row := range []SideRow{randomSide(rng, a, b), randomSide(rng, b, a)} {
			if model[row.Member] == nil {
				model[row.Member] = map[string]SideRow{}
			}
			if drop {
				st.dropSide(row.Member, row.Conversation)
				delete(model[row.Member], row.Conversation)
				continue
			}
			st.PutSide(row)
			model[row.Member][row.Conversation] = row
		}
	}
	k1, _ := st.Number("m01", false)
	k2, _ := st.Number("m02", false)
	st.setPair(k1, k2, BitBlocksAB)
	st.hidden[k1], st.hidden[k2] = []int32{k2}, []int32{k1}
	gone, _ := st.Number("m11", false)
	st.forget(gone, true)
	pages := 0
	for _, member := range names[:11] {
		_, partner := model[member][graph.ThreadID(member, "m11")]
		for _, box := range graph.ConversationBoxes {
			for _, f := range []graph.ConversationFilter{{Box: box}, {Box: box, UnreadOnly: true}, {Box: box, Kind: graph.ConversationInMail}} {
				want := modelPage(model[member], member, f)
				var got []string
				after := ""
				for {
					p, err := st.ConversationPage(member, f, graph.PageRequest{Limit: 1 + rng.IntN(4), After: after}, time.Now(), 5)
					if partner {
						if !errors.Is(err, ErrUnheld) {
							t.Fatalf("%s had a conversation with a closed account: %v, want ErrUnheld", member, err)
						}
						break
					}
					if err != nil {
						t.Fatal(err)
					}
					pages++
					for _, c := range p.Items {
						got = append(got, c.ID)
					}
					if after = p.Next; after == "" {
						break
					}
				}
				if !partner && !slices.Equal(got, want) {
					t.Fatalf("%s %+v: got %v, want %v", member, f, got, want)
				}
			}
		}
	}
	if pages < 50 {
		t.Fatalf("only %d pages were read", pages)
	}
}

// modelPage is every conversation of member's sides that a page of f lists, in order.
func modelPage(sides map[string]SideRow, member string, f graph.ConversationFilter) []string {
	var rows []SideRow
	for _, r := range sides {
		box := r.Filed
		if r.Archived {
			box = graph.BoxArchived
		}
		blocked := (member == "m01" && r.With == "m02") || (member == "m02" && r.With == "m01")
		if r.Listed && box == f.Box && !blocked && (!f.UnreadOnly || r.Unread > 0) && (f.Kind == "" || f.Kind == r.Kind) {
			rows = append(rows, r)
		}
	}
	slices.SortFunc(rows, func(a, b SideRow) int {
		return strings.Compare(graph.ActivityKey(a.Last.At, a.Last.ID), graph.ActivityKey(b.Last.At, b.Last.ID))
	})
	out := make([]string, len(rows))
	for i, r := range rows {
		out[i] = r.Conversation
	}
	return out
}

// TestChangesRecordSides applies changes as AppendChange records sides: a side recorded is put in
// its member's box and moved by the next; one recorded as not found leaves it; and a change of a
// version that recorded no sides leaves its members' conversations unheld, and no one else's.
func TestChangesRecordSides(t *testing.T) {
	st := NewState("e", []int64{0})
	for _, id := range []string{"ann", "bob", "cat"} {
		k, _ := st.Number(id, true)
		st.facts[k].Present, st.cards[k] = true, newCard(id, "")
	}
	conv := graph.ThreadID("ann", "bob")
	sides := func(seq int64, found bool, box string, archived bool) map[string]any {
		return map[string]any{"seq": seq, "sideOf": []any{"ann"}, "sideIn": []any{conv}, "sideFound": []any{found},
			"sideWith": []any{"bob"}, "sideKind": []any{"conversation"}, "sideUnread": []any{int64(1)},
			"sideFiled": []any{box}, "sideArchived": []any{archived}, "sideMuted": []any{false},
			"sideActivity": []any{"key"}, "lastId": []any{"m1"}, "lastKind": []any{"message"}, "lastMine": []any{false},
			"lastText": []any{"Hello"}, "lastAt": []any{int64(1e18)}, "lastRead": []any{false},
			"lastViaKind": []any{""}, "lastViaId": []any{""}, "lastViaName": []any{""}}
	}
	page := func(member string, box graph.ConversationBox) ([]string, error) {
		p, err := st.ConversationPage(member, graph.ConversationFilter{Box: box}, graph.PageRequest{Limit: 10}, time.Now(), 5)
		var out []string
		for _, c := range p.Items {
			out = append(out, c.ID+" "+c.With.ID+" "+c.LastMessage.From.ID+" "+c.LastMessage.Body)
		}
		return out, err
	}
	for _, step := range []struct {
		change         map[string]any
		inbox, archive int
	}{
		{sides(1, true, "inbox", false), 1, 0},
		{sides(2, true, "inbox", true), 0, 1},
		{sides(3, false, "", false), 0, 0},
	} {
		if err := applyNext(st, step.change); err != nil {
			t.Fatal(err)
		}
		inbox, err1 := page("ann", graph.BoxInbox)
		archived, err2 := page("ann", graph.BoxArchived)
		if err1 != nil || err2 != nil || len(inbox) != step.inbox || len(archived) != step.archive {
			t.Fatalf("after change %v: inbox %v, archived %v (%v, %v)", step.change["seq"], inbox, archived, err1, err2)
		}
		if step.inbox == 1 && inbox[0] != conv+" bob bob Hello" {
			t.Errorf("the row: %q", inbox[0])
		}
	}
	older := map[string]any{"seq": int64(4), "members": []any{"ann"}, "present": []any{true}}
	if err := applyNext(st, older); err != nil {
		t.Fatal(err)
	}
	if _, err := page("ann", graph.BoxInbox); !errors.Is(err, ErrUnheld) {
		t.Errorf("ann after a change without sides: %v, want ErrUnheld", err)
	}
	if _, err := page("cat", graph.BoxInbox); err != nil {
		t.Errorf("cat after a change without sides of ann's: %v", err)
	}
	gone := sides(5, true, "inbox", false) // cat's side with a member the state no longer holds
	gone["sideOf"], gone["sideWith"], gone["sideIn"] = []any{"cat"}, []any{"zed"}, []any{graph.ThreadID("cat", "zed")}
	if err := applyNext(st, gone); err != nil {
		t.Fatal(err)
	}
	if _, err := page("cat", graph.BoxInbox); !errors.Is(err, ErrUnheld) {
		t.Errorf("cat with a side of a member not held: %v, want ErrUnheld", err)
	}
	st.AddSide(randomSide(rand.New(rand.NewPCG(1, 1)), "bob", "zed")) // a load leaves it to the log
	if _, err := page("bob", graph.BoxInbox); err != nil {
		t.Errorf("bob after a load's row of a member not held: %v", err)
	}
}

// TestReadSideReadsColumns: a side read from its columns keeps each column in its field, a null
// column reads as zero (a side with no message has no time), and a column of another type is an
// error rather than a zero.
func TestReadSideReadsColumns(t *testing.T) {
	at := time.Date(2026, 3, 1, 12, 0, 0, 5, time.UTC)
	columns := map[string]any{"sideOf": "m1", "sideIn": "t1", "sideWith": "m2", "sideKind": "direct",
		"sideUnread": int64(3), "sideFiled": "inbox", "sideArchived": true, "sideMuted": false,
		"sideActivity": "k", "lastId": "x1", "lastKind": "inmail", "lastMine": true, "lastText": "hello",
		"lastAt": at.UnixNano(), "lastRead": true, "lastViaKind": "group", "lastViaId": "g1", "lastViaName": "Go"}
	row, err := ReadSide(func(c string) any { return columns[c] })
	want := SideRow{Member: "m1", Conversation: "t1", With: "m2", Kind: "direct", Unread: 3, Filed: "inbox",
		Archived: true, Listed: true, Last: LastMessage{ID: "x1", Kind: "inmail", Mine: true, Text: "hello", At: at,
			Read: true, Via: graph.Via{Kind: "group", Affiliate: graph.Affiliate{ID: "g1", Name: "Go"}}}}
	if err != nil || row != want {
		t.Fatalf("read %+v, %v; want %+v", row, err, want)
	}
	row, err = ReadSide(func(c string) any { return map[string]any{"sideOf": "m1", "sideIn": "t1"}[c] })
	if err != nil || row != (SideRow{Member: "m1", Conversation: "t1"}) || !row.Last.At.IsZero() {
		t.Fatalf("nulls read %+v, %v; want zeros", row, err)
	}
	columns["sideUnread"] = "3"
	if _, err := ReadSide(func(c string) any { return columns[c] }); err == nil || !strings.Contains(err.Error(), "sideUnread") {
		t.Fatalf("a string unread count read with error %v; want one naming the column", err)
	}
}

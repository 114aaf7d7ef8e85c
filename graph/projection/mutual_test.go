package projection

import (
	"cmp"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	gocmp "github.com/google/go-cmp/cmp"
	"github.com/reach-network/reach/graph"
)

// TestCardsHoldNameAndHeadline checks that a card gives back the name and headline it packs,
// whatever they hold: empty parts, names longer than one byte of length, any code point.
func TestCardsHoldNameAndHeadline(t *testing.T) {
	for _, tc := range [][2]string{
		{"", ""}, {"Ann", ""}, {"", "Engineer"}, {"Zoë Müller", "Ingénieure at Ünïcode 😀"},
		{strings.Repeat("n", 200), strings.Repeat("h", 300)}, {"\x00\xff", "\x80"},
	} {
		name, headline := newCard(tc[0], tc[1]).split()
		if name != tc[0] || headline != tc[1] {
			t.Errorf("card of %q, %q reads %q, %q", tc[0], tc[1], name, headline)
		}
	}
	if len(newCard("Ann", "Engineer")) != 1+len("Ann")+len("Engineer") {
		t.Error("a card of a short name takes more than one byte for its length")
	}
}

// mutualNetwork is caller "me" and member "them" sharing n connections, some named alike so that
// the order falls back to the id, a few named with code points that UTF-16 orders otherwise, and
// "hidden" among them, whom the caller blocked.
func mutualNetwork(n int, rng *rand.Rand) *State {
	st := NewState("e", []int64{0})
	me, _ := st.Number("me", true)
	them, _ := st.Number("them", true)
	names := []string{"Ann", "Bob", "bob", "Émile", "\uFFFDx", "😀", "Zoë", ""}
	for i := range n {
		k, _ := st.Number(fmt.Sprintf("m%03d", rng.IntN(10*n)), true)
		st.cards[k] = newCard(names[i%len(names)], fmt.Sprintf("Headline %d", i))
		st.setPair(me, k, bitConnected)
		st.setPair(them, k, bitConnected)
	}
	hidden, _ := st.Number("hidden", true)
	st.setPair(me, hidden, bitConnected)
	st.setPair(them, hidden, bitConnected)
	st.setPair(me, hidden, bitConnected|BitBlocksAB)
	for k := range st.ids {
		st.facts[k].Present = true
	}
	return st
}

// TestMutualPagesFollowTheCursor pages through the mutual connections of a pair with each limit
// and checks the whole list: every mutual connection but the one in a block relation with the
// caller, once, ordered by name (by code point) then id, the total on every page.
func TestMutualPagesFollowTheCursor(t *testing.T) {
	st := mutualNetwork(57, rand.New(rand.NewPCG(7, 8)))
	var want []graph.MemberSummary
	for x := range graph.Common(st.adj[0], st.adj[1]) {
		if st.ids[x] != "hidden" {
			name, headline := st.cards[x].split()
			want = append(want, graph.MemberSummary{ID: st.ids[x], Name: name, Headline: headline})
		}
	}
	slices.SortFunc(want, func(a, b graph.MemberSummary) int {
		return cmp.Or(cmp.Compare(a.Name, b.Name), cmp.Compare(a.ID, b.ID))
	})
	for _, limit := range []int{1, 2, 7, len(want) - 1, len(want), 100} {
		var got []graph.MemberSummary
		after := ""
		for pages := 0; ; pages++ {
			page, err := st.MutualPage("me", "them", graph.PageRequest{Limit: limit, After: after})
			if err != nil {
				t.Fatal(err)
			}
			if page.Total != len(want) || len(page.Items) > limit || pages > len(want) {
				t.Fatalf("limit %d, page %d: %d items of %d in all, want %d in all", limit, pages, len(page.Items), page.Total, len(want))
			}
			got = append(got, page.Items...)
			if after = page.Next; after == "" {
				break
			}
		}
		if diff := gocmp.Diff(want, got); diff != "" {
			t.Errorf("limit %d (-want +got):\n%s", limit, diff)
		}
	}
}

// TestMutualPageRefusesWhatTheNeo4jPathRefuses checks the errors: members missing or in a block
// relation with the caller are not found, and a cursor no list gave out is invalid.
func TestMutualPageRefusesWhatTheNeo4jPathRefuses(t *testing.T) {
	st := mutualNetwork(3, rand.New(rand.NewPCG(1, 1)))
	for _, member := range []string{"nobody", "hidden"} {
		if _, err := st.MutualPage("me", member, graph.PageRequest{Limit: 5}); !errors.Is(err, graph.ErrNotFound) {
			t.Errorf("%s: %v, want ErrNotFound", member, err)
		}
	}
	if _, err := st.MutualPage("me", "them", graph.PageRequest{Limit: 5, After: "not-a-cursor"}); !errors.Is(err, graph.ErrInvalidCursor) {
		t.Errorf("a cursor of no list: %v, want ErrInvalidCursor", err)
	}
	page, err := st.MutualPage("me", "me", graph.PageRequest{Limit: 5})
	if err != nil || page.Total != 0 || len(page.Items) != 0 || page.Items == nil {
		t.Errorf("oneself: %+v, %v; want an empty page, its items an empty list", page, err)
	}
}

// TestNamesFollowTheLog applies changes that name members, rename one, close one and come from
// before changes recorded names, and checks the cards they leave: none of a member closed, and
// unnamed (not the name before) of one a change without names recorded, until a change names them.
func TestNamesFollowTheLog(t *testing.T) {
	st := NewState("e", []int64{0})
	members := func(seq int64, present []any, names, headlines []any) map[string]any {
		fields := map[string]any{"members": []any{"ann", "bob"}, "present": present}
		if names != nil {
			fields["names"], fields["headlines"] = names, headlines
		}
		return change(seq, fields)
	}
	steps := []struct {
		change    map[string]any
		ann, bob  card // "": closed
		situation string
	}{
		{members(1, []any{true, true}, []any{"Ann", "Bob"}, []any{"Engineer", ""}), newCard("Ann", "Engineer"), newCard("Bob", ""), "named"},
		{members(2, []any{true, true}, []any{"Ann", "Robert"}, []any{"Manager", "Chef"}), newCard("Ann", "Manager"), newCard("Robert", "Chef"), "renamed"},
		{members(3, []any{true, true}, nil, nil), unnamed, unnamed, "a change from before names"},
		{members(4, []any{true, false}, []any{"Ann", ""}, []any{"Manager", ""}), newCard("Ann", "Manager"), "", "bob closed"},
		{members(5, []any{true, false}, nil, nil), unnamed, "", "bob closed, from before names"},
	}
	for _, s := range steps {
		if err := applyNext(st, s.change); err != nil {
			t.Fatal(err)
		}
		for id, want := range map[string]card{"ann": s.ann, "bob": s.bob} {
			k, ok := st.Number(id, false)
			if !ok && want == "" {
				continue // closed: gone from the state, card and all
			}
			if !ok || st.cards[k] != want {
				t.Errorf("%s: %s has card %q, want %q", s.situation, id, st.cards[k], want)
			}
		}
	}
}

// TestMutualPageLeavesUnnamedMembersToNeo4j: a page whose mutual connections include one whose
// name the state does not know (a change without names recorded them) cannot be ordered by name,
// so MutualPage answers ErrUnnamed, for Neo4j to answer; once a change names the member, memory
// answers again, with the name.
func TestMutualPageLeavesUnnamedMembersToNeo4j(t *testing.T) {
	st := mutualNetwork(8, rand.New(rand.NewPCG(2, 2)))
	page, err := st.MutualPage("me", "them", graph.PageRequest{Limit: 50})
	if err != nil || len(page.Items) == 0 {
		t.Fatalf("before: %+v, %v; want mutual connections", page, err)
	}
	shared := page.Items[len(page.Items)/2].ID
	seq := st.Applied[0]
	unnamedChange := change(seq+1, map[string]any{"members": []any{shared}, "present": []any{true}})
	if err := applyNext(st, unnamedChange); err != nil {
		t.Fatal(err)
	}
	if _, err := st.MutualPage("me", "them", graph.PageRequest{Limit: 50}); !errors.Is(err, ErrUnnamed) {
		t.Errorf("with %s unnamed: %v, want ErrUnnamed", shared, err)
	}
	named := change(seq+2, map[string]any{"members": []any{shared}, "present": []any{true},
		"names": []any{"Renamed"}, "headlines": []any{"Since"}})
	if err := applyNext(st, named); err != nil {
		t.Fatal(err)
	}
	page, err = st.MutualPage("me", "them", graph.PageRequest{Limit: 50})
	if err != nil || !slices.ContainsFunc(page.Items, func(m graph.MemberSummary) bool { return m.ID == shared && m.Name == "Renamed" }) {
		t.Errorf("named again: %+v, %v; want %s named Renamed", page, err, shared)
	}
}

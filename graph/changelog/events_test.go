package changelog

import (
	"testing"

	"github.com/reach-network/reach/graph"
)

// TestEventPages checks how a read of a member's shard is taken: the events after the place, in
// its own change those past its index, then those of the changes that follow; a change missing
// before a later one is a gap (pruned), and a place whose change is gone while later ones are there
// is found pruned.
func TestEventPages(t *testing.T) {
	at := graph.EventID{Epoch: "e", Shard: 2, Seq: 4, Index: 0}
	read := `{"kind":"conversation_read","to":"b"}`
	page := eventPage{epoch: "e", head: 9, seqs: []int64{4, 5, 6, 8}, ids: []string{"c4", "c5", "c6", "c8"},
		events: [][]any{{read, read}, {`{"kind":"message","to":"b","by":"a"}`}, {}, {`{"kind":"invitation","to":"b"}`}}}
	told, reached, more, gap := page.told(nil, at, func(string) string { return "Ann" })
	if len(told) != 2 || told[0].At.Seq != 4 || told[0].At.Index != 1 || told[1].At.Seq != 5 || told[1].ByName != "Ann" ||
		told[0].At.Change != "c4" || told[1].At.Change != "c5" ||
		reached.Seq != 6 || reached.Index != graph.ChangeEnd || reached.Change != "c6" || more || !gap {
		t.Errorf("told %+v, reached %v, more %v, gap %v; want 4's second event and 5's, up to the end of 6, then the gap", told, reached, more, gap)
	}
	page.seqs, page.ids, page.events = page.seqs[:3], page.ids[:3], page.events[:3] // 8 not there: none missing before a later one
	if _, reached, more, gap := page.told(nil, at, func(string) string { return "" }); gap || more || reached.Seq != 6 {
		t.Errorf("without 8: reached %v, more %v, gap %v; want up to 6, no gap", reached, more, gap)
	}
	if page.pruned(at.Seq) || !page.pruned(3) || (eventPage{}).pruned(3) || (eventPage{seqs: []int64{1}}).pruned(0) {
		t.Error("pruned: want only a place whose change is missing while later ones are there")
	}
}

// TestEventPagesOfAnotherHistory checks that a place naming a change the log holds another change
// in place of (a database restored from a backup, which numbers its new changes as the lost
// ones) is found forked, and that a place naming no change, or the change there, is not.
func TestEventPagesOfAnotherHistory(t *testing.T) {
	page := eventPage{epoch: "e", head: 9, seqs: []int64{4, 5}, ids: []string{"new4", "new5"}, events: [][]any{{}, {}}}
	for _, c := range []struct {
		at     graph.EventID
		forked bool
	}{
		{graph.EventID{Epoch: "e", Seq: 4, Change: "lost4"}, true},
		{graph.EventID{Epoch: "e", Seq: 4, Change: "new4"}, false},
		{graph.EventID{Epoch: "e", Seq: 4}, false},
		{graph.EventID{Epoch: "e", Seq: 3, Change: "lost3"}, false}, // not in the page: pruned tells
	} {
		if got := page.forked(c.at); got != c.forked {
			t.Errorf("at %s: forked %v, want %v", c.at, got, c.forked)
		}
	}
}

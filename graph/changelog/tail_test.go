package changelog

import (
	"errors"
	"runtime/debug"
	"slices"
	"testing"

	"github.com/reach-network/reach/graph/projection"
)

// TestStateFollowsTheLog checks when a state can be caught up with the log's heads: the same
// epoch, no shard behind, the same changes at its positions; a state of the log before shards
// (one position, from a snapshot taken then) follows a log of several shards, its other
// positions 0. A log of the same epoch behind the state, or holding other changes at its
// positions, or none, is a fork; another epoch or shard count is another log.
func TestStateFollowsTheLog(t *testing.T) {
	l := &Log{projection: projection.NewProjection()}
	st := projection.NewState("e", []int64{5})
	st.AppliedIDs[0] = "five"
	if err := l.history(st, logHead{epoch: "e", heads: []int64{7, 0, 3}}, []any{"five"}); err != nil || !slices.Equal(st.Applied, []int64{5, 0, 0}) {
		t.Errorf("a state of one head did not follow a log of three shards: %v, %v", err, st.Applied)
	}
	for _, c := range []struct {
		name  string
		head  logHead
		found []any
		want  error
	}{
		{"AnotherDatabase", logHead{epoch: "other", heads: []int64{7, 0, 3}}, []any{"five", nil, nil}, projection.ErrReload},
		{"FewerShards", logHead{epoch: "e", heads: []int64{7, 0}}, []any{"five", nil}, projection.ErrReload},
		{"HeadBehind", logHead{epoch: "e", heads: []int64{4, 0, 3}}, []any{nil, nil, nil}, projection.ErrFork},
		{"AnotherChange", logHead{epoch: "e", heads: []int64{5, 0, 3}}, []any{"new five", nil, nil}, projection.ErrFork},
		{"ChangeGone", logHead{epoch: "e", heads: []int64{9, 0, 3}}, []any{nil, nil, nil}, projection.ErrFork},
		{"ChangeWithoutID", logHead{epoch: "e", heads: []int64{5, 0, 3}}, []any{"", nil, nil}, projection.ErrFork},
	} {
		t.Run(c.name, func(t *testing.T) {
			st := projection.NewState("e", []int64{5, 0, 0})
			st.AppliedIDs[0] = "five"
			err := l.history(st, c.head, c.found)
			if !errors.Is(err, c.want) || errors.Is(err, projection.ErrFork) != errors.Is(c.want, projection.ErrFork) {
				t.Errorf("a state at [5 0 0] with %+v and ids %v: %v, want %v", c.head, c.found, err, c.want)
			}
		})
	}
	t.Run("IDNotKnown", func(t *testing.T) {
		st := projection.NewState("e", []int64{5, 2})
		if err := l.history(st, logHead{epoch: "e", heads: []int64{5, 2}}, []any{"five", nil}); err != nil || st.AppliedIDs[0] != "five" {
			t.Errorf("a state not knowing its ids: %v, ids %q; want it to take the log's", err, st.AppliedIDs)
		}
	})
}

// TestLoadsCollectOftenTogether has two loads overlap in one process, as replicas in a test do:
// the collector's target stays low until the last ends, then is put back as it was before the
// first, whichever ends first.
func TestLoadsCollectOftenTogether(t *testing.T) {
	target := func() int { // the collector's target now, read by setting it and setting it back
		p := debug.SetGCPercent(100)
		debug.SetGCPercent(p)
		return p
	}
	before := debug.SetGCPercent(150)
	defer debug.SetGCPercent(before)
	first := collectingOften()
	second := collectingOften()
	first()
	if got := target(); got != loadGCPercent {
		t.Errorf("with one load still under way the target is %d, want %d", got, loadGCPercent)
	}
	second()
	if got := target(); got != 150 {
		t.Errorf("with no load under way the target is %d, want 150 as before", got)
	}
}

package changelog

import (
	"slices"
	"testing"

	"github.com/reach-network/reach/graph/projection"
)

// TestStateFollowsTheLog checks when a state can be caught up with the log's heads: the same
// epoch, no shard behind; a state of the log before shards (one position, from a snapshot taken
// then) follows a log of several shards, its other positions 0.
func TestStateFollowsTheLog(t *testing.T) {
	st := projection.NewState("e", []int64{5})
	if !follows(st, logHead{epoch: "e", heads: []int64{7, 0, 3}}) || !slices.Equal(st.Applied, []int64{5, 0, 0}) {
		t.Errorf("a state of one head did not follow a log of three shards: %v", st.Applied)
	}
	for _, head := range []logHead{
		{epoch: "other", heads: []int64{7, 0, 3}}, // a new database
		{epoch: "e", heads: []int64{4, 0, 3}},     // behind the state: another log
		{epoch: "e", heads: []int64{7, 0}},        // fewer shards: another log
	} {
		if follows(projection.NewState("e", []int64{5, 0, 0}), head) {
			t.Errorf("a state at [5 0 0] followed %+v", head)
		}
	}
}

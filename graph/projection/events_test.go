package projection

import (
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/reach-network/reach/graph"
)

// TestAppliedChangesTellTheirEvents checks that applying a write tells its events once, whichever
// of its copies is read first, each placed at the write's number in its member's shard and naming
// who acted as the state holds them; an event whose member's shard the write did not take is not
// told.
func TestAppliedChangesTellTheirEvents(t *testing.T) {
	p := NewProjection()
	st := NewState("e", []int64{0, 0})
	p.Publish(st, time.Now())
	var to [2]string // a member of each shard
	for i := 0; to[0] == "" || to[1] == ""; i++ {
		id := fmt.Sprintf("m%d", i)
		to[graph.LogShard(id, 2)] = id
	}
	event := func(member string) any {
		data, _ := json.Marshal(graph.Event{Kind: graph.EventMessage, To: member, By: to[0], ID: "x"})
		return string(data)
	}
	write := func(shard int64, seq int64) map[string]any {
		return map[string]any{"shard": shard, "seq": seq, "heads": []any{int64(1), int64(4)}, "shards": []any{int64(0), int64(1)},
			"members": []any{to[0]}, "present": []any{true}, "names": []any{"Ann"},
			"events": []any{event(to[1]), event(to[0])}}
	}
	st.Applied[1] = 3
	_, told, err := p.ApplyTelling(st, []any{write(1, 4), write(0, 1)})
	if err != nil {
		t.Fatal(err)
	}
	want := []graph.EventID{{Epoch: "e", Shard: 1, Seq: 4}, {Epoch: "e", Shard: 0, Seq: 1}}
	if len(told) != 2 || told[0].At != want[0] || told[1].At != want[1] || told[0].To != to[1] || told[0].ByName != "Ann" {
		t.Fatalf("told %+v; want the two events once, at %v", told, want)
	}
	alone := map[string]any{"shard": int64(0), "seq": int64(2), "heads": []any{int64(2), int64(4)}, "shards": []any{int64(0)},
		"members": []any{}, "events": []any{event(to[1])}}
	if _, told, _ := p.ApplyTelling(st, []any{alone}); len(told) != 0 {
		t.Errorf("an event of a shard the write did not take was told: %+v", told)
	}
}

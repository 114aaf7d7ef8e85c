package projection

import (
	"encoding/json"
	"slices"

	"github.com/reach-network/reach/graph"
)

// This file tells the events a change records (graph.Event) as the state applies the change, so
// that every replica tells the members' streams of every write, whichever replica made it.

// told is the events change e records, each placed in its member's shard at e's number there (and
// its index among the member's events of e), and naming the member who acted as st holds them once
// it has applied e. An event whose member's shard e does not hold (which a writer never records)
// is left out: it would have no place.
func (st *State) told(e entry) []graph.Told {
	raw, _ := e.change["events"].([]any)
	out := make([]graph.Told, 0, len(raw))
	index := map[string]int{}
	change, _ := e.change["id"].(string)
	for _, v := range raw {
		text, _ := v.(string)
		var ev graph.Event
		if json.Unmarshal([]byte(text), &ev) != nil || ev.To == "" {
			continue
		}
		shard := graph.LogShard(ev.To, len(st.Applied))
		if !slices.Contains(e.shards, shard) || shard >= len(e.heads) {
			continue
		}
		ev.ByName = st.Name(ev.By)
		at := graph.EventID{Epoch: st.Epoch, Shard: shard, Seq: e.heads[shard], Index: index[ev.To], Change: change}
		index[ev.To]++
		out = append(out, graph.Told{Event: ev, At: at})
	}
	return out
}

// Name is the name st holds of member id, "" when it holds none.
func (st *State) Name(id string) string {
	k, ok := st.index[id]
	if !ok || id == "" {
		return ""
	}
	return st.cards[k].name()
}

// Name is the name the state in place holds of member id, "" before the first load or when it
// holds none.
func (p *Projection) Name(id string) string {
	p.mu.RLock()
	defer p.mu.RUnlock()
	if p.state == nil {
		return ""
	}
	return p.state.Name(id)
}

// ApplyTelling is Apply, returning too the events of the changes it applied, in the order it
// applied them: each member's in the order of their shard.
func (p *Projection) ApplyTelling(st *State, changes []any) (int, []graph.Told, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	var told []graph.Told
	n, err := st.applyAll(changes, &told)
	return n, told, err
}

// EventPosition is where the state in place stands in member's shard of the log: the place after
// which its tailer tells the member's events. ok is false before the first load.
func (p *Projection) EventPosition(member string) (at graph.EventID, ok bool) {
	p.mu.RLock()
	defer p.mu.RUnlock()
	if p.state == nil || len(p.state.Applied) == 0 {
		return graph.EventID{}, false
	}
	shard := graph.LogShard(member, len(p.state.Applied))
	return graph.EventID{Epoch: p.state.Epoch, Shard: shard, Seq: p.state.Applied[shard], Index: graph.ChangeEnd,
		Change: p.state.AppliedIDs[shard]}, true
}

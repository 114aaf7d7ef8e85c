package changelog

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/reach-network/reach/cypher"
	"github.com/reach-network/reach/graph"
	"github.com/reach-network/reach/graph/bolt"
)

// maxReplayed bounds the changes of a member's shard that one resumption reads: a client away for
// longer is told to reload what it shows rather than have its stream read the log for long.
const maxReplayed = 20 * changesPerRead

// EventsSince returns member's events after the place after, read from the change log in the
// order of the member's shard, up to the latest change visible (those committed since come with
// the tailer), and the place the reading reached. Returns graph.ErrEventsLost, with the place this
// replica's tailer stands at in the member's shard (from which it tells their events), when the
// log cannot give them all: after is of another log or another member's shard, beyond the log's
// head, its change or one after it is pruned (missing while later ones are there), or it is more
// than maxReplayed changes behind.
func (l *Log) EventsSince(ctx context.Context, member string, after graph.EventID) (told []graph.Told, reached graph.EventID, err error) {
	defer bolt.Wrap(&err, "EventsSince(%q, %s)", member, after)
	now, ok := l.projection.EventPosition(member)
	if !ok {
		return nil, now, graph.Fail(graph.ErrUnavailable, "the projection is not loaded yet")
	}
	if after.Epoch != now.Epoch || after.Shard != now.Shard {
		return nil, now, graph.ErrEventsLost
	}
	reached = after
	for read := 0; read < maxReplayed; read += changesPerRead {
		page, err := l.eventPage(ctx, member, reached)
		if err != nil {
			return nil, now, err
		}
		if page.epoch != after.Epoch || page.head < after.Seq || (reached == after && (page.pruned(after.Seq) || page.forked(after))) {
			return nil, now, graph.ErrEventsLost
		}
		var more, gap bool
		told, reached, more, gap = page.told(told, reached, l.projection.Name)
		if gap {
			return nil, now, graph.ErrEventsLost
		}
		if !more {
			return told, reached, nil
		}
	}
	return nil, now, graph.ErrEventsLost
}

// eventPage is one read of EventsSince.cypher.
type eventPage struct {
	epoch  string
	head   int64
	seqs   []int64
	ids    []string // by change: its id, "" for one logged before changes had ids
	events [][]any  // by change: the member's events, as JSON
}

// pruned tells whether the change at position at (the first change, for 0) is gone while later
// ones are there: pruning keeps every change after one it keeps.
func (p eventPage) pruned(at int64) bool { return len(p.seqs) > 0 && p.seqs[0] != max(at, 1) }

// forked tells whether the change at after's position is not the one after names: the stream was
// told of a history the log no longer holds (a database restored from a backup), whose changes
// others have taken the places of. An id that names no change confirms nothing.
func (p eventPage) forked(after graph.EventID) bool {
	return after.Change != "" && len(p.seqs) > 0 && p.seqs[0] == after.Seq && p.ids[0] != after.Change
}

// told adds to out the events of the page's changes after reached, each naming who acted as name
// tells, and returns how far they reached; more says that the page was full, so that more may
// follow, and gap that a change is missing before a later one: pruned (a change not visible yet is
// one of the latest, with none visible after it).
func (p eventPage) told(out []graph.Told, reached graph.EventID, name func(string) string) (_ []graph.Told, _ graph.EventID, more, gap bool) {
	for i, seq := range p.seqs {
		if seq != reached.Seq && seq != reached.Seq+1 {
			return out, reached, false, true
		}
		for j, v := range p.events[i] {
			at := graph.EventID{Epoch: reached.Epoch, Shard: reached.Shard, Seq: seq, Index: j, Change: p.ids[i]}
			var e graph.Event
			if text, _ := v.(string); at.After(reached) && json.Unmarshal([]byte(text), &e) == nil {
				e.ByName = name(e.By)
				out = append(out, graph.Told{Event: e, At: at})
			}
		}
		reached = graph.EventID{Epoch: reached.Epoch, Shard: reached.Shard, Seq: seq, Index: graph.ChangeEnd, Change: p.ids[i]}
	}
	return out, reached, len(p.seqs) == changesPerRead, false
}

// eventPage reads the member's shard after reached.
func (l *Log) eventPage(ctx context.Context, member string, reached graph.EventID) (eventPage, error) {
	recs, err := l.db.Read(ctx, cypher.EventsSince, map[string]any{"member": member, "shard": int64(reached.Shard),
		"after": reached.Seq, "limit": int64(changesPerRead)})
	if err != nil {
		return eventPage{}, err
	}
	if len(recs) == 0 {
		return eventPage{}, graph.ErrEventsLost // no log: a new database
	}
	epoch, e1 := bolt.Value[string](recs[0], "epoch")
	head, e2 := bolt.Value[int64](recs[0], "head")
	seqs, e3 := bolt.Value[[]any](recs[0], "seqs")
	events, e4 := bolt.Value[[]any](recs[0], "events")
	ids, e5 := bolt.Value[[]any](recs[0], "ids")
	if err := errors.Join(e1, e2, e3, e4, e5); err != nil {
		return eventPage{}, err
	}
	if len(ids) != len(seqs) || len(events) != len(seqs) {
		return eventPage{}, fmt.Errorf("events since: %d changes, %d ids, %d lists of events", len(seqs), len(ids), len(events))
	}
	page := eventPage{epoch: epoch, head: head, seqs: positions(seqs), ids: make([]string, len(ids)), events: make([][]any, len(events))}
	for i, id := range ids {
		page.ids[i], _ = id.(string)
	}
	for i, e := range events {
		page.events[i], _ = e.([]any)
	}
	return page, nil
}

package changelog

import (
	"context"
	"errors"

	"github.com/reach-network/reach/cypher"
	"github.com/reach-network/reach/graph"
	"github.com/reach-network/reach/graph/bolt"
	"github.com/reach-network/reach/graph/projection"
)

// A replica trusts the log's head only once the log holds, at each position the replica applied,
// the change the replica applied there: each write draws a random id for its changes
// (cypher/AppendChange.cypher), which a database restored from a backup, or replaced, numbering
// its next changes as it numbered the lost ones, never draws again (graph/projection/fork.go).
// Every statement that reads the head for a replica reads those ids with it, in the same round
// trip: ChangesSince for the tailer, ChangeLogHead for a fully consistent read (HeadFor) and for
// a load's starting positions (idsAt).

// HeadFor returns the change log's head for a read answered from p, as Head does, and confirms
// in the same statement that the log holds, at the positions p has applied, the changes p
// applied there. It fails with projection.ErrFork when it does not, and p's state answers
// nothing more until it is loaded again.
func HeadFor(ctx context.Context, db *bolt.DB, p *projection.Projection) (graph.Token, error) {
	st, at, ids := p.Position()
	h, found, err := headWithIDs(ctx, db, at)
	if err != nil {
		return graph.Token{}, err
	}
	if err := p.Confirmed(st, at, ids, found); err != nil {
		db.ForgetBookmarks() // of writes the database lost: a transaction carrying them would wait for them
		return graph.Token{}, err
	}
	return graph.NewToken(h.epoch, h.heads), nil
}

// headWithIDs reads the log's head and the ids of the changes at the positions at (by shard).
func headWithIDs(ctx context.Context, db *bolt.DB, at []int64) (logHead, []any, error) {
	recs, err := db.Read(bolt.WithoutBookmarks(ctx), cypher.ChangeLogHead, map[string]any{"batch": map[string]any{"at": at}})
	if err != nil {
		return logHead{}, nil, err
	}
	if epoch, _ := recs[0].Get("epoch"); epoch == nil {
		return logHead{}, nil, errors.New("no change log yet")
	}
	h, e1 := readHead(recs[0])
	found, e2 := bolt.Value[[]any](recs[0], "ids")
	return h, found, errors.Join(e1, e2)
}

// idsAt returns the ids of the changes at the positions at, by shard: "" where the log holds
// none (a shard at 0, or a change committed a moment ago and not visible yet) or one logged
// before ids. A load starts from them, so that the first read of the log after it confirms the
// history the load read.
func (l *Log) idsAt(ctx context.Context, at []int64) ([]string, error) {
	_, found, err := headWithIDs(ctx, l.db, at)
	ids := make([]string, len(at))
	for s := range ids {
		if s < len(found) {
			ids[s], _ = found[s].(string)
		}
	}
	return ids, err
}

// history tells whether the log, at head with found the ids at st's positions, holds the history
// st applied, so that applying changes brings st to head: nil if so; ErrReload for another log (a
// new database, another shard count); projection.ErrFork, with st marked so that it answers
// nothing, for a log of the same epoch whose heads are behind st or whose changes at st's
// positions are not st's. A state of the log before shards (one position, from a snapshot taken
// then) has the other shards' positions, 0, added: that log became shard 0.
func (l *Log) history(st *projection.State, head logHead, found []any) error {
	if head.epoch != st.Epoch || len(head.heads) < len(st.Applied) {
		return projection.ErrReload
	}
	for len(st.Applied) < len(head.heads) {
		st.Applied, st.AppliedIDs = append(st.Applied, 0), append(st.AppliedIDs, "")
	}
	for s, h := range head.heads {
		if h < st.Applied[s] {
			l.projection.Distrust(st)
			return projection.ErrFork
		}
	}
	return l.projection.Confirm(st, found)
}

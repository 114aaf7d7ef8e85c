package changelog

import (
	"context"
	"errors"

	"github.com/reach-network/reach/cypher"
	"github.com/reach-network/reach/graph"
	"github.com/reach-network/reach/graph/bolt"
)

// Head returns the change log's head as a token, read through db: its epoch and latest committed
// change.
func Head(ctx context.Context, db *bolt.DB) (graph.Token, error) {
	recs, err := db.Read(ctx, cypher.ChangeLogHead, nil)
	if err != nil {
		return graph.Token{}, err
	}
	epoch, err1 := bolt.Value[string](recs[0], "epoch")
	head, err2 := bolt.Value[int64](recs[0], "head")
	if err := errors.Join(err1, err2); err != nil {
		return graph.Token{}, err
	}
	if epoch == "" {
		return graph.Token{}, errors.New("no change log yet")
	}
	return graph.Token{Epoch: epoch, Seq: head}, nil
}

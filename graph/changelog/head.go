package changelog

import (
	"context"
	"errors"

	"github.com/reach-network/reach/cypher"
	"github.com/reach-network/reach/graph"
	"github.com/reach-network/reach/graph/bolt"
)

// Head returns the change log's head as a token, read through db: its epoch and every shard's
// latest committed change, read in one statement.
func Head(ctx context.Context, db *bolt.DB) (graph.Token, error) {
	recs, err := db.Read(ctx, cypher.ChangeLogHead, nil)
	if err != nil {
		return graph.Token{}, err
	}
	epoch, _ := recs[0].Get("epoch")
	if epoch == nil {
		return graph.Token{}, errors.New("no change log yet")
	}
	h, err := readHead(recs[0])
	if err != nil {
		return graph.Token{}, err
	}
	return graph.NewToken(h.epoch, h.heads), nil
}

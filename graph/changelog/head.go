package changelog

import (
	"context"

	"github.com/reach-network/reach/graph"
	"github.com/reach-network/reach/graph/bolt"
)

// Head returns the change log's head as a token, read through db: its epoch and every shard's
// latest committed change, read in one statement.
func Head(ctx context.Context, db *bolt.DB) (graph.Token, error) {
	h, _, err := headWithIDs(ctx, db, []int64{})
	if err != nil {
		return graph.Token{}, err
	}
	return graph.NewToken(h.epoch, h.heads), nil
}

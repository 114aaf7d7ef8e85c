package changelog

import (
	"context"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
	"github.com/reach-network/reach/cypher"
	"github.com/reach-network/reach/graph/bolt"
)

// An online import writes its rows in many batches, each a transaction of its own, too many rows
// to list in a change: replicas read everything again instead. Were each batch to say so, a
// replica would begin loading at every batch and never finish while the import runs, since a
// reload change committed after a load began ends that load. So the batches of one import
// record no change; they mark the log as importing, and the import's end appends one reload
// change, whether it succeeded or failed partway, since the rows it wrote are in Neo4j either
// way. An import whose process ended without ending it leaves the mark, and the first replica
// to find it older than a bound ends it (Log.EndAbandonedImport).

// importKey marks a context as an online import's (Importing).
type importKey struct{}

// Importing returns ctx for the batches of one online import (ImportBatch).
func Importing(ctx context.Context) context.Context { return context.WithValue(ctx, importKey{}, true) }

// ImportBatch says that the transaction writes a batch of rows of a bulk import. In an online
// import's context (Importing), the batch records no change and marks the log as importing; the
// import's end (EndImport) has replicas read everything again. Outside one, the batch is an import
// of its own, and has them read everything again when it commits (TouchAll).
func ImportBatch(ctx context.Context, tx neo4j.ManagedTransaction) error {
	if ctx.Value(importKey{}) == nil {
		TouchAll(tx)
		return nil
	}
	_, err := bolt.Collect(ctx, tx, cypher.MarkImport, nil)
	return err
}

// EndImport says that the transaction ends an online import: replicas read everything again,
// once, and the log's mark of the import goes.
func EndImport(ctx context.Context, tx neo4j.ManagedTransaction) error {
	TouchAll(tx)
	_, err := bolt.Collect(ctx, tx, cypher.EndImport, nil)
	return err
}

// EndAbandonedImport ends an online import whose latest batch wrote more than idle ago, by
// Neo4j's clock: its process ended without ending it, and the rows it wrote reach replicas only
// now. It tells whether there was one.
func (l *Log) EndAbandonedImport(ctx context.Context, idle time.Duration) (ended bool, err error) {
	defer bolt.Wrap(&err, "EndAbandonedImport(%s)", idle)
	_, _, err = Write(ctx, l.db, l.shards, &LockTimes{}, func(tx neo4j.ManagedTransaction) (struct{}, error) {
		recs, err := bolt.Collect(ctx, tx, cypher.AbandonedImport, map[string]any{"idleMillis": idle.Milliseconds()})
		if err != nil {
			return struct{}{}, err
		}
		abandoned, err := bolt.Value[int64](recs[0], "abandoned")
		ended = abandoned > 0
		if err != nil || !ended {
			return struct{}{}, err
		}
		return struct{}{}, EndImport(ctx, tx)
	})
	return ended, err
}

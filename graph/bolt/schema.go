package bolt

import (
	"context"
	"errors"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
)

// schemaAttempts bounds how often ApplySchema runs a schema statement that Neo4j refused. Two
// processes creating the same constraint at once deadlock, and one of them is refused though the
// constraint then exists; every schema statement is idempotent (IF NOT EXISTS), so running it
// again is safe and settles it.
const schemaAttempts = 5

// schemaRetryPause is the pause before ApplySchema's second attempt; each later one waits as much
// longer. It is short: the driver's own retries of a transaction wait a second or more, and
// replicas starting together would each wait that long for every constraint they both create.
const schemaRetryPause = 100 * time.Millisecond

// ApplySchema runs one schema statement (a constraint or an index) in an auto-commit transaction
// of its own, where writes go, and again after Neo4j refused it, pausing a little longer each
// time. When Neo4j does not answer, it fails at once: a caller waiting for Neo4j retries.
func (db *DB) ApplySchema(ctx context.Context, stmt string) (err error) {
	for attempt := 1; ; attempt++ {
		err = db.schemaOnce(ctx, stmt)
		var refused *neo4j.Neo4jError
		if err == nil || !errors.As(err, &refused) || attempt == schemaAttempts {
			return err
		}
		select {
		case <-ctx.Done():
			return err
		case <-time.After(time.Duration(attempt) * schemaRetryPause):
		}
	}
}

// schemaOnce runs stmt once, with no retry by the driver.
func (db *DB) schemaOnce(ctx context.Context, stmt string) error {
	session := db.Session(ctx, neo4j.AccessModeWrite)
	defer session.Close(ctx)
	res, err := session.Run(ctx, stmt, nil, WithDeadline(ctx)...)
	if err != nil {
		return err
	}
	_, err = res.Consume(ctx)
	return err
}

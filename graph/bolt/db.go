// Package bolt runs statements on Neo4j for the graph's stores: sessions, retries, deadlines,
// tracing, converting values, and translating the driver's errors into graph's. It imports no
// store above it.
package bolt

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
	"github.com/reach-network/reach/cypher"
	"github.com/reach-network/reach/graph"
)

// asNeo4jTime prepares any time to be passed to Neo4j and compared with stored times.
func AsNeo4jTime(t time.Time) time.Time { return t.In(graph.UtcOffset) }

// read runs one read-only statement on a reader of a cluster, as an auto-commit transaction:
// one exchange with the server instead of the begin, run and commit of a managed transaction,
// which makes a cheap query about a third cheaper for Neo4j to answer (docs/performance.md).
// Being a read, it is simply run again on transient failures, up to readAttempts times. It shares
// the bookmarks of write, so a read that follows a write sees it, on a cluster too.
func (db *DB) Read(ctx context.Context, query string, params map[string]any) (recs []*neo4j.Record, err error) {
	for attempt := 1; ; attempt++ {
		recs, err = db.readOnce(ctx, query, params)
		if err == nil || !neo4j.IsRetryable(err) || attempt == readAttempts {
			return recs, err
		}
		select {
		case <-ctx.Done():
			return nil, err
		case <-time.After(time.Duration(attempt) * readRetryPause):
		}
	}
}

// readAttempts and readRetryPause bound how read retries a statement after transient failures
// (a leader change, a replica catching up): a few tries, pausing a little longer each time.
const (
	readAttempts   = 4
	readRetryPause = 50 * time.Millisecond
)

func (db *DB) readOnce(ctx context.Context, query string, params map[string]any) (_ []*neo4j.Record, err error) {
	ctx, end := Traced(ctx, query)
	defer func() { end(err) }()
	if err := onePlan(params); err != nil {
		return nil, err
	}
	leave, err := db.Reads.Enter(ctx)
	if err != nil {
		return nil, err
	}
	defer leave()
	db.Samples.Remember(query, params, false)
	landed, err := db.FirstRuns.Ahead(ctx, query)
	if err != nil {
		return nil, err
	}
	// A read that must see writes made through other replicas goes where writes go: a cluster's
	// followers may lag behind. The token's bookmarks are not used: a client could make them up
	// and have Neo4j wait for a transaction that never comes (CheckToken vets the rest of it).
	mode := neo4j.AccessModeRead
	if c := graph.ConsistencyOf(ctx); c.Mode == graph.FullyConsistent || c.Mode == graph.AtLeastAsFresh {
		mode = neo4j.AccessModeWrite
	}
	session := db.Session(ctx, mode)
	defer session.Close(ctx)
	res, err := session.Run(ctx, query, params, WithDeadline(ctx)...)
	if err != nil {
		landed(false)
		return nil, err
	}
	recs, err := res.Collect(ctx)
	landed(err == nil)
	return recs, err
}

// Write runs one statement that writes as an auto-commit transaction: its begin, its run and
// its commit in one exchange with the server, where a managed transaction (WriteTx) waits for
// each. It returns the statement's records and the commit's bookmarks. The driver does not run it
// again: after a failure that is not Neo4j's own answer (a *neo4j.Neo4jError), such as a
// connection lost, it may have committed or not. Past the DB's bound on writes at once it returns
// ErrUnavailable without writing.
func (db *DB) Write(ctx context.Context, query string, params map[string]any) (_ []*neo4j.Record, _ neo4j.Bookmarks, err error) {
	ctx, end := Traced(ctx, query)
	defer func() { end(err) }()
	if err := onePlan(params); err != nil {
		return nil, nil, err
	}
	leave, err := db.Writes.Enter(ctx)
	if err != nil {
		return nil, nil, err
	}
	defer leave()
	db.Samples.Remember(query, params, true)
	landed, err := db.FirstRuns.Ahead(ctx, query)
	if err != nil {
		return nil, nil, err
	}
	session := db.Session(ctx, neo4j.AccessModeWrite)
	defer session.Close(ctx)
	res, err := session.Run(ctx, query, params, WithDeadline(ctx)...)
	if err != nil {
		landed(false)
		return nil, nil, err
	}
	recs, err := res.Collect(ctx)
	landed(err == nil)
	if err != nil {
		return nil, nil, err
	}
	return recs, session.LastBookmarks(), nil
}

// WithDeadline gives a transaction the time left before ctx's deadline as its timeout, so that
// Neo4j itself ends a transaction whose request has given up, releasing its locks, rather than
// finishing work nobody waits for. Every transaction the stores begin passes it
// (deadline_test.go checks). A managed transaction the driver retries keeps its first attempt's
// timeout; the driver stops retrying at the deadline, and closes the connection of a statement
// whose context ended.
func WithDeadline(ctx context.Context) []func(*neo4j.TransactionConfig) {
	deadline, ok := ctx.Deadline()
	if !ok {
		return nil
	}
	return []func(*neo4j.TransactionConfig){neo4j.WithTxTimeout(max(time.Until(deadline), time.Millisecond))}
}

// collect runs one statement inside a transaction and returns all its records.
func Collect(ctx context.Context, tx neo4j.ManagedTransaction, query string, params map[string]any) ([]*neo4j.Record, error) {
	var recs []*neo4j.Record
	err := Each(ctx, tx, query, params, func(rec *neo4j.Record) error {
		recs = append(recs, rec)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return recs, nil
}

// DB runs statements on one Neo4j database: sessions, retries, deadlines and tracing, the
// statements run so far, for Warm, and which of them have run since Neo4j last lost its plans
// (FirstRuns).
type DB struct {
	Driver    neo4j.DriverWithContext
	Name      string
	Samples   Samples
	FirstRuns FirstRuns
	// Bookmarks, when set, is the bookmark manager the DB's sessions share, perhaps with another
	// DB on the same database whose writes this one's reads must see (a DB with a driver of its
	// own); nil: the driver's, which ForgetBookmarks cannot empty.
	Bookmarks *Bookmarks
	// Reads and Writes bound the reads and the write transactions the DB has Neo4j doing at
	// once (nil: unbounded); the change log's tail, with a DB of its own, has none. Exports bounds
	// the account exports apart, since each holds its read for as long as its answer takes.
	Reads, Writes, Exports *Gate
}

// Session opens a session on the database in mode, sharing the DB's bookmarks so that a read
// begun after a write sees it, on a cluster too; with none when ctx says so (WithoutBookmarks).
func (db *DB) Session(ctx context.Context, mode neo4j.AccessMode) neo4j.SessionWithContext {
	config := neo4j.SessionConfig{DatabaseName: db.Name, AccessMode: mode}
	if bookmarksWanted(ctx) {
		config.BookmarkManager = db.BookmarkManager()
	}
	return db.Driver.NewSession(ctx, config)
}

// BookmarkManager is what the DB's sessions share bookmarks through: Bookmarks when set, the
// driver's own otherwise.
func (db *DB) BookmarkManager() neo4j.BookmarkManager {
	if db.Bookmarks != nil {
		return db.Bookmarks
	}
	return db.Driver.ExecuteQueryBookmarkManager()
}

// ForgetBookmarks empties Bookmarks (Bookmarks.Forget), when the DB has its own.
func (db *DB) ForgetBookmarks() {
	if db.Bookmarks != nil {
		db.Bookmarks.Forget()
	}
}

// Ping checks that Neo4j answers on a connection of the DB's pool; it fails with ErrUnavailable
// when it does not.
func (db *DB) Ping(ctx context.Context) (err error) {
	defer Wrap(&err, "ping")
	return db.Driver.VerifyConnectivity(ctx)
}

// Started pings Neo4j, on the server that takes writes, and answers when its process started, as
// its JVM says: a different answer from one ping to the next says that Neo4j restarted between
// them, however quickly, and lost the plans it had made. It answers the zero time when Neo4j does
// not let the DB's user ask (then only the ping is made), and fails with ErrUnavailable when Neo4j
// does not answer.
func (db *DB) Started(ctx context.Context) (_ time.Time, err error) {
	defer Wrap(&err, "ping")
	session := db.Driver.NewSession(ctx, neo4j.SessionConfig{DatabaseName: db.Name, AccessMode: neo4j.AccessModeWrite})
	defer session.Close(ctx)
	res, err := session.Run(ctx, cypher.Neo4jStarted, nil, WithDeadline(ctx)...)
	var rec *neo4j.Record
	if err == nil {
		rec, err = res.Single(ctx)
	}
	var refused *neo4j.Neo4jError
	if errors.As(err, &refused) && strings.HasPrefix(refused.Code, "Neo.ClientError.") {
		return time.Time{}, db.Driver.VerifyConnectivity(ctx) // no such procedure, or not allowed
	}
	if err != nil {
		return time.Time{}, err
	}
	ms, err := Value[int64](rec, "started")
	return time.UnixMilli(ms), err
}

// Close releases the driver's connections.
func (db *DB) Close(ctx context.Context) error { return db.Driver.Close(ctx) }

// writeTx runs work in one write transaction, retried by the driver on transient failures, with
// nothing recorded in the change log.
func WriteTx[T any](ctx context.Context, db *DB, work func(tx neo4j.ManagedTransaction) (T, error)) (T, error) {
	leave, err := db.Writes.Enter(ctx)
	if err != nil {
		var none T
		return none, err
	}
	defer leave()
	session := db.Session(ctx, neo4j.AccessModeWrite)
	defer session.Close(ctx)
	return neo4j.ExecuteWrite(ctx, session, work, WithDeadline(ctx)...)
}

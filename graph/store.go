package graph

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
	"github.com/neo4j/neo4j-go-driver/v5/neo4j/config"

	"github.com/reach-network/reach/cypher"
)

// Config says which Neo4j to use. An empty User means the server runs without authentication, as
// the local launcher does on loopback.
type Config struct {
	URI      string // bolt://, neo4j:// (routing to a cluster), neo4j+s://, ...
	User     string
	Password string
	Database string // empty for the server's default database
	// Clock tells the time that writes record and that time windows are measured against;
	// nil means time.Now. Tests set it to move time forward.
	Clock func() time.Time
	// Limits are the abuse and moderation thresholds; zero fields take DefaultLimits.
	Limits Limits
	// CachedConnections bounds the memory of the cache of connection lists (graph/neighbours.go)
	// to 4 bytes (one connection held) times this number: the member-id table and each list's
	// bookkeeping count against it too. Zero means DefaultCachedConnections.
	CachedConnections int
	// Pool sizes the driver's connection pool and bounds its waits; zero fields take
	// DefaultPool's.
	Pool Pool
	// Freshness says how current the in-memory projection is kept (KeepProjection) and must be
	// to answer; zero fields take DefaultFreshness'.
	Freshness Freshness
	// ProjectionSnapshot, when set, is the file the projection is saved to after each load from
	// Neo4j and when KeepProjection ends, and restored from when it starts (snapshot.go).
	ProjectionSnapshot string
}

// Pool is how the store uses connections to Neo4j.
type Pool struct {
	// Size is the most connections open to one server at once.
	Size int
	// AcquireTimeout bounds the wait for a free connection, or a new one, from the pool; a
	// request's own deadline bounds it too, whichever comes first.
	AcquireTimeout time.Duration
	// RetryTime bounds how long a write transaction is retried after transient failures (a
	// deadlock, a lost connection). Keep it no longer than the deadline requests give writes.
	RetryTime time.Duration
}

// DefaultPool is the driver's pool size with waits short enough that a client learns of an
// outage in seconds, not the driver's default minute.
var DefaultPool = Pool{Size: 100, AcquireTimeout: 2 * time.Second, RetryTime: 5 * time.Second}

// DefaultCachedConnections gives the cache 80 MB: room for every list of a 100,000-member network
// of 100 connections each (about 60 MB with the ids).
const DefaultCachedConnections = 20_000_000

// Store keeps the graph in Neo4j. It is safe for concurrent use.
type Store struct {
	driver neo4j.DriverWithContext
	db     string
	clock  func() time.Time
	limits Limits
	// neighbours caches connection lists; see neighbours.go.
	neighbours *neighbours
	// migrated is set once Migrate has applied the schema.
	migrated atomic.Bool
	// samples remembers the statements run, for Warm.
	samples samples
	// projection answers reachability from memory once KeepProjection keeps it; see projection.go.
	projection *projection
	freshness  Freshness
	snapshot   string // Config.ProjectionSnapshot
	heads      heads  // looks at the change log's head, shared by fully consistent reads
}

// Open makes a store for the Neo4j that cfg names and checks that it answers; it fails with
// ErrUnavailable when it does not, and with another error when cfg is wrong.
func Open(ctx context.Context, cfg Config) (*Store, error) {
	s, err := New(cfg)
	if err != nil {
		return nil, err
	}
	if err := s.Ping(ctx); err != nil {
		s.Close(context.WithoutCancel(ctx))
		return nil, err
	}
	return s, nil
}

// New makes a store for the Neo4j that cfg names without waiting for it to answer: a server can
// start while Neo4j is down, answer ErrUnavailable meanwhile, and recover once it answers, since
// the driver connects on demand. It fails only when cfg is wrong, such as a malformed URI.
func New(cfg Config) (_ *Store, err error) {
	defer wrap(&err, "neo4j at %s", cfg.URI)
	auth := neo4j.NoAuth()
	if cfg.User != "" {
		auth = neo4j.BasicAuth(cfg.User, cfg.Password, "")
	}
	pool := cfg.Pool.orDefaults()
	driver, err := neo4j.NewDriverWithContext(cfg.URI, auth, func(c *config.Config) {
		c.MaxConnectionPoolSize = pool.Size
		c.ConnectionAcquisitionTimeout = pool.AcquireTimeout
		c.SocketConnectTimeout = pool.AcquireTimeout
		c.MaxTransactionRetryTime = pool.RetryTime
	})
	if err != nil {
		return nil, err
	}
	clock := cfg.Clock
	if clock == nil {
		clock = time.Now
	}
	limits := cfg.Limits
	if limits.InMailsPerDay <= 0 {
		limits.InMailsPerDay = DefaultLimits.InMailsPerDay
	}
	if limits.BlastLimit <= 0 {
		limits.BlastLimit = DefaultLimits.BlastLimit
	}
	if limits.ReportsToRestrict <= 0 {
		limits.ReportsToRestrict = DefaultLimits.ReportsToRestrict
	}
	if limits.RequestsMonthly <= 0 {
		limits.RequestsMonthly = DefaultLimits.RequestsMonthly
	}
	cached := cfg.CachedConnections
	if cached <= 0 {
		cached = DefaultCachedConnections
	}
	return &Store{driver: driver, db: cfg.Database, clock: clock, limits: limits,
		neighbours: newNeighbours(int64(cached) * connectionBytes),
		projection: newProjection(), freshness: cfg.Freshness.orDefaults(), snapshot: cfg.ProjectionSnapshot}, nil
}

// orDefaults fills the zero fields of f from DefaultFreshness.
func (f Freshness) orDefaults() Freshness {
	if f.Interval <= 0 {
		f.Interval = DefaultFreshness.Interval
	}
	if f.Bound <= 0 {
		f.Bound = DefaultFreshness.Bound
	}
	if f.Wait <= 0 {
		f.Wait = DefaultFreshness.Wait
	}
	return f
}

// orDefaults fills the zero fields of p from DefaultPool.
func (p Pool) orDefaults() Pool {
	if p.Size <= 0 {
		p.Size = DefaultPool.Size
	}
	if p.AcquireTimeout <= 0 {
		p.AcquireTimeout = DefaultPool.AcquireTimeout
	}
	if p.RetryTime <= 0 {
		p.RetryTime = DefaultPool.RetryTime
	}
	return p
}

// utcOffset is UTC as a fixed offset. The driver sends a time whose zone is named "Offset" as a
// datetime with an offset, the kind Neo4j itself stores; a named zone such as "UTC" would be
// ordered apart from an offset even at the same instant, and range comparisons would go wrong.
var utcOffset = time.FixedZone("Offset", 0)

// now is the current time, ready to pass to Neo4j.
func (s *Store) now() time.Time { return asNeo4jTime(s.clock()) }

// asNeo4jTime prepares any time to be passed to Neo4j and compared with stored times.
func asNeo4jTime(t time.Time) time.Time { return t.In(utcOffset) }

// Close releases the driver's connections.
func (s *Store) Close(ctx context.Context) error { return s.driver.Close(ctx) }

// Ping checks that Neo4j answers; it fails with ErrUnavailable when it does not.
func (s *Store) Ping(ctx context.Context) (err error) {
	defer wrap(&err, "ping")
	return s.driver.VerifyConnectivity(ctx)
}

// Migrate applies the schema: constraints and indexes, each idempotent, then waits for indexes
// to come online so that the first queries already use them.
func (s *Store) Migrate(ctx context.Context) (err error) {
	defer wrap(&err, "migrate")
	for _, stmt := range append(cypher.Schema(), "CALL db.awaitIndexes(300)") {
		if err := s.migrateOne(ctx, stmt); err != nil {
			return fmt.Errorf("%s: %w", stmt, err)
		}
	}
	s.migrated.Store(true)
	return nil
}

// migrateAttempts bounds how often Migrate runs a schema statement that failed. Two processes
// creating the same constraint at once can fail one of them though the constraint then exists;
// every statement is idempotent (IF NOT EXISTS), so running it again is safe and settles it.
const migrateAttempts = 5

// migrateOne runs one schema statement, again after Neo4j refused it, pausing a little longer
// each time. When Neo4j does not answer, it fails at once: a caller waiting for Neo4j retries.
func (s *Store) migrateOne(ctx context.Context, stmt string) (err error) {
	for attempt := 1; ; attempt++ {
		_, err = neo4j.ExecuteQuery(ctx, s.driver, stmt, nil, neo4j.EagerResultTransformer,
			neo4j.ExecuteQueryWithDatabase(s.db), neo4j.ExecuteQueryWithWritersRouting())
		var refused *neo4j.Neo4jError
		if err == nil || !errors.As(err, &refused) || attempt == migrateAttempts {
			return err
		}
		select {
		case <-ctx.Done():
			return err
		case <-time.After(time.Duration(attempt) * 200 * time.Millisecond):
		}
	}
}

// Migrated tells whether Migrate has applied the schema since the store was made.
func (s *Store) Migrated() bool { return s.migrated.Load() }

// read runs one read-only statement on a reader of a cluster, as an auto-commit transaction:
// one exchange with the server instead of the begin, run and commit of a managed transaction,
// which makes a cheap query about a third cheaper for Neo4j to answer (docs/performance.md).
// Being a read, it is simply run again on transient failures, up to readAttempts times. It shares
// the bookmarks of write, so a read that follows a write sees it, on a cluster too.
func (s *Store) read(ctx context.Context, query string, params map[string]any) (recs []*neo4j.Record, err error) {
	for attempt := 1; ; attempt++ {
		recs, err = s.readOnce(ctx, query, params)
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

func (s *Store) readOnce(ctx context.Context, query string, params map[string]any) (_ []*neo4j.Record, err error) {
	ctx, end := traced(ctx, query)
	defer func() { end(err) }()
	s.samples.remember(query, params, false)
	// A read that must see writes made through other replicas goes where writes go: a cluster's
	// followers may lag behind. The token's bookmarks are not used: a client could make them up
	// and have Neo4j wait for a transaction that never comes (CheckToken vets the rest of it).
	mode := neo4j.AccessModeRead
	if c := consistencyOf(ctx); c.Mode == FullyConsistent || c.Mode == AtLeastAsFresh {
		mode = neo4j.AccessModeWrite
	}
	session := s.driver.NewSession(ctx, neo4j.SessionConfig{
		DatabaseName:    s.db,
		AccessMode:      mode,
		BookmarkManager: s.driver.ExecuteQueryBookmarkManager(),
	})
	defer session.Close(ctx)
	res, err := session.Run(ctx, query, params, withDeadline(ctx)...)
	if err != nil {
		return nil, err
	}
	return res.Collect(ctx)
}

// write runs work in one write transaction: everything it writes commits together or not at all.
// The driver retries the whole of work on transient failures (deadlocks, leader changes), so work
// must only talk to the transaction it is given. What work says it changed (touch, touchPair,
// touchAll) is recorded in the change log in the same transaction, and the write's token goes to
// ctx's Receipt. It shares the bookmarks of read, so a read that follows a write sees it, on a
// cluster too.
func write[T any](ctx context.Context, s *Store, work func(tx neo4j.ManagedTransaction) (T, error)) (T, error) {
	session := s.driver.NewSession(ctx, neo4j.SessionConfig{
		DatabaseName:    s.db,
		AccessMode:      neo4j.AccessModeWrite,
		BookmarkManager: s.driver.ExecuteQueryBookmarkManager(),
	})
	defer session.Close(ctx)
	var token Token
	out, err := neo4j.ExecuteWrite(ctx, session, func(tx neo4j.ManagedTransaction) (T, error) {
		c := &changes{}
		out, err := work(changeTx{tx, &s.samples, c})
		if err != nil {
			return out, err
		}
		token, err = s.appendChange(ctx, tx, c)
		return out, err
	}, withDeadline(ctx)...)
	if err != nil {
		return out, err
	}
	token.Bookmarks = session.LastBookmarks()
	s.projection.wrote(token)
	recordWrite(ctx, token)
	return out, nil
}

// withDeadline gives a transaction the time left before ctx's deadline as its timeout, so that
// Neo4j itself ends a transaction whose request has given up, releasing its locks, rather than
// finishing work nobody waits for.
func withDeadline(ctx context.Context) []func(*neo4j.TransactionConfig) {
	deadline, ok := ctx.Deadline()
	if !ok {
		return nil
	}
	return []func(*neo4j.TransactionConfig){neo4j.WithTxTimeout(max(time.Until(deadline), time.Millisecond))}
}

// collect runs one statement inside a transaction and returns all its records.
func collect(ctx context.Context, tx neo4j.ManagedTransaction, query string, params map[string]any) (_ []*neo4j.Record, err error) {
	ctx, end := traced(ctx, query)
	defer func() { end(err) }()
	res, err := tx.Run(ctx, query, params)
	if err != nil {
		return nil, err
	}
	return res.Collect(ctx)
}

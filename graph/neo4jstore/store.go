// Package neo4jstore keeps the graph in Neo4j: every domain read and write, with the messaging
// rules enforced in the write's own transaction, and the Neo4j path of the answering chain. It
// must not import answer.
package neo4jstore

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
	"github.com/neo4j/neo4j-go-driver/v5/neo4j/config"
	"github.com/reach-network/reach/cypher"
	"github.com/reach-network/reach/graph"
	"github.com/reach-network/reach/graph/bolt"
	"github.com/reach-network/reach/graph/changelog"
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
	Limits graph.Limits
	// CachedConnections bounds the memory of the cache of connection lists (graph/neo4jstore/neighbours.go)
	// to 4 bytes (one connection held) times this number: the member-id table and each list's
	// bookkeeping count against it too. Zero means DefaultCachedConnections.
	CachedConnections int
	// Pool sizes the driver's connection pool and bounds its waits; zero fields take
	// DefaultPool's.
	Pool Pool
	// LogShards is how many shards the change log gets when this store makes it, in a database
	// that has none (or one made before shards); zero means changelog.DefaultShards. A log keeps
	// the count it was made with for its epoch: writers and replicas read it from the log.
	LogShards int
	// SendTransactions is how many transactions of sends the store has Neo4j writing at once, and
	// SendBatch how many sends one carries at most (sends.go); zero means DefaultSendTransactions
	// and DefaultSendBatch. A SendBatch of 1 writes every send alone.
	SendTransactions, SendBatch int
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
	// Reads and Writes bound the reads and the write transactions the store has Neo4j doing at
	// once; past them, work is shed with ErrUnavailable (bolt.Gate). Zero: unbounded.
	Reads, Writes int
	// Exports bounds the account exports the store reads at once, apart from Reads: an export
	// holds its read transaction for as long as its answer takes to write, so among the reads it
	// would leave requests fewer places for that long. Zero: unbounded.
	Exports int
}

// DefaultReads and DefaultWrites are what `reach serve` bounds Pool.Reads and Pool.Writes to
// unless told otherwise: a few times what a small Neo4j server works on at once, so that bursts
// pass and a slow server is not buried (docs/performance.md, "Holding load"). DefaultExports is
// Pool.Exports': exports are rare, and each holds its read for as long as its answer takes.
const (
	DefaultReads   = 32
	DefaultWrites  = 32
	DefaultExports = 2
)

// DefaultPool is the driver's pool size with waits short enough that a client learns of an
// outage in seconds, not the driver's default minute.
var DefaultPool = Pool{Size: 100, AcquireTimeout: 2 * time.Second, RetryTime: 5 * time.Second}

// DefaultCachedConnections gives the cache 80 MB: room for every list of a 100,000-member network
// of 100 connections each (about 60 MB with the ids).
const DefaultCachedConnections = 20_000_000

// Store keeps the graph in Neo4j. It is safe for concurrent use.
type Store struct {
	db     *bolt.DB
	clock  func() time.Time
	limits graph.Limits
	// neighbours caches connection lists; see neighbours.go.
	neighbours *neighbours
	// schema is closed once Migrate has applied the schema (schemaOnce).
	schema     chan struct{}
	schemaOnce sync.Once
	// rehearsed is set once Rehearse has had the statements of members' requests planned.
	rehearsed atomic.Bool
	// wrote hears of every write's token, and the members it touched, once committed (OnWrite).
	wrote func(graph.Token, []string)
	// locks times the writes' waits for the change log's locks, and their holds.
	locks changelog.LockTimes
	// logShards is the shard count of a change log this store makes (Config.LogShards).
	logShards int
	// sends gathers sends into shared transactions (sends.go).
	sends *sendQueue
}

// OnWrite has the store tell f of every write's token and the members it touched (nil: every
// member) once it commits, such as the projection, which answers a member's reads on a replica
// only once it holds the replica's writes that touched them. Call it before the store is used.
func (s *Store) OnWrite(f func(t graph.Token, members []string)) { s.wrote = f }

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
func New(cfg Config) (*Store, error) {
	db, err := NewDB(cfg)
	if err != nil {
		return nil, err
	}
	clock := cfg.Clock
	if clock == nil {
		clock = time.Now
	}
	limits := cfg.Limits.OrDefaults()
	cached := cfg.CachedConnections
	if cached <= 0 {
		cached = DefaultCachedConnections
	}
	s := &Store{db: db, clock: clock, limits: limits, logShards: cfg.LogShards, schema: make(chan struct{}),
		neighbours: newNeighbours(int64(cached) * connectionBytes), wrote: func(graph.Token, []string) {}}
	transactions, most := orDefault(cfg.SendTransactions, DefaultSendTransactions), orDefault(cfg.SendBatch, DefaultSendBatch)
	s.sends = &sendQueue{transactions: transactions, most: most, limit: transactions * most, run: s.sendBatch}
	return s, nil
}

// orDefault is n, or def when n is not positive.
func orDefault(n, def int) int {
	if n <= 0 {
		return def
	}
	return n
}

// NewDB makes a handle on the database cfg names, with a driver and a pool of connections of its
// own sized by cfg.Pool, without waiting for Neo4j to answer. The store makes one; reach serve
// makes a small second one for the work that must not wait behind requests for a connection:
// keeping the projection current and pinging Neo4j (answer.Options.Tail). It fails only when cfg
// is wrong, such as a malformed URI. Close it when done.
func NewDB(cfg Config) (_ *bolt.DB, err error) {
	defer bolt.Wrap(&err, "neo4j at %s", cfg.URI)
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
	return &bolt.DB{Driver: driver, Name: cfg.Database, Reads: bolt.NewGate(pool.Reads), Writes: bolt.NewGate(pool.Writes),
		Exports: bolt.NewGate(pool.Exports), Bookmarks: bolt.NewBookmarks()}, nil
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

// now is the current time, ready to pass to Neo4j.
func (s *Store) now() time.Time { return bolt.AsNeo4jTime(s.clock()) }

// Close releases the driver's connections.
func (s *Store) Close(ctx context.Context) error { return s.db.Close(ctx) }

// Ping checks that Neo4j answers; it fails with ErrUnavailable when it does not.
func (s *Store) Ping(ctx context.Context) error { return s.db.Ping(ctx) }

// Migrate applies the schema: constraints and indexes, each idempotent, then waits for indexes
// to come online so that the first queries already use them, gives messages written before
// mailbox keys theirs (BackfillMailboxKeys) and builds the conversations of messages written
// before conversations (backfillConversations); both find nothing to do once done.
func (s *Store) Migrate(ctx context.Context) (err error) {
	defer bolt.Wrap(&err, "migrate")
	for _, stmt := range append(cypher.Schema(), "CALL db.awaitIndexes(300)") {
		if err := s.db.ApplySchema(ctx, stmt); err != nil {
			return fmt.Errorf("%s: %w", stmt, err)
		}
	}
	if err := s.backfill(ctx, cypher.BackfillMailboxKeys); err != nil {
		return fmt.Errorf("BackfillMailboxKeys: %w", err)
	}
	if err := changelog.Ensure(ctx, s.db, s.logShards); err != nil {
		return fmt.Errorf("change log: %w", err)
	}
	if err := s.backfillConversations(ctx); err != nil {
		return fmt.Errorf("conversations: %w", err)
	}
	s.schemaOnce.Do(func() { close(s.schema) })
	return nil
}

// backfill runs a data migration that commits in batches of its own (CALL { } IN TRANSACTIONS),
// which only an auto-commit transaction may do. Retrying it is safe: it writes only what is
// still missing.
func (s *Store) backfill(ctx context.Context, statement string) error {
	session := s.db.Session(ctx, neo4j.AccessModeWrite)
	defer session.Close(ctx)
	res, err := session.Run(ctx, statement, nil, bolt.WithDeadline(ctx)...)
	if err != nil {
		return err
	}
	_, err = res.Consume(ctx)
	return err
}

// Migrated tells whether Migrate has applied the schema since the store was made.
func (s *Store) Migrated() bool {
	select {
	case <-s.schema:
		return true
	default:
		return false
	}
}

// SchemaApplied is closed once Migrate has applied the schema: what must not run before the
// constraints exist waits for it, such as the projection's first load, which makes the change
// log in a database that has none.
func (s *Store) SchemaApplied() <-chan struct{} { return s.schema }

// write runs work in one write transaction: everything it writes commits together or not at all.
// The driver retries the whole of work on transient failures (deadlocks, leader changes), so work
// must only talk to the transaction it is given. What work says it changed (touch, touchPair,
// touchAll) is recorded in the change log in the same transaction, and the write's token goes to
// ctx's Receipt. It shares the bookmarks of read, so a read that follows a write sees it, on a
// cluster too.
func write[T any](ctx context.Context, s *Store, work func(tx neo4j.ManagedTransaction) (T, error)) (T, error) {
	out, written, err := changelog.Write(ctx, s.db, s.logShards, &s.locks, work)
	if err != nil {
		return out, err
	}
	members := written.Members
	if graph.IsForEveryone(ctx) {
		members = nil
	}
	s.wrote(written.Token, members)
	graph.RecordWrite(ctx, written.Token)
	return out, nil
}

// LogShards is the shard count of a change log this store makes (Config.LogShards).
func (s *Store) LogShards() int { return s.logShards }

// LockStats says how long the store's writes waited for the change log's locks and held them.
func (s *Store) LockStats() graph.LockStats { return s.locks.Stats() }

// SendStats counts the transactions of sends the store ran from its queue, the sends they carried,
// the sends refused because the queue was full, and the sends written directly or not (direct.go).
func (s *Store) SendStats() graph.SendStats {
	return graph.SendStats{Transactions: s.sends.transactionsRun.Load(), Sends: s.sends.sendsRun.Load(), Shed: s.sends.shed.Load(),
		Direct: s.sends.direct.Load(), Missed: s.sends.missed.Load()}
}

// DB is the database the store runs its statements on, for tools that ask Neo4j questions of
// their own, such as the benchmark's baseline.
func (s *Store) DB() *bolt.DB { return s.db }

// Clock is the time the store's writes record and its windows are measured against.
func (s *Store) Clock() time.Time { return s.clock() }

// Limits are the abuse and moderation thresholds the store enforces.
func (s *Store) Limits() graph.Limits { return s.limits }

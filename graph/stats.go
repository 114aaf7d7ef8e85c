package graph

import "time"

// ProjectionStats says how the projection is doing, for metrics.
type ProjectionStats struct {
	// Loaded says that a state was put in place since the process started. While a reload builds
	// the next, the replica holds none: Members and Connections are 0, Staleness grows, and reads
	// go to Neo4j.
	Loaded    bool
	Applied   int64         // the changes applied: every shard's position added up
	Staleness time.Duration // since the log was last read to its head
	Members   int
	// Connections held, each counted once per member who has it.
	Connections int
	Served      int64 // reads answered from memory
	Fallbacks   int64 // reads the projection could not answer, handed on to Neo4j
	Shed        int64 // of those, reads refused because the cap on reads asking Neo4j at once was reached
	Loads       int64 // loads completed, from Neo4j or a snapshot
}

// ShedStats counts the work a replica refused rather than queue it for Neo4j, past its bounds on
// reads, write transactions and account exports at once (REACH_NEO4J_READS, REACH_NEO4J_WRITES,
// REACH_NEO4J_EXPORTS).
type ShedStats struct {
	Reads, Writes, Exports int64
}

// SendStats counts the batches of sends a replica ran (Transactions: each by a write
// transaction, a guarded statement or both) and the sends they carried: their ratio is how many
// sends shared a batch on average (REACH_SEND_TRANSACTIONS, REACH_SEND_BATCH).
// Shed counts the sends refused at once because a full round of batches was already waiting.
// Direct counts the sends between connected members written by one guarded statement, and
// Missed those whose guard found the facts of one of its sends changed, which a transaction then
// decided again: every send of that batch.
type SendStats struct {
	Transactions, Sends, Shed int64
	Direct, Missed            int64
}

// CacheStats says how the cache of connection lists is doing.
type CacheStats struct {
	Hits, Misses int64 // lists found current, and lists read from Neo4j, since the store opened
	Connections  int   // connections held
	Lists        int   // members whose lists are held
	IDs          int   // member ids numbered in the id table
	Bytes        int64 // the footprint counted against Budget: the id table and the lists
	Budget       int64 // bytes the cache may take (Config.CachedConnections × 4)
	Renewals     int64 // times the id table filled up and the cache started afresh
}

// LockStats says how long writes waited for the change log's locks and then held them until
// their commit ended: one observation of each per write transaction that took them.
type LockStats struct {
	Waited, Held Durations
}

// Durations is a histogram of durations: Counts[i] observations at most Bounds[i] (cumulative,
// as Prometheus counts them), Count in all, Sum their total.
type Durations struct {
	Bounds []time.Duration
	Counts []uint64
	Count  uint64
	Sum    time.Duration
}

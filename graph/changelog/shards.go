package changelog

import (
	"context"
	"errors"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
	"github.com/reach-network/reach/cypher"
	"github.com/reach-network/reach/graph"
	"github.com/reach-network/reach/graph/bolt"
)

// DefaultShards is how many shards a new change log has, when nothing else is said. The count is
// fixed for the log's epoch and recorded on its node: writers and replicas read it from there.
const DefaultShards = 8

// MaxShards is the most shards a log may have: a token names a position in each.
const MaxShards = 1024

// Key is what places a member in a shard of the change log: a stable hash of its id (FNV-1a, 32
// bits), taken modulo the log's shard count (cypher/AppendChange.cypher). Organisations and groups
// are placed by their ids with a prefix of their own.
func Key(id string) int64 { return graph.LogKey(id) }

// ShardOf is the shard of a log of count shards that holds the member id.
func ShardOf(id string, count int) int { return graph.LogShard(id, count) }

// keys are the keys of everything the changes touched: each member, both members of each pair,
// each organisation and group, and the member of each event. A write locks their shards; none, for a reload, locks shard 0.
// A pair's facts are recorded by writes that hold both its members' shards, so that closing a
// member, which records only the member's absence in the member's shard, is ordered with every
// write to any of the member's pairs.
func (c *changes) keys() []int64 {
	if c.reload {
		return []int64{}
	}
	keys := make([]int64, 0, len(c.members)+2*len(c.pairs)+len(c.organisations)+len(c.groups)+len(c.events))
	for _, m := range c.members {
		keys = append(keys, Key(m))
	}
	for _, p := range c.pairs {
		keys = append(keys, Key(p[0]), Key(p[1]))
	}
	for _, s := range c.sides {
		keys = append(keys, Key(s[0]))
	}
	for _, o := range c.organisations {
		keys = append(keys, Key("organisation:"+o))
	}
	for _, g := range c.groups {
		keys = append(keys, Key("group:"+g))
	}
	for _, e := range c.events {
		keys = append(keys, Key(e.To))
	}
	return keys
}

// ensureLog runs EnsureChangeLog in tx with shards shards (0 for DefaultShards, at most MaxShards)
// and returns the log's epoch and heads. Only ensure runs it, once the log's constraints exist.
func ensureLog(ctx context.Context, tx neo4j.ManagedTransaction, shards int) (logHead, error) {
	if shards <= 0 {
		shards = DefaultShards
	}
	shards = min(shards, MaxShards)
	recs, err := bolt.Collect(ctx, tx, cypher.EnsureChangeLog, map[string]any{"shards": int64(shards)})
	if err != nil {
		return logHead{}, err
	}
	return readHead(recs[0])
}

// logHead is the change log's epoch and its shards' heads.
type logHead struct {
	epoch string
	heads []int64
}

// readHead reads a record with the log's epoch and heads.
func readHead(rec *neo4j.Record) (logHead, error) {
	epoch, e1 := bolt.Value[string](rec, "epoch")
	heads, e2 := bolt.Value[[]any](rec, "heads")
	if err := errors.Join(e1, e2); err != nil {
		return logHead{}, err
	}
	return logHead{epoch: epoch, heads: positions(heads)}, nil
}

// Ensure makes the change log with shards shards (0 for DefaultShards) in a database that has
// none, and turns a log made before shards into one (cypher/EnsureChangeLog.cypher). It first
// puts in place the constraints that keep the log's node and each shard's head single
// (cypher.LogSchema), so that replicas making the log at once make one, whether or not the rest of
// the schema is applied yet.
func Ensure(ctx context.Context, db *bolt.DB, shards int) error {
	_, err := ensure(ctx, db, shards)
	return err
}

// ensure is Ensure, returning the log's epoch and heads.
func ensure(ctx context.Context, db *bolt.DB, shards int) (logHead, error) {
	for _, stmt := range cypher.LogSchema {
		if err := db.ApplySchema(ctx, stmt); err != nil {
			return logHead{}, err
		}
	}
	return bolt.WriteTx(ctx, db, func(tx neo4j.ManagedTransaction) (logHead, error) {
		return ensureLog(ctx, tx, shards)
	})
}

package changelog

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
	"github.com/reach-network/reach/cypher"
	"github.com/reach-network/reach/graph"
	"github.com/reach-network/reach/graph/bolt"
)

// changeTx is the transaction a write's work is given (see write): it remembers the statements run
// in it, for Warm, lets each statement's first run go first (bolt.FirstRuns), and keeps what they
// changed of the state replicas keep in memory, which write then records in the change log
// (cypher/AppendChange.cypher) in the same transaction.
type changeTx struct {
	neo4j.ManagedTransaction
	db      *bolt.DB
	changes *changes
}

func (tx changeTx) Run(ctx context.Context, query string, params map[string]any) (neo4j.ResultWithContext, error) {
	if tx.ManagedTransaction == nil {
		panic("changelog: a guarded write runs no statement but its Last")
	}
	if tx.changes.last != nil {
		panic("changelog: a statement ran after the write's last (Last)")
	}
	tx.db.Samples.Remember(query, params, true)
	landed, err := tx.db.FirstRuns.Ahead(ctx, query)
	if err != nil {
		return nil, err
	}
	res, err := tx.ManagedTransaction.Run(ctx, query, params)
	landed(err == nil)
	return res, err
}

// changes is what one write transaction changed of what replicas keep in memory: members whose
// facts changed (existence, name or headline, settings, restriction, plan, credits, positions, groups),
// organisations and groups created or renamed, and pairs whose relation did
// (connected, blocked, written to, an InMail pending or declined), and members' sides of
// conversations (what a conversation page lists of them).
type changes struct {
	members       []string
	pairs         [][2]string
	sides         [][2]string   // a member and a conversation they have a side of
	organisations []string      // organisations created or renamed
	groups        []string      // groups created or renamed
	reload        bool          // too much to list: replicas read everything again
	events        []graph.Event // what it tells members' event streams (Tell)
	last          *statement    // the write's last statement, run with the append (Last)
}

// statement is a statement with its parameters.
type statement struct {
	text   string
	params map[string]any
}

func (c *changes) empty() bool {
	return len(c.members) == 0 && len(c.pairs) == 0 && len(c.sides) == 0 && len(c.organisations) == 0 &&
		len(c.groups) == 0 && !c.reload && len(c.events) == 0
}

// changesOf returns the changes a transaction collects; tx must be one that write gave out.
func changesOf(tx neo4j.ManagedTransaction) *changes {
	ctx, ok := tx.(changeTx)
	if !ok {
		panic(fmt.Sprintf("graph: a write ran outside write(): %T", tx))
	}
	return ctx.changes
}

// touch says that the transaction changed the facts of members, their names or headlines included.
func Touch(tx neo4j.ManagedTransaction, members ...string) {
	c := changesOf(tx)
	c.members = append(c.members, members...)
}

// touchOrganisation says that the transaction created or changed an organisation (its name or
// kind). A member's positions are the member's facts: touch them.
func TouchOrganisation(tx neo4j.ManagedTransaction, id string) {
	c := changesOf(tx)
	c.organisations = append(c.organisations, id)
}

// touchGroup says that the transaction created or renamed a group. Joining and leaving change the
// member's facts: touch them.
func TouchGroup(tx neo4j.ManagedTransaction, id string) {
	c := changesOf(tx)
	c.groups = append(c.groups, id)
}

// touchPair says that the transaction changed how a and b stand to each other.
func TouchPair(tx neo4j.ManagedTransaction, a, b string) {
	c := changesOf(tx)
	c.pairs = append(c.pairs, [2]string{a, b})
}

// TouchSide says that the transaction changed member's side of a conversation: what a page of
// their conversations shows of it (its box, unread count, archived or muted, the last message and
// whether it was read). TouchPair covers both sides of the pair's own conversation.
func TouchSide(tx neo4j.ManagedTransaction, member, conversation string) {
	c := changesOf(tx)
	c.sides = append(c.sides, [2]string{member, conversation})
}

// Last says that statement, with params, is the write's last: it runs with the change log's
// append, in the same round trip, once work returns (it must be one of cypher.AppendedTo's, and
// work must run nothing after it). Its records are not returned.
func Last(tx neo4j.ManagedTransaction, text string, params map[string]any) {
	if _, ok := cypher.AppendedTo(text); !ok {
		panic(fmt.Sprintf("changelog: %s cannot run with the append", cypher.Name(text)))
	}
	changesOf(tx).last = &statement{text, params}
}

// Tell records events of the transaction for their members' event streams, in its change: the
// change is appended to each event's member's shard too, so that every event of a member has a
// number in that one shard (graph.EventID), and every replica tells the member's streams as it
// applies the change.
func Tell(tx neo4j.ManagedTransaction, events ...graph.Event) {
	c := changesOf(tx)
	c.events = append(c.events, events...)
}

// touchAll says that the transaction changed more than is worth listing, as a bulk import does.
func TouchAll(tx neo4j.ManagedTransaction) { changesOf(tx).reload = true }

// errNoLog is appendChange's failure in a database without a change log.
var errNoLog = errors.New("no change log")

// appendChange records the transaction's changes in the change log, as its last statement
// (AppendChange: it takes the shards it touched and records the change in each), after the
// write's own last statement (Last) in the same round trip. It returns the change's token
// (without bookmarks, which only the commit gives), or errNoLog in a database that has no log:
// the log is made by Ensure alone, which puts the constraints that keep it single in place
// first, and a transaction that writes data cannot.
func appendChange(ctx context.Context, tx neo4j.ManagedTransaction, c *changes, hold *lockHold) (graph.Token, error) {
	if c.empty() {
		return graph.Token{}, runLast(ctx, tx, c.last)
	}
	params := c.params()
	text := cypher.AppendChange
	if c.last != nil {
		text, _ = cypher.AppendedTo(c.last.text)
		params = merged(c.last.params, params)
	}
	sent := time.Now()
	recs, err := bolt.Collect(ctx, tx, text, params)
	if err == nil && len(recs) == 0 {
		err = errNoLog // Write makes it, outside this transaction, and runs the write again
	}
	if err != nil {
		return graph.Token{}, fmt.Errorf("append change: %w", err)
	}
	return appended(recs[0], hold, sent)
}

// appended reads AppendChange's row: the change's token (without bookmarks), and how long the
// write waited for the shards' locks and from when it held them, given when its statement was
// sent, which go to hold.
func appended(rec *neo4j.Record, hold *lockHold, sent time.Time) (graph.Token, error) {
	epoch, e1 := bolt.Value[string](rec, "epoch")
	heads, e2 := bolt.Value[[]any](rec, "heads")
	waited, e3 := bolt.Value[int64](rec, "lockWait")
	after, e4 := bolt.Value[int64](rec, "lockedAfter")
	if err := errors.Join(e1, e2, e3, e4); err != nil {
		return graph.Token{}, fmt.Errorf("append change: %w", err)
	}
	hold.took(time.Duration(waited), sent.Add(time.Duration(after)))
	return graph.NewToken(epoch, positions(heads)), nil
}

// touched is the members c changes the facts or pairs of, nil when it changes what every member
// may read (a bulk import, an organisation, a group).
func (c *changes) touched() []string {
	if c.reload || len(c.organisations) > 0 || len(c.groups) > 0 {
		return nil
	}
	out := slices.Clone(c.members)
	for _, p := range c.pairs {
		out = append(out, p[0], p[1])
	}
	for _, s := range c.sides {
		out = append(out, s[0])
	}
	return sortedIDs(out)
}

// params are AppendChange's parameters for c: one map, $append (cypher/AppendChange.cypher).
func (c *changes) params() map[string]any {
	pairs := make([]any, 0, len(c.pairs))
	for _, p := range c.pairs {
		pairs = append(pairs, []any{p[0], p[1], graph.ThreadID(p[0], p[1])})
	}
	events, to := c.recordedEvents()
	return map[string]any{"append": map[string]any{
		"keys": c.keys(), "members": sortedIDs(c.members), "pairs": pairs, "sides": c.allSides(), "reload": c.reload,
		"organisations": sortedIDs(c.organisations), "groups": sortedIDs(c.groups),
		"events": events, "eventTo": to,
	}}
}

// allSides are the sides c changed, each once, in order, as [member, conversation]: those it named
// (TouchSide) and both of each pair's conversation. Never nil: AppendChange reads it.
func (c *changes) allSides() []any {
	all := slices.Clone(c.sides)
	for _, p := range c.pairs {
		thread := graph.ThreadID(p[0], p[1])
		all = append(all, [2]string{p[0], thread}, [2]string{p[1], thread})
	}
	slices.SortFunc(all, func(a, b [2]string) int {
		return cmp.Or(strings.Compare(a[0], b[0]), strings.Compare(a[1], b[1]))
	})
	all = slices.Compact(all)
	out := make([]any, len(all))
	for i, s := range all {
		out[i] = []any{s[0], s[1]}
	}
	return out
}

// recordedEvents are c's events as AppendChange records them: each as JSON, and their members,
// never nil.
func (c *changes) recordedEvents() (events, to []string) {
	events, to = make([]string, 0, len(c.events)), make([]string, 0, len(c.events))
	for _, e := range c.events {
		data, _ := json.Marshal(e) // strings, numbers and booleans only: it cannot fail
		events, to = append(events, string(data)), append(to, e.To)
	}
	return events, to
}

// runLast runs a write's last statement on its own, if it has one.
func runLast(ctx context.Context, tx neo4j.ManagedTransaction, last *statement) error {
	if last == nil {
		return nil
	}
	_, err := bolt.Collect(ctx, tx, last.text, last.params)
	return err
}

// merged is a statement's parameters beside AppendChange's, which never share a name.
func merged(statement, log map[string]any) map[string]any {
	out := make(map[string]any, len(statement)+len(log))
	maps.Copy(out, statement)
	for k, v := range log {
		if _, clash := out[k]; clash {
			panic("changelog: parameter $" + k + " is AppendChange's")
		}
		out[k] = v
	}
	return out
}

// positions converts a list of Cypher integers into positions by shard.
func positions(list []any) []int64 {
	out := make([]int64, len(list))
	for i, v := range list {
		out[i], _ = v.(int64)
	}
	return out
}

// sortedIDs returns ids sorted, each once, and never nil: AppendChange counts them.
func sortedIDs(ids []string) []string {
	return append([]string{}, slices.Compact(slices.Sorted(slices.Values(ids)))...)
}

// Write runs work in one write transaction: everything it writes commits together or not at all.
// The driver retries the whole of work on transient failures (deadlocks, leader changes), so work
// must only talk to the transaction it is given. What work says it changed (Touch, TouchPair,
// TouchAll) is recorded in the change log in the same transaction, as its last statement, at
// Neo4j's time (so that pruning, which also reads Neo4j's clock, never sees a writer's clock), in
// each shard of the log it touched. It returns the change's token, with
// the commit's bookmarks (a token without a change when work touched nothing), and the members it
// touched. The time each
// attempt waited for the shards' locks and held them until its commit or rollback ended goes to
// locks. A database without a change log gets one with shards shards (0 for DefaultShards), made
// by Ensure, and work runs again. Past the DB's bound on writes at once it returns ErrUnavailable
// without writing (bolt.Gate).
func Write[T any](ctx context.Context, db *bolt.DB, shards int, locks *LockTimes, work func(tx neo4j.ManagedTransaction) (T, error)) (T, Written, error) {
	out, written, err := writeOnce(ctx, db, locks, work)
	if errors.Is(err, errNoLog) {
		if err = Ensure(ctx, db, shards); err == nil {
			out, written, err = writeOnce(ctx, db, locks, work)
		}
	}
	return out, written, err
}

// writeOnce is Write in a database that has a change log: it fails with errNoLog, writing
// nothing, in one that has none.
func writeOnce[T any](ctx context.Context, db *bolt.DB, locks *LockTimes, work func(tx neo4j.ManagedTransaction) (T, error)) (T, Written, error) {
	leave, err := db.Writes.Enter(ctx)
	if err != nil {
		var none T
		return none, Written{}, err
	}
	defer leave()
	session := db.Session(ctx, neo4j.AccessModeWrite)
	defer session.Close(ctx)
	var written Written
	hold := &lockHold{times: locks}
	out, err := neo4j.ExecuteWrite(ctx, session, func(tx neo4j.ManagedTransaction) (T, error) {
		hold.released() // an earlier attempt's lock ended with its rollback
		c := &changes{}
		out, err := work(changeTx{tx, db, c})
		if err != nil {
			return out, err
		}
		written.Members = c.touched()
		// The append's statements are remembered for Warm, as work's are, through a changeTx
		// of their own: they record no change.
		logTx := changeTx{tx, db, &changes{}}
		written.Token, err = appendChange(ctx, logTx, c, hold)
		if err == nil && IsRehearsal(ctx) {
			err = ErrRehearsed // rolls back
		}
		return out, err
	}, bolt.WithDeadline(ctx)...)
	hold.released()
	if err != nil {
		return out, Written{}, err
	}
	written.Token.Bookmarks = session.LastBookmarks()
	return out, written, nil
}

// Guarded runs a write of one statement as an auto-commit transaction: one exchange with Neo4j,
// where Write's managed transaction takes one for its begin, one for each statement and one for
// its commit. work runs no statement: it says what the write changes (Touch, TouchPair, Tell) and
// gives its one statement to Last, which must be one that writes only after a guard, under the
// members' locks, has found that what the write was decided from still holds, and passes no row
// on otherwise (cypher.GuardedSend). Then nothing is written, nor appended, and ok is false: the
// caller decides again, in a transaction. So is it in a database without a change log, which the
// guard finds too. A failure that is not Neo4j's own answer (a *neo4j.Neo4jError) may have
// committed (bolt.DB.Write).
func Guarded(ctx context.Context, db *bolt.DB, locks *LockTimes, work func(tx neo4j.ManagedTransaction)) (written Written, ok bool, err error) {
	c := &changes{}
	work(changeTx{nil, db, c})
	text, composed := "", false
	if c.last != nil {
		text, composed = cypher.AppendedTo(c.last.text)
	}
	if !composed || c.empty() {
		panic("changelog: a guarded write must change something and end with a statement composed with the append")
	}
	hold := &lockHold{times: locks}
	sent := time.Now()
	recs, bookmarks, err := db.Write(ctx, text, merged(c.last.params, c.params()))
	if err != nil || len(recs) == 0 {
		return Written{}, false, err
	}
	written.Token, err = appended(recs[0], hold, sent)
	hold.released() // the commit was the statement's end
	if err != nil {
		return Written{}, false, err
	}
	written.Token.Bookmarks, written.Members = bookmarks, c.touched()
	return written, true, nil
}

// Written is a write as the change log recorded it: its token, and the members whose facts or
// pairs it changed (nil: what every member may read changed).
type Written struct {
	Token   graph.Token
	Members []string
}

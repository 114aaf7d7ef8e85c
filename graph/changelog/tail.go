// Package changelog is the change log kept in Neo4j: it records in each write's transaction what
// the write changed, and reads the log to load the projection and keep it current. It must not
// import neo4jstore or answer.
package changelog

import (
	"context"
	"errors"
	"fmt"
	"runtime/debug"
	"sync"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
	"github.com/reach-network/reach/cypher"
	"github.com/reach-network/reach/graph"
	"github.com/reach-network/reach/graph/bolt"
	"github.com/reach-network/reach/graph/projection"
	"golang.org/x/sync/errgroup"
)

// changesPerRead is the most changes one read of the log takes.
const changesPerRead = 1000

// gapPatience is how long a gap in the log may last before the projection is loaded again.
const gapPatience = time.Second

// logReadTimeout bounds one read of the log, so that a read lost on a silent connection is given
// up and begun again rather than waited on for ever. A read that takes longer leaves memory
// unable to answer default reads anyway, once the staleness bound has passed.
const logReadTimeout = 5 * time.Second

// maxRetryPause is the longest the tailer waits after a failed read of the log before the next.
const maxRetryPause = time.Second

// ProjectionEvents are what KeepProjection reports: each load, each reload as it begins (with
// why), each failure to load or to read the log, each snapshot written, and the members' events
// of the changes it applies, in the order it applied them (Told: the caller hands them to the
// members' streams without waiting). Any may be nil. Events of changes applied by a load's
// catching up are not told: a stream open across a load after the first resumes from the log
// instead (graph.EventID).
type ProjectionEvents struct {
	Loaded    func(ProjectionLoad)
	Reloading func(why error)
	Failed    func(error)
	Saved     func(path string, took time.Duration, err error)
	Told      func([]graph.Told)
}

// ProjectionLoad describes one load of the projection.
type ProjectionLoad struct {
	From        string // "neo4j", or "snapshot" when a snapshot was read and caught up from the log
	Members     int
	Connections int // counted once per member who has it
	Took        time.Duration
}

// Log is the change log as a replica reads it: it loads the projection, keeps it current from
// the log, saves and restores its snapshot, reads the log's head and prunes old changes.
type Log struct {
	db         *bolt.DB
	projection *projection.Projection
	freshness  projection.Freshness
	snapshot   string // the projection's snapshot file; empty for none
	shards     int    // the shards of a log made by a load, in a database that has none
}

// New returns the log as it keeps p current, reading it through db every freshness.Interval, with
// the projection's snapshot at the path snapshot (empty for none). A load in a database without a
// log makes one of shards shards (0 for DefaultShards). Give it a db of its own
// (answer.Options.Tail), so that its reads never wait behind requests for a connection.
func New(db *bolt.DB, p *projection.Projection, freshness projection.Freshness, snapshot string, shards int) *Log {
	return &Log{db: db, projection: p, freshness: freshness.OrDefaults(), snapshot: snapshot, shards: shards}
}

// KeepProjection loads the projection and keeps it current until ctx is cancelled. It loads again
// when the log asks for it (a new database, a gap, a bulk import) and, after a failure, once Neo4j
// answers again. Reads answer from Neo4j until the first load is done. With a snapshot path
// (New), the first load reads the snapshot, if there is one that the log
// can bring up to date, and every load from Neo4j, and the end, write one (snapshot.go).
func (l *Log) KeepProjection(ctx context.Context, events ProjectionEvents) {
	ctx = bolt.WithoutBookmarks(ctx) // the log as the database holds it, whatever this process wrote
	tick := time.NewTicker(l.freshness.Interval)
	defer tick.Stop()
	loaded, restore := false, l.snapshot != ""
	retry := time.Duration(0) // the pause after the latest failure, doubled each time up to maxRetryPause
	for {
		var err error
		if !loaded {
			err = l.load(ctx, restore, events)
			loaded = err == nil
			restore = restore && !loaded // until a load succeeds: Neo4j may be away
		} else if err = l.readChanges(ctx, events.Told); errors.Is(err, projection.ErrReload) {
			if errors.Is(err, projection.ErrFork) && events.Failed != nil {
				events.Failed(err) // worth a line in the log: Neo4j lost writes this replica had applied
			}
			// Bookmarks of writes the database may have lost: a transaction carrying them would
			// wait until it made as many again.
			l.db.ForgetBookmarks()
			l.projection.Release() // the next state is built without this one beside it
			if events.Reloading != nil {
				events.Reloading(err)
			}
			loaded = false
			continue
		}
		if err != nil && ctx.Err() == nil && events.Failed != nil {
			events.Failed(err)
		}
		// After a failure, the next read comes soon (one slow read must not leave the projection
		// past the staleness bound) and then less and less often, should Neo4j be away.
		pause := tick.C
		if err != nil {
			retry = min(max(2*retry, l.freshness.Interval), maxRetryPause)
			pause = time.After(retry)
		} else {
			retry = 0
		}
		select {
		case <-ctx.Done():
			l.save(events)
			return
		case <-pause:
		case <-l.projection.Nudged():
		}
	}
}

// load loads the projection, from the snapshot when restore is set and it can be brought up to
// date, from Neo4j otherwise; a load from Neo4j is then saved as the snapshot.
func (l *Log) load(ctx context.Context, restore bool, events ProjectionEvents) error {
	start := time.Now()
	from := "snapshot"
	err := projection.ErrReload
	if restore {
		err = l.restoreProjection(ctx)
	}
	if err != nil {
		from = "neo4j"
		if err = l.loadProjection(ctx); err == nil {
			defer l.save(events)
		}
	}
	if err == nil && events.Loaded != nil {
		st := l.projection.Stats()
		events.Loaded(ProjectionLoad{From: from, Members: st.Members, Connections: st.Connections, Took: time.Since(start)})
	}
	return err
}

// restoreProjection reads the snapshot and applies the changes logged since it was written. It
// fails, changing nothing, if there is no snapshot, it is damaged, or the log cannot bring it up
// to date (another database, or changes pruned since).
func (l *Log) restoreProjection(ctx context.Context) error {
	st, err := projection.LoadSnapshot(l.snapshot)
	if err != nil {
		return err
	}
	return l.catchUpAndPublish(ctx, st)
}

// catchUpAndPublish applies to st, just loaded, the changes logged since, then puts it in place.
func (l *Log) catchUpAndPublish(ctx context.Context, st *projection.State) error {
	reached, err := l.catchUp(ctx, st, st.ApplyAll)
	if err != nil {
		return err
	}
	l.publish(st, reached)
	return nil
}

// save writes the snapshot, when there is a path for it.
func (l *Log) save(events ProjectionEvents) {
	if l.snapshot == "" {
		return
	}
	start := time.Now()
	err := l.SaveProjection(l.snapshot)
	if events.Saved != nil {
		events.Saved(l.snapshot, time.Since(start), err)
	}
}

// loadGCPercent is the garbage collector's target while a load builds a state: the heap may
// grow a quarter past what is live, not twice as far, as the records read come and go
// (docs/performance.md, "A reload holds one state").
const loadGCPercent = 25

// loadsGC counts the loads under way in this process, and keeps the collector's target from
// before the first of them.
var loadsGC struct {
	sync.Mutex
	loads, before int
}

// collectingOften has the process collect garbage at loadGCPercent until the function it
// returns is called. Loads at once in one process (replicas in a test) share it: the last to end
// puts the target back as it was before the first, and hands the loads' garbage back to the
// system, in a goroutine of its own, since that takes a full collection.
func collectingOften() (done func()) {
	loadsGC.Lock()
	defer loadsGC.Unlock()
	if loadsGC.loads == 0 {
		loadsGC.before = debug.SetGCPercent(loadGCPercent)
	}
	loadsGC.loads++
	return func() {
		loadsGC.Lock()
		defer loadsGC.Unlock()
		if loadsGC.loads--; loadsGC.loads == 0 {
			debug.SetGCPercent(loadsGC.before)
			go debug.FreeOSMemory()
		}
	}
}

// loadProjection reads everything the projection holds and puts it in place once it has caught
// up with the log. Changes committed while it reads are applied again afterwards; they record
// exact facts, so applying one twice does no harm. Meanwhile the whole process collects garbage
// more often (loadGCPercent), and at the end hands the load's garbage back to the system.
func (l *Log) loadProjection(ctx context.Context) (err error) {
	defer bolt.Wrap(&err, "load projection")
	defer collectingOften()()
	head, err := ensure(ctx, l.db, l.shards)
	if err != nil {
		return err
	}
	st := projection.NewState(head.epoch, head.heads)
	if st.AppliedIDs, err = l.idsAt(ctx, head.heads); err != nil {
		return err
	}
	nodes, err := l.loadNames(ctx, st)
	if err != nil {
		return err
	}
	inParts, err := l.memberRanges(ctx)
	if err != nil {
		return err
	}
	if err := l.loadMembers(ctx, st, nodes, inParts); err != nil {
		return err
	}
	if err := l.loadPairs(ctx, st); err != nil {
		return err
	}
	if err := l.loadSides(ctx, st, inParts); err != nil {
		return err
	}
	return l.catchUpAndPublish(ctx, st)
}

// publish puts st, caught up with the log as it was at reached, in place of the projection's state.
func (l *Log) publish(st *projection.State, reached time.Time) { l.projection.Publish(st, reached) }

// loadParts is how many ranges of members a load reads at once.
const loadParts = 2

// loadNames reads every organisation and group, with its name and kind.
func (l *Log) loadNames(ctx context.Context, st *projection.State) (projection.AffiliateNodes, error) {
	nodes := projection.AffiliateNodes{Orgs: map[int64]int32{}, Groups: map[int64]int32{}}
	err := l.db.Stream(ctx, cypher.ProjectionNames, nil, func(rec *neo4j.Record) error {
		node, e1 := bolt.Value[int64](rec, "node")
		id, e2 := bolt.Value[string](rec, "id")
		name, e3 := bolt.Value[string](rec, "name")
		kind, e4 := bolt.Value[string](rec, "kind")
		if err := errors.Join(e1, e2, e3, e4); err != nil {
			return err
		}
		if kind == "group" {
			nodes.Groups[node] = st.AddGroup(id, name)
		} else {
			nodes.Orgs[node] = st.AddOrganisation(id, name, graph.OrgKind(kind))
		}
		return nil
	})
	return nodes, err
}

// loadMembers reads every member's facts, name and headline, affiliations and count of
// connections, in loadParts ranges at once, and numbers the members; then it reads the
// connections, in the same ranges, into lists sized from the counts. Only the state is held
// whole: the connections go into it as they come, never all at once beside it.
func (l *Log) loadMembers(ctx context.Context, st *projection.State, nodes projection.AffiliateNodes, inParts memberParts) error {
	parts := make([][]projection.MemberRow, loadParts)
	err := inParts(func(i int, from, to int64) (err error) {
		parts[i], err = l.memberRows(ctx, from, to)
		return err
	})
	if err != nil {
		return err
	}
	loading := st.AddMembers(parts, nodes)
	if err := inParts(func(_ int, from, to int64) error { return l.connections(ctx, loading, from, to) }); err != nil {
		return err
	}
	loading.Done()
	return nil
}

// memberParts runs read on each of loadParts ranges of the members' internal node ids at once:
// the i-th is [from, to).
type memberParts func(read func(i int, from, to int64) error) error

// memberRanges reads the range of the members' internal node ids and splits it in loadParts.
func (l *Log) memberRanges(ctx context.Context) (memberParts, error) {
	recs, err := l.db.Read(ctx, cypher.ProjectionRange, nil)
	if err != nil {
		return nil, err
	}
	low, e1 := bolt.Value[int64](recs[0], "low")
	high, e2 := bolt.Value[int64](recs[0], "high")
	if err := errors.Join(e1, e2); err != nil {
		return nil, err
	}
	step := (high-low)/loadParts + 1
	return func(read func(i int, from, to int64) error) error {
		var g errgroup.Group
		for i := range loadParts {
			g.Go(func() error { return read(i, low+int64(i)*step, low+int64(i+1)*step) })
		}
		return g.Wait()
	}, nil
}

// memberRows reads the members whose internal node ids lie in [from, to).
func (l *Log) memberRows(ctx context.Context, from, to int64) ([]projection.MemberRow, error) {
	var rows []projection.MemberRow
	err := l.db.Stream(ctx, cypher.ProjectionMembers, map[string]any{"from": from, "to": to}, func(rec *neo4j.Record) error {
		id, e1 := bolt.Value[string](rec, "id")
		node, e2 := bolt.Value[int64](rec, "node")
		connections, e3 := bolt.Value[int64](rec, "connections")
		facts, e4 := factsOf(rec)
		held, e5 := bolt.Value[[]any](rec, "held")
		groups, e6 := bolt.Value[[]any](rec, "groups")
		name, e7 := bolt.Value[string](rec, "name")
		headline, e8 := bolt.Value[string](rec, "headline")
		if err := errors.Join(e1, e2, e3, e4, e5, e6, e7, e8); err != nil {
			return err
		}
		row := projection.MemberRow{Node: node, ID: id, Facts: facts, Name: name, Headline: headline,
			Connections: int(connections)}
		for _, h := range held {
			pair, _ := h.([]any)
			if len(pair) == 2 {
				org, _ := pair[0].(int64)
				current, _ := pair[1].(bool)
				row.Held, row.Current = append(row.Held, org), append(row.Current, current)
			}
		}
		for _, g := range groups {
			n, _ := g.(int64)
			row.Groups = append(row.Groups, n)
		}
		rows = append(rows, row)
		return nil
	})
	return rows, err
}

// connections reads the connections of the members whose internal node ids lie in [from, to)
// into the lists of loading.
func (l *Log) connections(ctx context.Context, loading *projection.Loading, from, to int64) error {
	var to64 []int64 // one record's, reused
	return l.db.Stream(ctx, cypher.ProjectionConnections, map[string]any{"from": from, "to": to}, func(rec *neo4j.Record) error {
		node, e1 := bolt.Value[int64](rec, "node")
		connections, e2 := bolt.Value[[]any](rec, "connections")
		if err := errors.Join(e1, e2); err != nil {
			return err
		}
		to64 = to64[:0]
		for _, c := range connections {
			n, _ := c.(int64)
			to64 = append(to64, n)
		}
		loading.Connect(node, to64)
		return nil
	})
}

// factsOf reads a member's facts from a record of ProjectionMembers.
func factsOf(rec *neo4j.Record) (projection.MemberFacts, error) {
	inmail, e1 := bolt.Value[string](rec, "inmail")
	open, e2 := bolt.Value[bool](rec, "openProfile")
	restricted, e3 := bolt.Value[bool](rec, "restricted")
	plan, e4 := bolt.Value[string](rec, "plan")
	credits, e5 := bolt.Value[int64](rec, "credits")
	granted, e6 := bolt.Value[int64](rec, "grantedAt")
	requests, e7 := bolt.Value[bool](rec, "messageRequests")
	month, e8 := bolt.Value[int64](rec, "requestsMonth")
	sent, e9 := bolt.Value[int64](rec, "requestsSent")
	return projection.MemberFacts{Present: true, Inmail: graph.InMailPolicy(inmail), OpenProfile: open, Restricted: restricted,
			Plan: graph.Plan(plan), Credits: int(credits), GrantedAt: projection.Millis(granted),
			RequestsOff: !requests, RequestsMonth: int32(month), RequestsSent: int32(sent)},
		errors.Join(e1, e2, e3, e4, e5, e6, e7, e8, e9)
}

// loadPairs reads the block relations and the pairs' messaging facts. Block relations are
// gathered as they come and sorted once at the end.
func (l *Log) loadPairs(ctx context.Context, st *projection.State) error {
	err := l.db.Stream(ctx, cypher.ProjectionPairs, nil, func(rec *neo4j.Record) error {
		a, e1 := bolt.Value[string](rec, "a")
		b, e2 := bolt.Value[string](rec, "b")
		bits, e3 := bolt.Value[int64](rec, "bits")
		if err := errors.Join(e1, e2, e3); err != nil {
			return err
		}
		st.AddPair(a, b, bits)
		return nil
	})
	st.SortBlocks()
	return err
}

// loadSides reads every member's side of every conversation, by ranges of members at once, and
// sorts each box once at the end.
func (l *Log) loadSides(ctx context.Context, st *projection.State, inParts memberParts) error {
	var mu sync.Mutex
	err := inParts(func(_ int, from, to int64) error {
		return l.db.Stream(ctx, cypher.ProjectionSides, map[string]any{"from": from, "to": to}, func(rec *neo4j.Record) error {
			row, err := sideOf(rec)
			if err != nil {
				return err
			}
			mu.Lock()
			defer mu.Unlock()
			st.AddSide(row)
			return nil
		})
	})
	st.SortSides()
	return err
}

// sideOf reads one row of ProjectionSides; a column the row lacks is an error, where ReadSide
// reads it as zero.
func sideOf(rec *neo4j.Record) (projection.SideRow, error) {
	absent := ""
	row, err := projection.ReadSide(func(column string) any {
		v, ok := rec.Get(column)
		if !ok && absent == "" {
			absent = column
		}
		return v
	})
	if err == nil && absent != "" {
		err = fmt.Errorf("projection sides: no column %s", absent)
	}
	return row, err
}

// readChanges applies the changes logged since the projection's, hands their events to tell (when
// not nil) once applied, and notes when it reached the log's head. The log is read without the
// projection's lock; only applying takes it.
func (l *Log) readChanges(ctx context.Context, tell func([]graph.Told)) error {
	st := l.projection.Current()
	reached, err := l.catchUp(ctx, st, func(changes []any) (int, error) {
		n, told, err := l.projection.ApplyTelling(st, changes)
		if tell != nil && len(told) > 0 {
			tell(told)
		}
		return n, err
	})
	l.projection.CaughtUp(reached, err == nil)
	return err
}

// catchUp reads changes until st holds the log's heads, every shard's, each read first confirming
// that the log holds st's history (history), handing each batch to apply, and returns when the
// read that found st at the heads began: st then holds every change committed before that moment. A read that applies nothing though st is behind is a gap (a
// change pruned, or not visible yet): read again until it has lasted gapPatience.
func (l *Log) catchUp(ctx context.Context, st *projection.State, apply func(changes []any) (int, error)) (time.Time, error) {
	var gapSince time.Time
	for {
		reached, err := l.catchUpOnce(ctx, st, apply)
		if !errors.Is(err, projection.ErrGap) {
			return reached, err
		}
		if gapSince.IsZero() {
			gapSince = time.Now()
		} else if time.Since(gapSince) > gapPatience {
			return time.Time{}, projection.ErrReload
		}
		select {
		case <-ctx.Done():
			return time.Time{}, ctx.Err()
		case <-time.After(10 * time.Millisecond):
		}
	}
}

// catchUpOnce is catchUp without patience for gaps.
func (l *Log) catchUpOnce(ctx context.Context, st *projection.State, apply func(changes []any) (int, error)) (time.Time, error) {
	for {
		began := time.Now()
		recs, err := l.readLog(ctx, st.Applied)
		if err != nil {
			return time.Time{}, err
		}
		head, e1 := readHead(recs[0])
		changes, e2 := bolt.Value[[]any](recs[0], "changes")
		found, e3 := bolt.Value[[]any](recs[0], "ids")
		if err := errors.Join(e1, e2, e3); err != nil {
			return time.Time{}, err
		}
		if err := l.history(st, head, found); err != nil {
			return time.Time{}, err // a new database, or a history forked from st's
		}
		applied, err := apply(changes)
		if err != nil {
			return time.Time{}, err
		}
		if graph.NewToken(head.epoch, head.heads).Covers(st.Applied) {
			return began, nil
		}
		if applied == 0 {
			return time.Time{}, projection.ErrGap
		}
	}
}

// readLog reads the log's heads and the changes after applied, within logReadTimeout.
func (l *Log) readLog(ctx context.Context, applied []int64) ([]*neo4j.Record, error) {
	ctx, cancel := context.WithTimeout(ctx, logReadTimeout)
	defer cancel()
	return l.db.Read(ctx, cypher.ChangesSince, map[string]any{"batch": map[string]any{"after": applied}, "limit": int64(changesPerRead)})
}

// prunedPerTransaction bounds the changes one transaction of PruneChanges deletes. Deleting a
// change writes its whole record to Neo4j's transaction log, and a transaction deleting thousands
// held every other commit back for seconds (docs/performance.md, "Pruning in small steps").
const prunedPerTransaction = 200

// PruneChanges deletes the changes of the log made more than olderThan ago, by Neo4j's clock
// (which also stamped them, so no replica's clock matters), and returns how many. Changes are
// kept long enough for every running replica to read them; a replica that comes back after they
// are gone loads its projection afresh. It deletes them a few at a time, and after each
// transaction waits as long as it took, so that pruning however far behind takes at most about
// half of one of Neo4j's workers and never stalls the writes beside it.
func (l *Log) PruneChanges(ctx context.Context, olderThan time.Duration) (pruned int, err error) {
	defer bolt.Wrap(&err, "PruneChanges(%s)", olderThan)
	for {
		start := time.Now()
		n, err := bolt.WriteTx(ctx, l.db, func(tx neo4j.ManagedTransaction) (int64, error) {
			recs, err := bolt.Collect(ctx, tx, cypher.PruneChanges, map[string]any{
				"olderThanMillis": olderThan.Milliseconds(), "limit": int64(prunedPerTransaction),
			})
			if err != nil {
				return 0, err
			}
			return bolt.Value[int64](recs[0], "pruned")
		})
		pruned += int(n)
		if err != nil || n < prunedPerTransaction {
			return pruned, err
		}
		select {
		case <-ctx.Done():
			return pruned, nil
		case <-time.After(time.Since(start)):
		}
	}
}

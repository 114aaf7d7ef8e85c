package graph

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/reach-network/reach/cypher"
)

// This file keeps the projection (projection.go) current: it loads it whole, then reads the change
// log every Freshness.Interval, and whenever a read needs a change it has not applied yet.

// Freshness says how current the projection is kept, and how current it must be to answer.
type Freshness struct {
	// Interval is how often the change log is read.
	Interval time.Duration
	// Bound is the most a default read's answer may lag behind Neo4j: past it, reads go to Neo4j.
	Bound time.Duration
	// Wait is how long an at_least_as_fresh read waits for the log to be read before it asks
	// Neo4j instead.
	Wait time.Duration
}

// DefaultFreshness reads the log 20 times a second and answers from memory up to a second behind.
var DefaultFreshness = Freshness{Interval: 50 * time.Millisecond, Bound: time.Second, Wait: 100 * time.Millisecond}

// changesPerRead is the most changes one read of the log takes.
const changesPerRead = 1000

// errReload says the projection must be loaded again.
var errReload = errors.New("the change log asks for a new load")

// errGap says that the next change is not in the log, though later ones are: pruned before this
// replica read it, or, for a moment, not visible yet. Neo4j reads committed data without
// isolating one transaction's writes from another's readers, so a reader may see the log's head
// moved by a commit a moment before it sees that commit's Change. A gap that lasts gapPatience is
// taken as pruned, and the projection is loaded again.
var errGap = errors.New("a change is missing from the log")

// gapPatience is how long a gap in the log may last before the projection is loaded again.
const gapPatience = time.Second

// ProjectionEvents are what KeepProjection reports: each load, each failure to load or to read
// the log, and each snapshot written. Any may be nil.
type ProjectionEvents struct {
	Loaded func(ProjectionLoad)
	Failed func(error)
	Saved  func(path string, took time.Duration, err error)
}

// ProjectionLoad describes one load of the projection.
type ProjectionLoad struct {
	From        string // "neo4j", or "snapshot" when a snapshot was read and caught up from the log
	Members     int
	Connections int // counted once per member who has it
	Took        time.Duration
}

// KeepProjection loads the projection and keeps it current until ctx is cancelled. It loads again
// when the log asks for it (a new database, a gap, a bulk import) and, after a failure, once Neo4j
// answers again. Reads answer from Neo4j until the first load is done. With a snapshot path
// (Config.ProjectionSnapshot), the first load reads the snapshot, if there is one that the log
// can bring up to date, and every load from Neo4j, and the end, write one (snapshot.go).
func (s *Store) KeepProjection(ctx context.Context, events ProjectionEvents) {
	tick := time.NewTicker(s.freshness.Interval)
	defer tick.Stop()
	loaded, restore := false, s.snapshot != ""
	for {
		var err error
		if !loaded {
			err = s.load(ctx, restore, events)
			loaded = err == nil
			restore = restore && !loaded // until a load succeeds: Neo4j may be away
		} else if err = s.readChanges(ctx); errors.Is(err, errReload) {
			loaded = false
			continue
		}
		if err != nil && ctx.Err() == nil && events.Failed != nil {
			events.Failed(err)
		}
		pause := tick.C
		if err != nil {
			pause = time.After(time.Second) // Neo4j is away, or the log unreadable: not 20 times a second
		}
		select {
		case <-ctx.Done():
			s.save(events)
			return
		case <-pause:
		case <-s.projection.nudge:
		}
	}
}

// load loads the projection, from the snapshot when restore is set and it can be brought up to
// date, from Neo4j otherwise; a load from Neo4j is then saved as the snapshot.
func (s *Store) load(ctx context.Context, restore bool, events ProjectionEvents) error {
	start := time.Now()
	from := "snapshot"
	err := errReload
	if restore {
		err = s.restoreProjection(ctx)
	}
	if err != nil {
		from = "neo4j"
		if err = s.loadProjection(ctx); err == nil {
			defer s.save(events)
		}
	}
	if err == nil && events.Loaded != nil {
		st := s.projection.stats()
		events.Loaded(ProjectionLoad{From: from, Members: st.Members, Connections: st.Connections, Took: time.Since(start)})
	}
	return err
}

// restoreProjection reads the snapshot and applies the changes logged since it was written. It
// fails, changing nothing, if there is no snapshot, it is damaged, or the log cannot bring it up
// to date (another database, or changes pruned since).
func (s *Store) restoreProjection(ctx context.Context) error {
	st, err := loadSnapshot(s.snapshot)
	if err != nil {
		return err
	}
	return s.catchUpAndPublish(ctx, st)
}

// catchUpAndPublish applies to st, just loaded, the changes logged since, then puts it in place.
func (s *Store) catchUpAndPublish(ctx context.Context, st *projState) error {
	start := time.Now()
	if err := s.catchUp(ctx, st, st.applyAll); err != nil {
		return err
	}
	s.publish(st, start)
	return nil
}

// save writes the snapshot, when there is a path for it.
func (s *Store) save(events ProjectionEvents) {
	if s.snapshot == "" {
		return
	}
	start := time.Now()
	err := s.SaveProjection(s.snapshot)
	if events.Saved != nil {
		events.Saved(s.snapshot, time.Since(start), err)
	}
}

// loadProjection reads everything the projection holds and puts it in place once it has caught
// up with the log. Changes committed while it reads are applied again afterwards; they record
// exact facts, so applying one twice does no harm.
func (s *Store) loadProjection(ctx context.Context) (err error) {
	defer wrap(&err, "load projection")
	head, err := write(ctx, s, func(tx neo4j.ManagedTransaction) ([]*neo4j.Record, error) {
		return collect(ctx, tx, cypher.EnsureChangeLog, nil)
	})
	if err != nil {
		return err
	}
	epoch, err1 := value[string](head[0], "epoch")
	applied, err2 := value[int64](head[0], "head")
	if err := errors.Join(err1, err2); err != nil {
		return err
	}
	st := newProjState(epoch, applied)
	nodes, err := s.loadNames(ctx, st)
	if err != nil {
		return err
	}
	if err := s.loadMembers(ctx, st, nodes); err != nil {
		return err
	}
	if err := s.loadPairs(ctx, st); err != nil {
		return err
	}
	return s.catchUpAndPublish(ctx, st)
}

// publish puts st, caught up with the log as it was at start, in place of the projection's state.
func (s *Store) publish(st *projState, start time.Time) {
	p := s.projection
	p.mu.Lock()
	p.state = st
	p.mu.Unlock()
	p.freshAt.Store(start.UnixNano())
	p.loads.Add(1)
	p.caught.Broadcast()
}

// stream runs a read statement and hands each record to row, without holding them all.
func (s *Store) stream(ctx context.Context, query string, params map[string]any, row func(*neo4j.Record) error) error {
	session := s.driver.NewSession(ctx, neo4j.SessionConfig{DatabaseName: s.db, AccessMode: neo4j.AccessModeRead,
		BookmarkManager: s.driver.ExecuteQueryBookmarkManager()})
	defer session.Close(ctx)
	res, err := session.Run(ctx, query, params)
	if err != nil {
		return err
	}
	return eachRecord(ctx, res, row)
}

// eachRecord hands each record of res to row as the driver fetches it, so that a long answer is
// never held whole.
func eachRecord(ctx context.Context, res neo4j.ResultWithContext, row func(*neo4j.Record) error) error {
	for res.Next(ctx) {
		if err := row(res.Record()); err != nil {
			return err
		}
	}
	return res.Err()
}

// loadParts is how many ranges of members a load reads at once.
const loadParts = 2

// memberRow is one row of ProjectionMembers.
type memberRow struct {
	node        int64
	id          string
	facts       memberFacts
	connections []int64 // internal node ids this member's connections point to
	held        []int64 // internal node ids of the organisations they held a position at
	current     []bool  // by held: whether the position is current
	groups      []int64 // internal node ids of their groups
}

// affiliateNodes maps the internal node ids of organisations and groups to their numbers, for
// one load.
type affiliateNodes struct{ orgs, groups map[int64]int32 }

// loadNames reads every organisation and group, with its name and kind.
func (s *Store) loadNames(ctx context.Context, st *projState) (affiliateNodes, error) {
	nodes := affiliateNodes{orgs: map[int64]int32{}, groups: map[int64]int32{}}
	err := s.stream(ctx, cypher.ProjectionNames, nil, func(rec *neo4j.Record) error {
		node, e1 := value[int64](rec, "node")
		id, e2 := value[string](rec, "id")
		name, e3 := value[string](rec, "name")
		kind, e4 := value[string](rec, "kind")
		if err := errors.Join(e1, e2, e3, e4); err != nil {
			return err
		}
		c, into := &st.orgs, nodes.orgs
		if kind == "group" {
			c, into, kind = &st.groups, nodes.groups, ""
		}
		k, _ := c.number(id, true)
		c.entries[k] = affiliate{id: id, name: name, kind: OrgKind(kind), present: true}
		into[node] = k
		return nil
	})
	return nodes, err
}

// loadMembers reads every member's facts, connections and affiliations, in loadParts ranges at
// once, then numbers the members and lists each connection on both sides, sorted.
func (s *Store) loadMembers(ctx context.Context, st *projState, nodes affiliateNodes) error {
	recs, err := s.read(ctx, cypher.ProjectionRange, nil)
	if err != nil {
		return err
	}
	low, e1 := value[int64](recs[0], "low")
	high, e2 := value[int64](recs[0], "high")
	if err := errors.Join(e1, e2); err != nil {
		return err
	}
	parts := make([][]memberRow, loadParts)
	step := (high-low)/loadParts + 1
	var g errgroup.Group
	for i := range parts {
		g.Go(func() error {
			var err error
			parts[i], err = s.memberRows(ctx, low+int64(i)*step, low+int64(i+1)*step)
			return err
		})
	}
	if err := g.Wait(); err != nil {
		return err
	}
	st.addMembers(parts, nodes)
	return nil
}

// memberRows reads the members whose internal node ids lie in [from, to).
func (s *Store) memberRows(ctx context.Context, from, to int64) ([]memberRow, error) {
	var rows []memberRow
	err := s.stream(ctx, cypher.ProjectionMembers, map[string]any{"from": from, "to": to}, func(rec *neo4j.Record) error {
		id, e1 := value[string](rec, "id")
		node, e2 := value[int64](rec, "node")
		connections, e3 := value[[]any](rec, "connections")
		facts, e4 := factsOf(rec)
		held, e5 := value[[]any](rec, "held")
		groups, e6 := value[[]any](rec, "groups")
		if err := errors.Join(e1, e2, e3, e4, e5, e6); err != nil {
			return err
		}
		row := memberRow{node: node, id: id, facts: facts, connections: make([]int64, len(connections))}
		for i, c := range connections {
			row.connections[i], _ = c.(int64)
		}
		for _, h := range held {
			pair, _ := h.([]any)
			if len(pair) == 2 {
				org, _ := pair[0].(int64)
				current, _ := pair[1].(bool)
				row.held, row.current = append(row.held, org), append(row.current, current)
			}
		}
		for _, g := range groups {
			n, _ := g.(int64)
			row.groups = append(row.groups, n)
		}
		rows = append(rows, row)
		return nil
	})
	return rows, err
}

// addMembers numbers the members read, lists each connection on both of its sides and keeps
// each member's affiliations.
func (st *projState) addMembers(parts [][]memberRow, nodes affiliateNodes) {
	numbers := map[int64]int32{}
	for _, rows := range parts {
		for _, r := range rows {
			k, _ := st.number(r.id, true)
			numbers[r.node], st.facts[k] = k, r.facts
			st.held[k], st.joined[k] = heldList(r, nodes.orgs), joinedList(r.groups, nodes.groups)
		}
	}
	for _, rows := range parts {
		for _, r := range rows {
			a := numbers[r.node]
			for _, n := range r.connections {
				if b, ok := numbers[n]; ok && a != b { // a member created while the scan ran: the log brings it
					st.adj[a], st.adj[b] = append(st.adj[a], b), append(st.adj[b], a)
				}
			}
		}
	}
	for k, list := range st.adj {
		slices.Sort(list)
		st.adj[k] = slices.Compact(list)
	}
	st.countLinks()
}

// heldList is a member row's organisations as heldKeys, sorted, one per organisation: current
// when any position there is. An organisation created while the scan ran is left out: the log
// brings it, with the member's positions.
func heldList(r memberRow, orgs map[int64]int32) []int32 {
	var list []int32
	for i, node := range r.held {
		if o, ok := orgs[node]; ok {
			list = append(list, heldKey(o, r.current[i]))
		}
	}
	return mergedHeld(list)
}

// mergedHeld sorts heldKeys and keeps one per organisation, current if any is.
func mergedHeld(list []int32) []int32 {
	if len(list) == 0 {
		return nil
	}
	slices.Sort(list)
	out := list[:0]
	for _, k := range list {
		if n := len(out); n > 0 && out[n-1]>>1 == k>>1 {
			out[n-1] |= k & 1
			continue
		}
		out = append(out, k)
	}
	return slices.Clip(out)
}

// joinedList is a member row's groups by number, sorted.
func joinedList(nodes []int64, groups map[int64]int32) []int32 {
	var list []int32
	for _, node := range nodes {
		if g, ok := groups[node]; ok {
			list = append(list, g)
		}
	}
	if len(list) == 0 {
		return nil
	}
	return slices.Clip(slices.Compact(slices.Sorted(slices.Values(list))))
}

// factsOf reads a member's facts from a record of ProjectionMembers.
func factsOf(rec *neo4j.Record) (memberFacts, error) {
	inmail, e1 := value[string](rec, "inmail")
	open, e2 := value[bool](rec, "openProfile")
	restricted, e3 := value[bool](rec, "restricted")
	plan, e4 := value[string](rec, "plan")
	credits, e5 := value[int64](rec, "credits")
	granted, e6 := value[int64](rec, "grantedAt")
	requests, e7 := value[bool](rec, "messageRequests")
	month, e8 := value[int64](rec, "requestsMonth")
	sent, e9 := value[int64](rec, "requestsSent")
	return memberFacts{present: true, inmail: InMailPolicy(inmail), openProfile: open, restricted: restricted,
			plan: Plan(plan), credits: int(credits), grantedAt: millis(granted),
			requestsOff: !requests, requestsMonth: int32(month), requestsSent: int32(sent)},
		errors.Join(e1, e2, e3, e4, e5, e6, e7, e8, e9)
}

// millis is a time stored as epoch milliseconds, zero for none.
func millis(ms int64) time.Time {
	if ms == 0 {
		return time.Time{}
	}
	return time.UnixMilli(ms).In(utcOffset)
}

// loadPairs reads the block relations and the pairs' messaging facts. Block relations are
// gathered as they come and sorted once at the end.
func (s *Store) loadPairs(ctx context.Context, st *projState) error {
	err := s.stream(ctx, cypher.ProjectionPairs, nil, func(rec *neo4j.Record) error {
		a, e1 := value[string](rec, "a")
		b, e2 := value[string](rec, "b")
		bits, e3 := value[int64](rec, "bits")
		if err := errors.Join(e1, e2, e3); err != nil {
			return err
		}
		ka, ok1 := st.number(a, false)
		kb, ok2 := st.number(b, false)
		if !ok1 || !ok2 {
			return nil // a member created after the members were read: the log brings it
		}
		switch pairBits(bits) {
		case bitBlocksAB:
			st.hidden[ka], st.hidden[kb] = append(st.hidden[ka], kb), append(st.hidden[kb], ka)
		default:
			key, flip := pairKey(ka, kb)
			if flip {
				bits = int64(pairBits(bits).swapped())
			}
			st.pairs[key] |= pairBits(bits)
		}
		return nil
	})
	for k, list := range st.hidden {
		st.hidden[k] = slices.Compact(slices.Sorted(slices.Values(list)))
	}
	return err
}

// readChanges applies the changes logged since the projection's, and notes when it reached the
// log's head. The log is read without the projection's lock; only applying takes it.
func (s *Store) readChanges(ctx context.Context) error {
	p := s.projection
	p.mu.RLock()
	st := p.state
	p.mu.RUnlock()
	start := time.Now()
	err := s.catchUp(ctx, st, func(changes []any) error {
		p.mu.Lock()
		defer p.mu.Unlock()
		return st.applyAll(changes)
	})
	p.caught.Broadcast()
	if err == nil {
		p.freshAt.Store(start.UnixNano())
	}
	return err
}

// catchUp reads changes until st holds the log's head as it was when the last read began, handing
// each batch to apply. A gap in the log is read again until it has lasted gapPatience.
func (s *Store) catchUp(ctx context.Context, st *projState, apply func(changes []any) error) error {
	var gapSince time.Time
	for {
		err := s.catchUpOnce(ctx, st, apply)
		if !errors.Is(err, errGap) {
			return err
		}
		if gapSince.IsZero() {
			gapSince = time.Now()
		} else if time.Since(gapSince) > gapPatience {
			return errReload
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(10 * time.Millisecond):
		}
	}
}

// catchUpOnce is catchUp without patience for gaps.
func (s *Store) catchUpOnce(ctx context.Context, st *projState, apply func(changes []any) error) error {
	for {
		recs, err := s.read(ctx, cypher.ChangesSince, map[string]any{"after": st.applied, "limit": int64(changesPerRead)})
		if err != nil {
			return err
		}
		epoch, e1 := value[string](recs[0], "epoch")
		head, e2 := value[int64](recs[0], "head")
		changes, e3 := value[[]any](recs[0], "changes")
		if err := errors.Join(e1, e2, e3); err != nil {
			return err
		}
		if epoch != st.epoch || head < st.applied {
			return errReload // a new database
		}
		if len(changes) == 0 && head > st.applied {
			return errGap
		}
		if err := apply(changes); err != nil {
			return err
		}
		if st.applied >= head {
			return nil
		}
	}
}

// applyAll applies changes in order.
func (st *projState) applyAll(changes []any) error {
	for _, c := range changes {
		if err := st.apply(c); err != nil {
			return err
		}
	}
	return nil
}

// apply applies one change of the log, which must be the next one.
func (st *projState) apply(v any) error {
	c, ok := v.(map[string]any)
	if !ok {
		return fmt.Errorf("change: got %T", v)
	}
	seq, _ := c["seq"].(int64)
	if seq != st.applied+1 {
		return errGap
	}
	if reload, _ := c["reload"].(bool); reload {
		return errReload
	}
	st.applyAffiliates(c, "orgs", "orgPresent", "orgNames", "orgKinds", &st.orgs)
	st.applyAffiliates(c, "groups", "groupPresent", "groupNames", "", &st.groups)
	if err := st.applyMembers(c); err != nil {
		return fmt.Errorf("change %d: %w", seq, err)
	}
	st.applyAffiliations(c)
	if err := st.applyPairs(c); err != nil {
		return fmt.Errorf("change %d: %w", seq, err)
	}
	st.applied = seq
	return nil
}

// applyMembers sets the facts a change records of its members.
func (st *projState) applyMembers(c map[string]any) error {
	ids, err := field[[]any](c, "members")
	if err != nil {
		return err
	}
	for i, v := range ids {
		id, _ := v.(string)
		k, _ := st.number(id, true)
		present, _ := column(c, "present", i).(bool)
		inmail, _ := column(c, "inmail", i).(string)
		open, _ := column(c, "openProfile", i).(bool)
		restricted, _ := column(c, "restricted", i).(bool)
		plan, _ := column(c, "plan", i).(string)
		credits, _ := column(c, "credits", i).(int64)
		granted, _ := column(c, "grantedAt", i).(int64)
		requests, recorded := column(c, "messageRequests", i).(bool) // absent from older changes: on
		month, _ := column(c, "requestsMonth", i).(int64)
		sent, _ := column(c, "requestsSent", i).(int64)
		st.facts[k] = memberFacts{present: present, inmail: InMailPolicy(inmail), openProfile: open,
			restricted: restricted, plan: Plan(plan), credits: int(credits), grantedAt: millis(granted),
			requestsOff: recorded && !requests, requestsMonth: int32(month), requestsSent: int32(sent)}
	}
	return nil
}

// column reads the i-th value of one of a change's lists, nil past its end or when it is absent
// (a change logged before the list was recorded).
func column(c map[string]any, name string, i int) any {
	list, _ := c[name].([]any)
	if i < len(list) {
		return list[i]
	}
	return nil
}

// applyAffiliates sets the names, kinds and existence a change records of organisations or
// groups (kinds is "" for groups, which have none).
func (st *projState) applyAffiliates(c map[string]any, ids, present, names, kinds string, into *catalogue) {
	list, _ := c[ids].([]any)
	for i, v := range list {
		id, _ := v.(string)
		k, _ := into.number(id, true)
		e := affiliate{id: id}
		e.present, _ = column(c, present, i).(bool)
		e.name, _ = column(c, names, i).(string)
		kind, _ := column(c, kinds, i).(string)
		e.kind = OrgKind(kind)
		into.entries[k] = e
	}
}

// applyAffiliations sets the organisations and groups of each member a change records: all of
// them, so a member with none listed has none.
func (st *projState) applyAffiliations(c map[string]any) {
	ids, _ := c["members"].([]any)
	numbers := make([]int32, len(ids))
	for i, v := range ids {
		id, _ := v.(string)
		numbers[i], _ = st.number(id, true)
		st.held[numbers[i]], st.joined[numbers[i]] = nil, nil
	}
	owner := func(name string, i int) (int32, bool) {
		n, ok := column(c, name, i).(int64)
		if !ok || n < 0 || int(n) >= len(numbers) {
			return 0, false
		}
		return numbers[n], true
	}
	by, _ := c["heldBy"].([]any)
	for i := range by {
		k, ok := owner("heldBy", i)
		org, _ := column(c, "heldOrg", i).(string)
		current, _ := column(c, "heldCurrent", i).(bool)
		if ok {
			o, _ := st.orgs.number(org, true)
			st.held[k] = append(st.held[k], heldKey(o, current))
		}
	}
	by, _ = c["memberOfBy"].([]any)
	for i := range by {
		k, ok := owner("memberOfBy", i)
		group, _ := column(c, "memberOf", i).(string)
		if ok {
			g, _ := st.groups.number(group, true)
			st.joined[k] = append(st.joined[k], g)
		}
	}
	for _, k := range numbers {
		st.held[k] = mergedHeld(st.held[k])
		if list := st.joined[k]; len(list) > 0 {
			st.joined[k] = slices.Clip(slices.Compact(slices.Sorted(slices.Values(list))))
		}
	}
}

// applyPairs sets the relation a change records of each of its pairs.
func (st *projState) applyPairs(c map[string]any) error {
	as, e1 := field[[]any](c, "pairA")
	bs, e2 := field[[]any](c, "pairB")
	bits, e3 := field[[]any](c, "pairBits")
	if err := errors.Join(e1, e2, e3); err != nil {
		return err
	}
	if len(as) != len(bs) || len(as) != len(bits) {
		return fmt.Errorf("pairs of %d, %d and %d", len(as), len(bs), len(bits))
	}
	for i := range as {
		a, _ := as[i].(string)
		b, _ := bs[i].(string)
		n, _ := bits[i].(int64)
		ka, _ := st.number(a, true)
		kb, _ := st.number(b, true)
		if ka != kb {
			st.setPair(ka, kb, pairBits(n))
		}
	}
	return nil
}

// prunedPerTransaction bounds the changes one transaction of PruneChanges deletes.
const prunedPerTransaction = 10_000

// PruneChanges deletes the changes of the log made before before, and returns how many. Changes
// are kept long enough for every running replica to read them; a replica that comes back after
// they are gone loads its projection afresh.
func (s *Store) PruneChanges(ctx context.Context, before time.Time) (pruned int, err error) {
	defer wrap(&err, "PruneChanges(%s)", before.Format(time.RFC3339))
	for {
		n, err := write(ctx, s, func(tx neo4j.ManagedTransaction) (int64, error) {
			recs, err := collect(ctx, tx, cypher.PruneChanges, map[string]any{
				"before": asNeo4jTime(before), "limit": int64(prunedPerTransaction),
			})
			if err != nil {
				return 0, err
			}
			return value[int64](recs[0], "pruned")
		})
		pruned += int(n)
		if err != nil || n < prunedPerTransaction {
			return pruned, err
		}
	}
}

package projection

import (
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/reach-network/reach/graph"
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

// errReload says the projection must be loaded again.
var ErrReload = errors.New("the change log asks for a new load")

// errGap says that the next change is not in the log, though later ones are: pruned before this
// replica read it, or, for a moment, not visible yet. Neo4j reads committed data without
// isolating one transaction's writes from another's readers, so a reader may see the log's head
// moved by a commit a moment before it sees that commit's Change. A gap that lasts gapPatience is
// taken as pruned, and the projection is loaded again.
var ErrGap = errors.New("a change is missing from the log")

// memberRow is one row of ProjectionMembers.
type MemberRow struct {
	Node        int64
	ID          string
	Facts       MemberFacts
	Name        string
	Headline    string
	Connections int     // how many connections the member has, either way
	Held        []int64 // internal node ids of the organisations they held a position at
	Current     []bool  // by held: whether the position is current
	Groups      []int64 // internal node ids of their groups
}

// affiliateNodes maps the internal node ids of organisations and groups to their numbers, for
// one load.
type AffiliateNodes struct{ Orgs, Groups map[int64]int32 }

// AddMembers numbers the members read and keeps each member's facts and affiliations, and
// returns what lists their connections as the load reads them (Loading.Connect).
func (st *State) AddMembers(parts [][]MemberRow, nodes AffiliateNodes) *Loading {
	rows := 0
	for _, part := range parts {
		rows += len(part)
	}
	st.grow(rows)
	l := &Loading{st: st, numbers: make(map[int64]int32, rows)}
	for _, rows := range parts {
		for _, r := range rows {
			k, _ := st.Number(r.ID, true)
			l.numbers[r.Node], st.facts[k], st.cards[k] = k, r.Facts, newCard(r.Name, r.Headline)
			st.held[k], st.joined[k] = heldList(r, nodes.Orgs), joinedList(r.Groups, nodes.Groups)
		}
	}
	sizes := make([]int, len(st.adj))
	for _, rows := range parts {
		for _, r := range rows {
			sizes[l.numbers[r.Node]] = r.Connections
		}
	}
	st.cutLists(sizes)
	return l
}

// cutLists gives each member's connection list room for sizes more, cut from one array: a
// segment each, of just that length, so that a load allocates the lists once and leaves no room
// unused, where lists grown one connection at a time would leave up to as much again, and as much
// garbage behind. A list that later grows past its segment moves out of it.
func (st *State) cutLists(sizes []int) {
	total := 0
	for k, n := range sizes {
		total += n + len(st.adj[k])
	}
	all := make([]int32, total)
	for k, n := range sizes {
		n += len(st.adj[k])
		st.adj[k], all = append(all[:0:n], st.adj[k]...), all[n:]
	}
}

// Loading lists the connections a load reads, on both of their sides, into the lists AddMembers
// cut. Its Connect may be called from several goroutines at once.
type Loading struct {
	st      *State
	numbers map[int64]int32 // internal node id → member number, for this load only
	mu      sync.Mutex
}

// Connect lists the connections of the member with internal node id node, to the members with
// the internal node ids to, on both sides. A connection to a member no row read (created while the
// load read them: the log brings it) or to itself is left out.
func (l *Loading) Connect(node int64, to []int64) {
	a, ok := l.numbers[node]
	if !ok {
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	adj := l.st.adj
	for _, n := range to {
		if b, ok := l.numbers[n]; ok && a != b {
			adj[a], adj[b] = append(adj[a], b), append(adj[b], a)
		}
	}
}

// Done sorts every list and keeps each connection once, and counts them.
func (l *Loading) Done() {
	for k, list := range l.st.adj {
		slices.Sort(list)
		l.st.adj[k] = slices.Compact(list)
	}
	l.st.countLinks()
}

// heldList is a member row's organisations as heldKeys, sorted, one per organisation: current
// when any position there is. An organisation created while the scan ran is left out: the log
// brings it, with the member's positions.
func heldList(r MemberRow, orgs map[int64]int32) []int32 {
	var list []int32
	for i, node := range r.Held {
		if o, ok := orgs[node]; ok {
			list = append(list, heldKey(o, r.Current[i]))
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

// millis is a time stored as epoch milliseconds, zero for none.
func Millis(ms int64) time.Time {
	if ms == 0 {
		return time.Time{}
	}
	return time.UnixMilli(ms).In(graph.UtcOffset)
}

// ApplyAll applies, of changes (each shard's in order, as ChangesSince reads them), every change
// whose turn has come, in an order the log allows, and returns how many it applied. A change's
// turn comes once the state has applied, in each shard, the change before it there and every
// change its heads name: so the state always holds, with each write, every write committed before
// that write read the heads. Changes applied already (another shard's copy of the same write) are
// passed over; the rest, waiting for changes not read yet, are left for the next read.
func (st *State) ApplyAll(changes []any) (int, error) { return st.applyAll(changes, nil) }

// applyAll is ApplyAll, adding to told, when not nil, the events of the changes it applies.
func (st *State) applyAll(changes []any, told *[]graph.Told) (int, error) {
	queues := map[int][]entry{}
	for _, v := range changes {
		e, err := entryOf(v)
		if err != nil {
			return 0, err
		}
		if e.shard >= len(st.Applied) {
			return 0, fmt.Errorf("change %d of shard %d: the log has %d shards: %w", e.seq, e.shard, len(st.Applied), ErrReload)
		}
		queues[e.shard] = append(queues[e.shard], e)
	}
	applied := 0
	for progress := true; progress; {
		progress = false
		for shard, queue := range queues {
			for len(queue) > 0 && st.turnOf(queue[0]) != waiting {
				if st.turnOf(queue[0]) == ready {
					if err := st.apply(queue[0]); err != nil {
						return applied, err
					}
					if told != nil {
						*told = append(*told, st.told(queue[0])...)
					}
					applied, progress = applied+1, true
				}
				queue = queue[1:]
			}
			queues[shard] = queue
		}
	}
	return applied, nil
}

// entry is one change of the log as a replica reads it: its place, what it waits for, and what it
// records.
type entry struct {
	shard  int
	seq    int64
	heads  []int64 // every shard's head as the write read them, its own numbers included
	shards []int   // the shards the write touched, each holding a copy of this change
	change map[string]any
}

// entryOf reads a change of the log. A change from before the log had shards is shard 0's, and
// waits for nothing but the change before it.
func entryOf(v any) (entry, error) {
	c, ok := v.(map[string]any)
	if !ok {
		return entry{}, fmt.Errorf("change: got %T", v)
	}
	seq, _ := c["seq"].(int64)
	shard, _ := c["shard"].(int64)
	if shard < 0 || shard >= maxShards {
		return entry{}, fmt.Errorf("change %d: shard %d", seq, shard)
	}
	e := entry{shard: int(shard), seq: seq, change: c, shards: []int{int(shard)}}
	if heads, ok := c["heads"].([]any); ok {
		e.heads = make([]int64, len(heads))
		for i, h := range heads {
			e.heads[i], _ = h.(int64)
		}
	} else {
		e.heads = make([]int64, shard+1)
		e.heads[shard] = seq
	}
	if shards, ok := c["shards"].([]any); ok {
		e.shards = e.shards[:0]
		for _, s := range shards {
			n, _ := s.(int64)
			e.shards = append(e.shards, int(n))
		}
	}
	return e, nil
}

// maxShards bounds the shard numbers a change may name.
const maxShards = 1 << 16

// turn is where a change stands with a state: applied already, ready to apply, or waiting.
type turn int

const (
	done turn = iota
	ready
	waiting
)

// turnOf tells whether the state has applied e, may apply it now, or must wait for other changes.
func (st *State) turnOf(e entry) turn {
	if st.Applied[e.shard] >= e.seq {
		return done
	}
	for s, h := range e.heads {
		have := int64(0)
		if s < len(st.Applied) {
			have = st.Applied[s]
		}
		if slices.Contains(e.shards, s) {
			h-- // the write's own number there: the one before it must be the last applied
			if have != h {
				return waiting
			}
		} else if have < h {
			return waiting
		}
	}
	return ready
}

// apply applies one change of the log, whose turn has come, and advances every shard it touched.
func (st *State) apply(e entry) error {
	c := e.change
	if reload, _ := c["reload"].(bool); reload {
		return ErrReload
	}
	for _, step := range []func() error{
		func() error { return st.applyAffiliates(c, "orgs", "orgPresent", "orgNames", "orgKinds", &st.orgs) },
		func() error { return st.applyAffiliates(c, "groups", "groupPresent", "groupNames", "", &st.groups) },
		func() error { return st.applyMembers(c) },
		func() error { return st.applyAffiliations(c) },
		func() error { return st.applyPairs(c) },
		func() error { return st.applySides(c) },
	} {
		if err := step(); err != nil {
			return fmt.Errorf("change %d of shard %d: %w", e.seq, e.shard, err)
		}
	}
	id, _ := c["id"].(string) // absent from changes logged before ids: not known
	for _, s := range e.shards {
		if s < len(st.Applied) && s < len(e.heads) {
			st.Applied[s], st.AppliedIDs[s] = e.heads[s], id
		}
	}
	return nil
}

// applyMembers sets the facts a change records of its members, with their names and headlines.
func (st *State) applyMembers(c map[string]any) error {
	change := fieldsOf(c)
	ids := change.list("members")
	if change.err != nil {
		return change.err
	}
	for i := range ids {
		r := rowOf(c, i)
		id, present := r.str("members"), r.flag("present")
		if r.err != nil {
			return fmt.Errorf("member %d: %w", i, r.err)
		}
		k, _ := st.Number(id, true)
		if !present {
			st.forget(k, st.facts[k].Present)
			continue
		}
		requestsOff := r.recorded("messageRequests") && !r.flag("messageRequests") // absent from older changes: on
		facts := MemberFacts{Present: true, Inmail: graph.InMailPolicy(r.str("inmail")), OpenProfile: r.flag("openProfile"),
			Restricted: r.flag("restricted"), Plan: graph.Plan(r.str("plan")), Credits: int(r.number("credits")),
			GrantedAt: Millis(r.number("grantedAt")), RequestsOff: requestsOff,
			RequestsMonth: int32(r.number("requestsMonth")), RequestsSent: int32(r.number("requestsSent"))}
		card := cardOf(r)
		if r.err != nil {
			return fmt.Errorf("member %s: %w", id, r.err)
		}
		st.cards[k], st.facts[k] = card, facts
	}
	return nil
}

// cardOf is the card a change's member row r records: unnamed when the change records no names,
// as a replica of a version before names were kept in memory writes it, so that nothing answers
// with a name the member may have changed since.
func cardOf(r *values) card {
	if !r.recorded("names") {
		return unnamed
	}
	return newCard(r.str("names"), r.str("headlines"))
}

// applyAffiliates sets the names, kinds and existence a change records of organisations or
// groups (kinds is "" for groups, which have none).
func (st *State) applyAffiliates(c map[string]any, ids, present, names, kinds string, into *catalogue) error {
	change := fieldsOf(c)
	list := change.list(ids)
	if change.err != nil {
		return change.err
	}
	for i := range list {
		r := rowOf(c, i)
		id := r.str(ids)
		e := affiliate{id: id, present: r.flag(present), name: r.str(names), Kind: graph.OrgKind(r.str(kinds))}
		if r.err != nil {
			return fmt.Errorf("%s %d: %w", ids, i, r.err)
		}
		k, _ := into.Number(id, true)
		into.entries[k] = e
	}
	return nil
}

// applyAffiliations sets the organisations and groups of each member a change records: all of
// them, so a member with none listed has none.
func (st *State) applyAffiliations(c map[string]any) error {
	change := fieldsOf(c)
	ids, heldBy, memberOfBy := change.list("members"), change.list("heldBy"), change.list("memberOfBy")
	if change.err != nil {
		return change.err
	}
	numbers := make([]int32, len(ids))
	for i := range ids {
		id := rowOf(c, i).str("members") // applyMembers checked it
		k, ok := st.Number(id, false)    // applyMembers added those present, and forgot the others
		numbers[i] = -1
		if ok {
			numbers[i], st.held[k], st.joined[k] = k, nil, nil
		}
	}
	// owner is the number of the member at position n of the change's members, if present.
	owner := func(n int64) (int32, bool) {
		if n < 0 || int(n) >= len(numbers) || numbers[n] < 0 {
			return 0, false
		}
		return numbers[n], true
	}
	for i := range heldBy {
		r := rowOf(c, i)
		k, ok := owner(r.number("heldBy"))
		org, current := r.str("heldOrg"), r.flag("heldCurrent")
		if r.err != nil {
			return fmt.Errorf("position %d: %w", i, r.err)
		}
		if ok {
			o, _ := st.orgs.Number(org, true)
			st.held[k] = append(st.held[k], heldKey(o, current))
		}
	}
	for i := range memberOfBy {
		r := rowOf(c, i)
		k, ok := owner(r.number("memberOfBy"))
		group := r.str("memberOf")
		if r.err != nil {
			return fmt.Errorf("membership %d: %w", i, r.err)
		}
		if ok {
			g, _ := st.groups.Number(group, true)
			st.joined[k] = append(st.joined[k], g)
		}
	}
	st.tidyAffiliations(numbers)
	return nil
}

// tidyAffiliations sorts, and rids of repeats, the affiliations of the members numbered (-1: none).
func (st *State) tidyAffiliations(numbers []int32) {
	for _, k := range numbers {
		if k < 0 {
			continue
		}
		st.held[k] = mergedHeld(st.held[k])
		if list := st.joined[k]; len(list) > 0 {
			st.joined[k] = slices.Clip(slices.Compact(slices.Sorted(slices.Values(list))))
		}
	}
}

// applyPairs sets the relation a change records of each of its pairs.
func (st *State) applyPairs(c map[string]any) error {
	change := fieldsOf(c)
	as, bs, bits := change.list("pairA"), change.list("pairB"), change.list("pairBits")
	if change.err != nil {
		return change.err
	}
	if len(as) != len(bs) || len(as) != len(bits) {
		return fmt.Errorf("pairs of %d, %d and %d", len(as), len(bs), len(bits))
	}
	for i := range as {
		r := rowOf(c, i)
		a, b, n := r.str("pairA"), r.str("pairB"), r.number("pairBits")
		if r.err != nil {
			return fmt.Errorf("pair %d: %w", i, r.err)
		}
		ka, _ := st.Number(a, true)
		kb, _ := st.Number(b, true)
		if ka != kb {
			st.setPair(ka, kb, PairBits(n))
		}
	}
	return nil
}

// applySides keeps the sides of conversations a change records. A change that records none
// (written by a version before sides were recorded) may have changed the sides of its members,
// pairs and events' members unseen: their mailboxes are no longer held.
func (st *State) applySides(c map[string]any) error {
	of, recorded := c["sideOf"].([]any)
	if !recorded {
		st.unholdSides(c)
		return nil
	}
	for i := range of {
		r := rowOf(c, i)
		found := r.flag("sideFound")
		row, err := readSide(r) // checks found's type too
		if err != nil {
			return err
		}
		if !found {
			st.dropSide(row.Member, row.Conversation) // not found: no such side
			continue
		}
		st.PutSide(row)
	}
	return nil
}

// unholdSides marks as unheld the members whose sides change c, which records none, may have
// changed.
func (st *State) unholdSides(c map[string]any) {
	for _, list := range []string{"members", "pairA", "pairB", "eventTo"} {
		ids, _ := c[list].([]any)
		for _, id := range ids {
			if id, ok := id.(string); ok {
				if _, held := st.Number(id, false); held {
					st.unheld[id] = true
				}
			}
		}
	}
}

// AddOrganisation adds an organisation to a state being loaded and returns its number.
func (st *State) AddOrganisation(id, name string, kind graph.OrgKind) int32 {
	k, _ := st.orgs.Number(id, true)
	st.orgs.entries[k] = affiliate{id: id, name: name, Kind: kind, present: true}
	return k
}

// AddGroup adds a group to a state being loaded and returns its number.
func (st *State) AddGroup(id, name string) int32 {
	k, _ := st.groups.Number(id, true)
	st.groups.entries[k] = affiliate{id: id, name: name, present: true}
	return k
}

// AddPair adds to a state being loaded one row of ProjectionPairs: a block relation (bits of a
// block alone) or the messaging facts of a pair, read from a to b. A pair of members the load has
// not read (created meanwhile) is left to the log. SortBlocks must follow the last row.
func (st *State) AddPair(a, b string, bits int64) {
	ka, ok1 := st.Number(a, false)
	kb, ok2 := st.Number(b, false)
	if !ok1 || !ok2 {
		return
	}
	if PairBits(bits) == BitBlocksAB {
		st.hidden[ka], st.hidden[kb] = append(st.hidden[ka], kb), append(st.hidden[kb], ka)
		return
	}
	key, flip := PairKey(ka, kb)
	if flip {
		bits = int64(PairBits(bits).swapped())
	}
	st.pairs[key] |= PairBits(bits)
}

// SortBlocks sorts the block relations AddPair gathered as they came.
func (st *State) SortBlocks() {
	for k, list := range st.hidden {
		st.hidden[k] = slices.Compact(slices.Sorted(slices.Values(list)))
	}
}

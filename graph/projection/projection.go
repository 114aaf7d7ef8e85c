// Package projection is a replica's in-memory copy of what a reachability answer needs: its
// state, applying a change of the log to it, answering from it, its snapshot file, and when it
// may answer. It imports only graph: no driver, no store.
package projection

import (
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/reach-network/reach/graph"
)

// projection is this replica's copy, in memory, of everything a reachability answer needs: every
// member's messaging facts, connections and block relations, and the messaging facts of the pairs
// of members that have any; with each member's name and headline, so that a page of mutual
// connections is answered from it too. It lets the default read mode answer without asking Neo4j.
//
// It is loaded whole (load), then kept current by reading the change log (poll): every write
// transaction that changes any of this records, as its last statements, the exact facts of the
// members and pairs it touched (cypher/AppendChange.cypher), in each shard of the log it touched,
// numbered in commit order there, with every shard's head as it read them. Applying each write once
// the writes it read are applied (apply.go), the projection holds, with every write, each write
// committed before it; it never holds a write in part. It answers only while it is current within
// the staleness bound and holds every write this replica made that touched the members the read is
// about (the caller and the members asked about), or, for a read with a token, once it
// has applied the token's positions (answerable). A change log of another epoch (a new database), a
// gap (changes pruned before they were read), a bulk import, or a log whose history is not the one
// it applied (a database restored from a backup, fork.go) makes it load again.
type Projection struct {
	mu    sync.RWMutex
	state *State // nil until loaded

	ownMu   sync.Mutex
	own     map[string]graph.Token // by member: the latest change this replica's writes made that touched them, until applied
	ownAll  graph.Token            // the latest that touched every member (a bulk import, an organisation, a group)
	freshAt atomic.Int64           // unix nanos: when the latest read of the log that found the state at its head began
	nudge   chan struct{}          // asks the tailer to read the log now
	caught  *sync.Cond             // signalled, with mu held, when changes are applied

	served, fallbacks atomic.Int64          // reads answered from memory, and from Neo4j instead
	loads             atomic.Int64          // states put in place, from Neo4j or a snapshot
	forked            atomic.Pointer[State] // a state found forked from the log, which answers nothing (fork.go)
}

// State is the projection's data, as of the changes Applied of the log of epoch.
type State struct {
	Epoch      string
	Applied    []int64          // by shard of the log, the latest change applied
	AppliedIDs []string         // by shard, the id of the change at Applied: "" when not known (fork.go)
	index      map[string]int32 // member id → number
	ids        []string         // number → member id
	facts      []MemberFacts    // by number
	cards      []card           // names and headlines, by number
	adj        [][]int32        // connections, sorted, by number
	links      int              // the lengths of adj added up: each connection counted on both sides
	hidden     map[int32][]int32
	pairs      map[uint64]PairBits // by pairKey
	// Affiliations: organisations and groups by number, and by member the organisations they
	// have held a position at (heldKey: with whether one is current) and the groups they are in,
	// each sorted. What two members share is the intersection of two short sorted lists.
	orgs   catalogue
	groups catalogue
	held   [][]int32
	joined [][]int32
	// free are the numbers of members gone (forget), given to the next members added.
	free []int32
	// Members' sides of their conversations, by member id (conversations.go), and the members
	// whose conversations the state does not hold (ErrUnheld).
	mailboxes map[string]*mailbox
	unheld    map[string]bool
}

// memberFacts are what the messaging decision needs of a member. The fields are ordered so that
// they pack into 80 bytes, a projected member's largest part.
type MemberFacts struct {
	Inmail    graph.InMailPolicy
	Plan      graph.Plan
	GrantedAt time.Time
	Credits   int
	// The message requests the member sent in requestsMonth (RequestMonth).
	RequestsMonth, RequestsSent int32
	Present                     bool
	OpenProfile                 bool
	Restricted                  bool
	RequestsOff                 bool // the member turned message requests off
}

// pairBits are AppendChange's bits for a pair, read from the lower-numbered member to the higher.
type PairBits uint16

const (
	bitConnected PairBits = 1 << iota
	BitBlocksAB
	bitBlocksBA
	bitWroteAB
	bitWroteBA
	bitPendingAB
	bitPendingBA
	bitDeclinedByB // b declined a's InMail or request
	bitDeclinedByA // a declined b's InMail or request
	bitAcceptedByB // b accepted a's request
	bitAcceptedByA // a accepted b's request
)

// swapped reads bits from the other side.
func (b PairBits) swapped() PairBits {
	swap := func(x, y PairBits) PairBits {
		out := b &^ (x | y)
		if b&x != 0 {
			out |= y
		}
		if b&y != 0 {
			out |= x
		}
		return out
	}
	b = swap(BitBlocksAB, bitBlocksBA)
	b = swap(bitWroteAB, bitWroteBA)
	b = swap(bitPendingAB, bitPendingBA)
	b = swap(bitDeclinedByB, bitDeclinedByA)
	return swap(bitAcceptedByB, bitAcceptedByA)
}

// pairKey orders a pair by number; flip says bits given from a to b must be swapped to be read
// from the key's lower member.
func PairKey(a, b int32) (key uint64, flip bool) {
	if a > b {
		return uint64(b)<<32 | uint64(uint32(a)), true
	}
	return uint64(a)<<32 | uint64(uint32(b)), false
}

func NewProjection() *Projection {
	p := &Projection{nudge: make(chan struct{}, 1)}
	p.caught = sync.NewCond(p.mu.RLocker())
	return p
}

// NewState is an empty state of the log of epoch, as of applied (by shard).
func NewState(epoch string, applied []int64) *State {
	return &State{Epoch: epoch, Applied: applied, AppliedIDs: make([]string, len(applied)), index: map[string]int32{},
		hidden: map[int32][]int32{}, pairs: map[uint64]PairBits{}, mailboxes: map[string]*mailbox{}, unheld: map[string]bool{}}
}

// Number returns a member's number, adding the member when add is set: under the number of a
// member gone, when there is one, or a new one.
func (st *State) Number(id string, add bool) (int32, bool) {
	if k, ok := st.index[id]; ok || !add {
		return k, ok
	}
	if n := len(st.free); n > 0 {
		k := st.free[n-1]
		st.free = st.free[:n-1]
		st.index[id], st.ids[k] = k, id
		return k, true
	}
	return st.appended(id), true
}

// grow makes room for n more members, so that a load adding them grows nothing one by one.
func (st *State) grow(n int) {
	if len(st.index) == 0 {
		st.index = make(map[string]int32, n)
	}
	st.ids = slices.Grow(st.ids, n)
	st.facts = slices.Grow(st.facts, n)
	st.cards = slices.Grow(st.cards, n)
	st.adj = slices.Grow(st.adj, n)
	st.held = slices.Grow(st.held, n)
	st.joined = slices.Grow(st.joined, n)
}

// appended adds member id under the next new number and returns it.
func (st *State) appended(id string) int32 {
	k := int32(len(st.ids))
	st.index[id] = k
	st.ids = append(st.ids, id)
	st.facts = append(st.facts, MemberFacts{})
	st.cards = append(st.cards, "")
	st.adj = append(st.adj, nil)
	st.held = append(st.held, nil)
	st.joined = append(st.joined, nil)
	return k
}

// setPair records the bits of a pair read from a to b, keeping connections and block relations
// in step with them.
func (st *State) setPair(a, b int32, bits PairBits) {
	key, flip := PairKey(a, b)
	if flip {
		bits = bits.swapped()
	}
	lo, hi := min(a, b), max(a, b)
	st.links -= len(st.adj[lo]) + len(st.adj[hi])
	st.adj[lo], st.adj[hi] = withMember(st.adj[lo], hi, bits&bitConnected != 0), withMember(st.adj[hi], lo, bits&bitConnected != 0)
	st.links += len(st.adj[lo]) + len(st.adj[hi])
	blocked := bits&(BitBlocksAB|bitBlocksBA) != 0
	st.hidden[lo], st.hidden[hi] = withMember(st.hidden[lo], hi, blocked), withMember(st.hidden[hi], lo, blocked)
	for _, k := range []int32{lo, hi} {
		if len(st.hidden[k]) == 0 {
			delete(st.hidden, k)
		}
	}
	if facts := bits &^ bitConnected &^ BitBlocksAB &^ bitBlocksBA; facts != 0 {
		st.pairs[key] = facts
	} else {
		delete(st.pairs, key)
	}
}

// dropPairs clears every pair member k stands in: connections, block relations and messaging
// facts. A closure's change records only that the member is gone, so that the log's lock never
// waits on work that grows with a member's connections; the replica does that work here, under
// its own write lock: the member's lists, and one pass over the pairs' messaging facts.
func (st *State) dropPairs(k int32) {
	others := slices.Concat(st.adj[k], st.hidden[k])
	for _, o := range others {
		st.setPair(k, o, 0)
	}
	for key := range st.pairs {
		if int32(key>>32) == k || int32(uint32(key)) == k {
			delete(st.pairs, key)
		}
	}
}

// forget drops member k, who does not exist (closed, or recorded missing), and frees its number
// for the next member added, so that members gone take no room in the state or its snapshots.
// A member who was present first leaves every pair they stood in (dropPairs).
func (st *State) forget(k int32, wasPresent bool) {
	if wasPresent {
		st.dropPairs(k)
	}
	st.closeMailbox(st.ids[k])
	delete(st.index, st.ids[k])
	delete(st.hidden, k)
	st.ids[k], st.facts[k], st.cards[k] = "", MemberFacts{}, ""
	st.adj[k], st.held[k], st.joined[k] = nil, nil, nil
	st.free = append(st.free, k)
}

// members is how many members the state holds.
func (st *State) members() int { return len(st.ids) - len(st.free) }

// withMember returns the sorted list with k in it, or without it.
func withMember(list []int32, k int32, in bool) []int32 {
	i, found := slices.BinarySearch(list, k)
	switch {
	case in && !found:
		return slices.Insert(list, i, k)
	case !in && found:
		return slices.Delete(list, i, i+1)
	}
	return list
}

// answerable tells whether the projection may answer a read asking for c, now, with the
// staleness bound given; it waits up to wait for the log to be read when the read needs a
// change the projection has not applied yet.
//
// A default read is answered while the latest read of the log that found the state at the log's
// head began at most bound ago: the state then holds every change committed before that moment.
// Nothing else about the tailer counts: a read of the log in flight, late, or failed, leaves
// memory answering until that moment is bound old, and then the next read that reaches the head
// brings it back. A default read about members (its caller and those it asks about) also waits,
// up to wait, for the state to hold this replica's latest writes that touched them, as a read with
// those writes' token would, rather than going to Neo4j at once; writes that touched other members
// keep it waiting for nothing.
func (p *Projection) answerable(c graph.Consistency, members []string, bound, wait time.Duration) bool {
	switch c.Mode {
	case graph.FullyConsistent:
		return false // Store.answering first turns it into the log's head
	case graph.AtLeastAsFresh:
		return p.awaitApplied(c.Token, wait)
	}
	p.mu.RLock()
	st := p.state
	p.mu.RUnlock()
	if st == nil {
		return false
	}
	if own, held := p.ownWrite(st, members); !held && !p.awaitApplied(own, wait) {
		return false
	}
	return time.Since(time.Unix(0, p.freshAt.Load())) <= bound
}

// awaitApplied waits, up to wait, until the projection has applied the token's change.
func (p *Projection) awaitApplied(t graph.Token, wait time.Duration) bool {
	deadline := time.Now().Add(wait)
	p.mu.RLock()
	defer p.mu.RUnlock()
	for {
		st := p.state
		if st != nil && (t.Epoch == "" || st.Epoch == t.Epoch && t.Covers(st.Applied)) {
			return true // a token without an epoch is a write that changed nothing projected: in any state
		}
		if st != nil && st.Epoch != t.Epoch && t.Epoch != "" {
			return false // a token of another database: only Neo4j can tell
		}
		if time.Now().After(deadline) {
			return false
		}
		p.poke()
		waitFor(p.caught, time.Until(deadline))
	}
}

// waitFor waits on c for a signal, or until d has passed, whichever is first.
func waitFor(c *sync.Cond, d time.Duration) {
	t := time.AfterFunc(d, c.Broadcast)
	defer t.Stop()
	c.Wait()
}

// poke asks the tailer to read the log now rather than at its next tick.
func (p *Projection) poke() {
	select {
	case p.nudge <- struct{}{}:
	default:
	}
}

// Wrote notes a write of this replica's that touched members (nil: every member), so that the
// projection answers their default reads only once it holds it.
func (p *Projection) Wrote(t graph.Token, members []string) {
	if t.Seq == 0 {
		return
	}
	p.ownMu.Lock()
	if members == nil {
		p.ownAll = later(p.ownAll, t)
	}
	if p.own == nil {
		p.own = map[string]graph.Token{}
	}
	for _, m := range members {
		p.own[m] = later(p.own[m], t)
	}
	p.ownMu.Unlock()
	p.poke()
}

// later is a token covering both a and b; b alone when they are of different epochs (a was made
// to a database since replaced).
func later(a, b graph.Token) graph.Token {
	if a.Epoch != b.Epoch {
		return b
	}
	return graph.NewToken(b.Epoch, graph.MaxPositions(a.Positions(), b.Positions()))
}

// ownWrite returns the latest writes this replica made that touched members, as one token, and
// whether st holds them. A write in another epoch than st's was made to a database since replaced,
// which st was loaded from afresh.
func (p *Projection) ownWrite(st *State, members []string) (graph.Token, bool) {
	p.ownMu.Lock()
	defer p.ownMu.Unlock()
	var pending graph.Token
	add := func(t graph.Token) {
		if t.Seq != 0 && t.Epoch == st.Epoch && !t.Covers(st.Applied) {
			pending = later(pending, t)
		}
	}
	add(p.ownAll)
	for _, m := range members {
		add(p.own[m])
	}
	return pending, pending.Seq == 0
}

// forgetApplied drops the own writes st holds, or that were made to another database.
func (p *Projection) forgetApplied(st *State) {
	p.ownMu.Lock()
	defer p.ownMu.Unlock()
	held := func(t graph.Token) bool { return t.Epoch != st.Epoch || t.Covers(st.Applied) }
	for m, t := range p.own {
		if held(t) {
			delete(p.own, m)
		}
	}
	if held(p.ownAll) {
		p.ownAll = graph.Token{}
	}
}

// Loaded tells whether a state was put in place since the process started, even if a reload has
// let go of it since (Release). It takes no lock, so a request asking it never waits for a change
// being applied.
func (p *Projection) Loaded() bool { return p.loads.Load() > 0 }

func (p *Projection) Stats() graph.ProjectionStats {
	p.mu.RLock()
	defer p.mu.RUnlock()
	out := graph.ProjectionStats{Served: p.served.Load(), Fallbacks: p.fallbacks.Load(), Loads: p.loads.Load()}
	out.Loaded = out.Loads > 0 // as Loaded
	if out.Loaded {
		out.Staleness = time.Since(time.Unix(0, p.freshAt.Load())) // growing while a reload builds
	}
	if p.state != nil {
		out.Applied, out.Members, out.Connections = p.state.total(), p.state.members(), p.state.links
	}
	return out
}

// countLinks sets links from adj, after adj was filled in bulk.
func (st *State) countLinks() {
	st.links = 0
	for _, list := range st.adj {
		st.links += len(list)
	}
}

func (st *State) String() string {
	return fmt.Sprintf("projection %s#%v: %d members", st.Epoch, st.Applied, st.members())
}

// total is the changes applied, each shard's positions added up.
func (st *State) total() int64 {
	n := int64(0)
	for _, a := range st.Applied {
		n += a
	}
	return n
}

// Current is the state in place, nil before the first load. Only the tailer, which applies
// changes to it through Apply, may read it without Read.
func (p *Projection) Current() *State {
	p.mu.RLock()
	defer p.mu.RUnlock()
	return p.state
}

// Release lets go of the state in place as a reload begins, so that its memory can be reclaimed
// while the next is built: a replica never holds two states. Until the next is published, reads
// go to Neo4j, as they would soon anyway, since a state the log asks to reload is no longer kept
// current. The projection still counts as loaded (Stats), so a reloading replica stays ready.
func (p *Projection) Release() {
	p.mu.Lock()
	p.state = nil
	p.mu.Unlock()
	p.caught.Broadcast()
}

// Publish puts st in place of the state, caught up with the log as it was at at.
func (p *Projection) Publish(st *State, at time.Time) {
	p.mu.Lock()
	p.state = st
	p.mu.Unlock()
	p.freshAt.Store(at.UnixNano())
	p.loads.Add(1)
	p.caught.Broadcast()
}

// Apply applies changes of the log to st, the state in place, under the write lock, and returns
// how many it applied (State.ApplyAll).
func (p *Projection) Apply(st *State, changes []any) (int, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return st.ApplyAll(changes)
}

// CaughtUp wakes the reads waiting for changes to be applied and, when reached is set, notes that
// the state holds the log's head as it was at at: a read of the log that began then found it there.
func (p *Projection) CaughtUp(at time.Time, reached bool) {
	if reached {
		p.freshAt.Store(at.UnixNano())
	}
	if st := p.Current(); st != nil {
		p.forgetApplied(st)
	}
	p.caught.Broadcast()
}

// Nudged is told when a read asks for the log to be read now rather than at the next tick.
func (p *Projection) Nudged() <-chan struct{} { return p.nudge }

// Save writes the state to a snapshot at path (State.Save), holding the read lock meanwhile:
// reads go on, changes wait. It does nothing before the first load.
func (p *Projection) Save(path string) error {
	p.mu.RLock()
	defer p.mu.RUnlock()
	if p.state == nil {
		return nil
	}
	return p.state.Save(path)
}

// Read runs fn on the state, read-locked, when the projection may answer a read about members (its
// caller first) asking for c within f's bounds, and tells whether it did. A fully consistent read is first turned into
// at_least_as_fresh the log's head by its caller.
func (p *Projection) Read(c graph.Consistency, members []string, f Freshness, fn func(*State)) bool {
	return p.Answer(c, members, f, func(st *State) bool { fn(st); return true })
}

// Answer is Read for a read the state may still leave to Neo4j once it runs: fn says whether it
// answered (a page naming a member whose name the state does not know, say), and the read counts
// as served from memory only then.
func (p *Projection) Answer(c graph.Consistency, members []string, f Freshness, fn func(*State) bool) bool {
	answered := false
	if p.under(c, members, f.Bound, f.Wait, func(st *State) { answered = fn(st) }) && answered {
		p.served.Add(1)
		return true
	}
	p.fallbacks.Add(1)
	return false
}

// under runs fn on the state, read-locked, when the projection may answer a read about members
// asking for c within bound (waiting up to wait for this replica's writes) and the state is
// trusted, and tells whether it did.
func (p *Projection) under(c graph.Consistency, members []string, bound, wait time.Duration, fn func(*State)) bool {
	if !p.answerable(c, members, bound, wait) {
		return false
	}
	p.mu.RLock()
	defer p.mu.RUnlock()
	if !p.trusted(p.state) {
		return false
	}
	fn(p.state)
	return true
}

// Know runs fn on the state, read-locked, when the projection may answer a default read about
// members within f's bound, without waiting for this replica's writes and counting nothing, and
// tells whether it did. It serves a write that decides from memory (a send), whose guard checks the
// facts again under Neo4j's locks, not a member's read.
func (p *Projection) Know(members []string, f Freshness, fn func(*State)) bool {
	return p.under(graph.Consistency{}, members, f.Bound, 0, fn)
}

// Exists tells whether the state in place holds member id as present, when it may answer a
// default read (current within f); false when it holds otherwise or may not answer. Unlike Read
// it counts nothing: it answers authentication, not a member's question.
func (p *Projection) Exists(id string, f Freshness) bool {
	if !p.answerable(graph.Consistency{}, []string{id}, f.Bound, f.Wait) {
		return false
	}
	p.mu.RLock()
	defer p.mu.RUnlock()
	if !p.trusted(p.state) {
		return false
	}
	k, ok := p.state.index[id]
	return ok && p.state.facts[k].Present
}

// Fallback counts a read that went to Neo4j before asking the projection.
func (p *Projection) Fallback() { p.fallbacks.Add(1) }

// Holds tells whether the state in place has applied the token's change.
func (p *Projection) Holds(t graph.Token) bool {
	p.mu.RLock()
	defer p.mu.RUnlock()
	return p.trusted(p.state) && p.state.Epoch == t.Epoch && t.Covers(p.state.Applied)
}

// Gone tells whether the state in place does not hold member id as present: the member is gone
// (closed), or was never added, or was added after the changes the state has applied. False
// before the first load.
func (p *Projection) Gone(id string) bool {
	p.mu.RLock()
	defer p.mu.RUnlock()
	if p.state == nil {
		return false
	}
	k, ok := p.state.index[id]
	return !ok || !p.state.facts[k].Present
}

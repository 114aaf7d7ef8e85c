package graph

import (
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"time"
)

// projection is this replica's copy, in memory, of everything a reachability answer needs: every
// member's messaging facts, connections and block relations, and the messaging facts of the pairs
// of members that have any. It lets the default read mode answer without asking Neo4j.
//
// It is loaded whole (load), then kept current by reading the change log (poll): every write
// transaction that changes any of this records, as its last statement, the exact facts of the
// members and pairs it touched (cypher/AppendChange.cypher), numbered in commit order. Applying
// changes in that order, the projection always holds the state as of one commit, the one whose
// number it has applied; it never mixes states. It answers only while it is current within the
// staleness bound and holds every write this replica made, or, for a read with a token, once it
// has applied the token's change (answerable). A change log of another epoch (a new database), a
// gap in the numbers (changes pruned before they were read) or a bulk import makes it load again.
type projection struct {
	mu    sync.RWMutex
	state *projState // nil until loaded

	ownMu   sync.Mutex
	own     Token         // the latest change this replica's writes made
	freshAt atomic.Int64  // unix nanos: when the last read of the log that reached its head began
	nudge   chan struct{} // asks the tailer to read the log now
	caught  *sync.Cond    // signalled, with mu held, when changes are applied

	served, fallbacks atomic.Int64 // reads answered from memory, and from Neo4j instead
	loads             atomic.Int64 // states put in place, from Neo4j or a snapshot
}

// projState is the projection's data, as of change applied of the log of epoch.
type projState struct {
	epoch   string
	applied int64
	index   map[string]int32 // member id → number
	ids     []string         // number → member id
	facts   []memberFacts    // by number
	adj     [][]int32        // connections, sorted, by number
	links   int              // the lengths of adj added up: each connection counted on both sides
	hidden  map[int32][]int32
	pairs   map[uint64]pairBits // by pairKey
	// Affiliations: organisations and groups by number, and by member the organisations they
	// have held a position at (heldKey: with whether one is current) and the groups they are in,
	// each sorted. What two members share is the intersection of two short sorted lists.
	orgs   catalogue
	groups catalogue
	held   [][]int32
	joined [][]int32
}

// memberFacts are what the messaging decision needs of a member. The fields are ordered so that
// they pack into 80 bytes, a projected member's largest part.
type memberFacts struct {
	inmail    InMailPolicy
	plan      Plan
	grantedAt time.Time
	credits   int
	// The message requests the member sent in requestsMonth (RequestMonth).
	requestsMonth, requestsSent int32
	present                     bool
	openProfile                 bool
	restricted                  bool
	requestsOff                 bool // the member turned message requests off
}

// pairBits are AppendChange's bits for a pair, read from the lower-numbered member to the higher.
type pairBits uint16

const (
	bitConnected pairBits = 1 << iota
	bitBlocksAB
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
func (b pairBits) swapped() pairBits {
	swap := func(x, y pairBits) pairBits {
		out := b &^ (x | y)
		if b&x != 0 {
			out |= y
		}
		if b&y != 0 {
			out |= x
		}
		return out
	}
	b = swap(bitBlocksAB, bitBlocksBA)
	b = swap(bitWroteAB, bitWroteBA)
	b = swap(bitPendingAB, bitPendingBA)
	b = swap(bitDeclinedByB, bitDeclinedByA)
	return swap(bitAcceptedByB, bitAcceptedByA)
}

// pairKey orders a pair by number; flip says bits given from a to b must be swapped to be read
// from the key's lower member.
func pairKey(a, b int32) (key uint64, flip bool) {
	if a > b {
		return uint64(b)<<32 | uint64(uint32(a)), true
	}
	return uint64(a)<<32 | uint64(uint32(b)), false
}

func newProjection() *projection {
	p := &projection{nudge: make(chan struct{}, 1)}
	p.caught = sync.NewCond(p.mu.RLocker())
	return p
}

func newProjState(epoch string, applied int64) *projState {
	return &projState{epoch: epoch, applied: applied, index: map[string]int32{},
		hidden: map[int32][]int32{}, pairs: map[uint64]pairBits{}}
}

// number returns a member's number, adding the member when add is set.
func (st *projState) number(id string, add bool) (int32, bool) {
	if k, ok := st.index[id]; ok || !add {
		return k, ok
	}
	k := int32(len(st.ids))
	st.index[id] = k
	st.ids = append(st.ids, id)
	st.facts = append(st.facts, memberFacts{})
	st.adj = append(st.adj, nil)
	st.held = append(st.held, nil)
	st.joined = append(st.joined, nil)
	return k, true
}

// setPair records the bits of a pair read from a to b, keeping connections and block relations
// in step with them.
func (st *projState) setPair(a, b int32, bits pairBits) {
	key, flip := pairKey(a, b)
	if flip {
		bits = bits.swapped()
	}
	lo, hi := min(a, b), max(a, b)
	st.links -= len(st.adj[lo]) + len(st.adj[hi])
	st.adj[lo], st.adj[hi] = withMember(st.adj[lo], hi, bits&bitConnected != 0), withMember(st.adj[hi], lo, bits&bitConnected != 0)
	st.links += len(st.adj[lo]) + len(st.adj[hi])
	blocked := bits&(bitBlocksAB|bitBlocksBA) != 0
	st.hidden[lo], st.hidden[hi] = withMember(st.hidden[lo], hi, blocked), withMember(st.hidden[hi], lo, blocked)
	for _, k := range []int32{lo, hi} {
		if len(st.hidden[k]) == 0 {
			delete(st.hidden, k)
		}
	}
	if facts := bits &^ bitConnected &^ bitBlocksAB &^ bitBlocksBA; facts != 0 {
		st.pairs[key] = facts
	} else {
		delete(st.pairs, key)
	}
}

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
func (p *projection) answerable(c Consistency, bound, wait time.Duration) bool {
	switch c.Mode {
	case FullyConsistent:
		return false // Store.answering first turns it into the log's head
	case AtLeastAsFresh:
		return p.awaitApplied(c.Token, wait)
	}
	p.mu.RLock()
	st := p.state
	ok := st != nil && p.holdsOwnWrites(st)
	p.mu.RUnlock()
	return ok && time.Since(time.Unix(0, p.freshAt.Load())) <= bound
}

// awaitApplied waits, up to wait, until the projection has applied the token's change.
func (p *projection) awaitApplied(t Token, wait time.Duration) bool {
	deadline := time.Now().Add(wait)
	p.mu.RLock()
	defer p.mu.RUnlock()
	for {
		st := p.state
		if st != nil && (t.Epoch == "" || st.epoch == t.Epoch && st.applied >= t.Seq) {
			return true // a token without an epoch is a write that changed nothing projected: in any state
		}
		if st != nil && st.epoch != t.Epoch && t.Epoch != "" {
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
func (p *projection) poke() {
	select {
	case p.nudge <- struct{}{}:
	default:
	}
}

// wrote notes a write of this replica's, so that the projection answers only once it holds it.
func (p *projection) wrote(t Token) {
	if t.Seq == 0 {
		return
	}
	p.ownMu.Lock()
	if t.Epoch != p.own.Epoch || t.Seq > p.own.Seq {
		p.own = t
	}
	p.ownMu.Unlock()
	p.poke()
}

// holdsOwnWrites tells whether st holds the latest write this replica made. A write in another
// epoch than st's was made to a database since replaced, which st was loaded from afresh.
func (p *projection) holdsOwnWrites(st *projState) bool {
	p.ownMu.Lock()
	defer p.ownMu.Unlock()
	return p.own.Epoch != st.epoch || st.applied >= p.own.Seq
}

// ProjectionStats says how the projection is doing, for metrics.
type ProjectionStats struct {
	Loaded    bool
	Applied   int64         // the latest change applied
	Staleness time.Duration // since the log was last read to its head
	Members   int
	// Connections held, each counted once per member who has it.
	Connections int
	Served      int64 // reads answered from memory
	Fallbacks   int64 // reads that asked Neo4j because the projection could not answer them
	Loads       int64 // loads completed, from Neo4j or a snapshot
}

func (p *projection) stats() ProjectionStats {
	p.mu.RLock()
	defer p.mu.RUnlock()
	out := ProjectionStats{Served: p.served.Load(), Fallbacks: p.fallbacks.Load(), Loads: p.loads.Load()}
	if p.state != nil {
		out.Loaded, out.Applied, out.Members, out.Connections = true, p.state.applied, len(p.state.ids), p.state.links
		out.Staleness = time.Since(time.Unix(0, p.freshAt.Load()))
	}
	return out
}

// countLinks sets links from adj, after adj was filled in bulk.
func (st *projState) countLinks() {
	st.links = 0
	for _, list := range st.adj {
		st.links += len(list)
	}
}

func (st *projState) String() string {
	return fmt.Sprintf("projection %s#%d: %d members", st.epoch, st.applied, len(st.ids))
}

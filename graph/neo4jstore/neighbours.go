package neo4jstore

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/maypok86/otter/v2"
	"github.com/reach-network/reach/cypher"
	"github.com/reach-network/reach/graph"
	"github.com/reach-network/reach/graph/bolt"
)

// neighbours caches members' connection lists, so that degrees and mutual counts are worked out
// in memory instead of by reading the same neighbourhoods from Neo4j on every request.
//
// Every list is stamped with the member's connections version, a number stored on the member
// that every statement adding or removing one of the member's connections sets, in the same
// transaction, to a new random one (cypher/Connect.cypher; TestConnectionWritersRenewVersions
// scans cypher/ for them). Versions are only ever compared for equality, and since each is drawn
// afresh from 2^53 values, one is never seen again for another list: not after later changes, not
// after the member is deleted and created again, not in a database that replaced this one (the
// offline importer draws them too; a member that never had a connection has none, and an empty
// list). A list is used only when the version Neo4j reports for the member, read in the
// request's own query, equals its stamp; otherwise the list is read again. The cache therefore
// never answers from a list older than what the request's query saw, whichever process or tool
// changed the connections, and needs no invalidation messages between reach processes.
//
// A list is stamped only with a version read before it, in an earlier statement, and confirmed
// unchanged by one read after it (connectionLists.load): Neo4j reads committed data, and within
// one statement the planner decides what is read first, so a version read beside the list could
// be newer than the list.
//
// Member ids are interned as int32 so that lists are compact and quick to intersect; a list is
// sorted and never changed once stored. Only ids that Neo4j returned are interned: an id that
// came with a request is only looked up, so asking about members that do not exist adds nothing.
//
// The cache's whole footprint, the id table and the lists with their bookkeeping (idBytes,
// listBytes), stays within budget bytes. The id table and the lists numbered by it live together
// in a generation. The lists are held by an otter cache weighted by their size, whose maximum is
// the budget less what the id table takes. Otter evicts the lists least likely to be used again
// on a goroutine of its own, holding its policy's lock and, for a moment, the lock of the evicted
// list's hash-table bucket: reads never wait for it, and a store only if its list falls in that
// bucket. (A request that grows the id table shrinks the lists' room itself, and waits for that
// eviction.) An id table cannot forget an id while a list may hold its number, so when it outgrows
// half the budget the whole generation is replaced by an empty one, in one atomic pointer swap.
// A request takes the current generation once and uses only its numbers, so numbers of two
// generations never meet; requests that took the old one finish with it (storing no more lists
// in it), and it is freed when they end.
type neighbours struct {
	budget int64 // bytes
	gen    atomic.Pointer[generation]

	hits, misses atomic.Int64 // lists found current, and lists read
	renewals     atomic.Int64 // generations replaced because their id table was full

	// evicting, when set (by tests, before first use), is called as each list is evicted for
	// room, while otter holds the locks of the eviction.
	evicting func()
}

// What the cache counts against its budget, in bytes, besides each id's characters and each
// list's connections. They are about half as much again as the heap shows (measured with ids of
// 18 characters: about 60 bytes an id, 100 a list, 5 KB an empty generation);
// TestNeighboursFootprintIsHonest checks the total against the heap.
const (
	connectionBytes = 4    // one connection in a list: an int32
	idBytes         = 64   // an id's slot in the index map and its allocation's rounding
	listBytes       = 160  // a list's version and slice header, and otter's node, hash-table slot and frequency counter
	generationBytes = 8192 // an empty generation: otter's buffers and the maps' first tables
	idBlock         = 256  // ids per block of the number table, counted 16 bytes each when the block is made
	internChunk     = 256  // new ids numbered per hold of the id table's write lock
	reserveSteps    = 64   // the room kept for the id table grows by this fraction of the budget at a time
)

// generation is one id table with the lists numbered by it.
type generation struct {
	cache *neighbours

	mu    sync.RWMutex
	index map[string]int32 // member id → number
	ids   [][]string       // number → member id, in blocks of idBlock, so growing never copies ids

	idSize   atomic.Int64 // bytes counted for the id table and the generation's own structures
	resize   sync.Mutex   // orders changes to reserved and the lists' maximum
	reserved atomic.Int64 // bytes kept from the lists for the id table, at least idSize
	lists    *otter.Cache[int32, neighbourList]
	held     atomic.Int64 // connections in lists
	retired  atomic.Bool  // replaced by a newer generation: stores no more lists
}

// neighbourList is one member's connections as of one connections version.
type neighbourList struct {
	version int64
	members []int32 // sorted
}

// weight is what a list counts against the budget: its connections, with an eighth more for the
// allocator's rounding, and its bookkeeping.
func (l neighbourList) weight() int64 {
	return listBytes + int64(cap(l.members))*connectionBytes*9/8
}

// newNeighbours returns an empty cache whose footprint stays within budget bytes.
func newNeighbours(budget int64) *neighbours {
	n := &neighbours{budget: max(budget, 1)}
	n.gen.Store(n.newGeneration())
	return n
}

func (n *neighbours) newGeneration() *generation {
	g := &generation{cache: n, index: map[string]int32{}}
	g.idSize.Store(generationBytes)
	g.reserved.Store(generationBytes + n.budget/reserveSteps)
	g.lists = otter.Must(&otter.Options[int32, neighbourList]{
		MaximumWeight: uint64(max(n.budget-g.reserved.Load(), 1)),
		Weigher:       func(_ int32, l neighbourList) uint32 { return uint32(l.weight()) },
		OnAtomicDeletion: func(e otter.DeletionEvent[int32, neighbourList]) {
			g.held.Add(-int64(len(e.Value.members)))
			if e.WasEvicted() && n.evicting != nil {
				n.evicting()
			}
		},
	})
	return g
}

// current returns the generation a request should use throughout.
func (n *neighbours) current() *generation { return n.gen.Load() }

// renew replaces g, whose id table is full, by an empty generation, unless that was done already.
func (n *neighbours) renew(g *generation) {
	if g.retired.Swap(true) {
		return
	}
	if n.gen.CompareAndSwap(g, n.newGeneration()) {
		n.renewals.Add(1)
	}
}

// lookup returns the number standing for a member id, if it has one. It never assigns one: use
// it for ids that came with a request.
func (g *generation) lookup(id string) (int32, bool) {
	g.mu.RLock()
	defer g.mu.RUnlock()
	k, ok := g.index[id]
	return k, ok
}

// intern returns the number standing for a member id that Neo4j returned, assigning one on first
// sight.
func (g *generation) intern(id string) int32 {
	return g.internAll([]string{id})[0]
}

// internAll returns the numbers standing for member ids that Neo4j returned, in their order,
// assigning numbers to ids not seen before. It looks every id up under one read lock, and numbers
// new ones internChunk at a time under the write lock, so that a hub's list of 30,000 members
// keeps lookups waiting for one chunk at most.
func (g *generation) internAll(ids []string) []int32 {
	out := make([]int32, len(ids))
	var fresh []int // positions of ids without a number
	g.mu.RLock()
	for i, id := range ids {
		k, ok := g.index[id]
		if !ok {
			fresh = append(fresh, i)
		}
		out[i] = k
	}
	g.mu.RUnlock()
	if len(fresh) == 0 {
		return out
	}
	for len(fresh) > 0 {
		chunk := fresh[:min(len(fresh), internChunk)]
		fresh = fresh[len(chunk):]
		g.mu.Lock()
		for _, i := range chunk {
			out[i] = g.number(ids[i])
		}
		g.mu.Unlock()
	}
	g.grew()
	return out
}

// internList interns a list of member ids that Neo4j returned and returns their numbers sorted,
// without duplicates.
func (g *generation) internList(ids []string) []int32 {
	out := g.internAll(ids)
	slices.Sort(out)
	return slices.Compact(out)
}

// number returns the number standing for id, assigning the next one if it has none. g.mu must be
// held for writing.
func (g *generation) number(id string) int32 {
	if k, ok := g.index[id]; ok {
		return k
	}
	id = strings.Clone(id) // keep the id, not the buffer it was decoded from
	k := int32(len(g.index))
	if k%idBlock == 0 {
		g.ids = append(g.ids, make([]string, 0, idBlock))
		g.idSize.Add(idBlock * 16)
	}
	g.ids[k/idBlock] = append(g.ids[k/idBlock], id)
	g.index[id] = k
	g.idSize.Add(idBytes + int64(len(id)))
	return k
}

// grew keeps the footprint within the budget after the id table grew: a table past half the
// budget retires the generation; otherwise, once the table outgrows the room kept for it, the
// room grows by a step and the lists' maximum shrinks to match, evicting what no longer fits.
// Stepping keeps otter's eviction lock out of most interning.
func (g *generation) grew() {
	budget := g.cache.budget
	if g.idSize.Load() > budget/2 {
		g.cache.renew(g)
		return
	}
	if g.idSize.Load() <= g.reserved.Load() {
		return
	}
	g.resize.Lock()
	defer g.resize.Unlock()
	if size := g.idSize.Load(); size > g.reserved.Load() {
		g.reserved.Store(size + budget/reserveSteps)
		g.lists.SetMaximum(uint64(max(budget-g.reserved.Load(), 1)))
	}
}

// idsOf returns the member ids that numbers stand for, as statement parameters.
func (g *generation) idsOf(ks []int32) []any {
	out := make([]any, len(ks))
	g.mu.RLock()
	defer g.mu.RUnlock()
	for i, k := range ks {
		out[i] = g.ids[k/idBlock][k%idBlock]
	}
	return out
}

// get returns the member's connections if the generation holds them as of version.
func (g *generation) get(member int32, version int64) ([]int32, bool) {
	l, ok := g.lists.GetIfPresent(member)
	if !ok || l.version != version {
		return nil, false
	}
	return l.members, true
}

// latest returns the member's connections and the version they are as of, if the generation
// holds them.
func (g *generation) latest(member int32) (neighbourList, bool) {
	return g.lists.GetIfPresent(member)
}

// put stores the member's connections as of version, in place of any list held for them: versions
// are random, so which of two is newer cannot be told, and the one a request last confirmed is the
// likeliest current. A list too large for the room the id table leaves is dropped.
func (g *generation) put(member int32, version int64, members []int32) {
	l := neighbourList{version: version, members: members}
	if g.retired.Load() || l.weight() > g.cache.budget-g.reserved.Load() {
		return
	}
	g.lists.Compute(member, func(old neighbourList, found bool) (neighbourList, otter.ComputeOp) {
		if found && old.version == version {
			return old, otter.CancelOp
		}
		g.held.Add(int64(len(members)))
		return l, otter.WriteOp
	})
}

// stats reports on the current generation.
func (n *neighbours) stats() graph.CacheStats {
	g := n.current()
	g.mu.RLock()
	ids := len(g.index)
	g.mu.RUnlock()
	lists := int64(g.lists.WeightedSize()) // applies pending writes and evictions first
	return graph.CacheStats{
		Hits: n.hits.Load(), Misses: n.misses.Load(),
		Connections: int(g.held.Load()), Lists: g.lists.EstimatedSize(),
		IDs: ids, Bytes: g.idSize.Load() + lists, Budget: n.budget, Renewals: n.renewals.Load(),
	}
}

// connectionLists gathers the connection lists one request needs: it takes current ones from the
// cache and reads the others together when asked to load.
type connectionLists struct {
	gen     *generation
	q       querier
	have    map[int32][]int32
	missing map[int32]int64 // member → the version the request read, before the list
}

func newConnectionLists(g *generation, q querier) *connectionLists {
	return &connectionLists{gen: g, q: q, have: map[int32][]int32{}, missing: map[int32]int64{}}
}

// want asks for the member's connections as of version, which the request read from Neo4j in an
// earlier statement.
func (l *connectionLists) want(member int32, version int64) {
	if _, ok := l.have[member]; ok {
		return
	}
	if list, ok := l.gen.get(member, version); ok {
		l.have[member] = list
		l.gen.cache.hits.Add(1)
		return
	}
	l.missing[member] = version
}

// load reads the lists wanted but not cached, then their versions again, and caches each list as
// of the version wanted only if it is still the member's version. The list was read between the
// two reads of one version, so it is the list as of that version (or, were a change being
// committed as it was read, newer, which a stamp never says); a list whose version moved on is
// used by this request, which read committed data, but not kept.
func (l *connectionLists) load(ctx context.Context) error {
	if len(l.missing) == 0 {
		return nil
	}
	l.gen.cache.misses.Add(int64(len(l.missing)))
	wanted := maps.Clone(l.missing)
	ids := l.gen.idsOf(slices.Collect(maps.Keys(wanted)))
	clear(l.missing)
	read, err := l.read(ctx, ids)
	if err != nil {
		return err
	}
	versions, err := l.versions(ctx, slices.Collect(maps.Keys(read)))
	if err != nil {
		return err
	}
	for k, list := range read {
		l.have[k] = list
		if v, ok := versions[k]; ok && v == wanted[k] {
			l.gen.put(k, v, list)
		}
	}
	return nil
}

// read reads the connections of members, by number; members not found are left out.
func (l *connectionLists) read(ctx context.Context, ids []any) (map[int32][]int32, error) {
	recs, err := l.q(ctx, cypher.ConnectionLists, map[string]any{"batch": map[string]any{"members": ids}})
	if err != nil {
		return nil, err
	}
	out := make(map[int32][]int32, len(recs))
	for _, rec := range recs {
		id, err1 := bolt.Value[string](rec, "id")
		connections, err2 := bolt.Value[[]any](rec, "connections")
		if err := errors.Join(err1, err2); err != nil {
			return nil, fmt.Errorf("connection lists: %w", err)
		}
		members := make([]string, len(connections))
		for i, c := range connections {
			if members[i], _ = c.(string); members[i] == "" {
				return nil, fmt.Errorf("connection lists: %s: got %v, want a member id", id, c)
			}
		}
		out[l.gen.intern(id)] = l.gen.internList(members)
	}
	return out, nil
}

// versions reads the connections versions of members, by number, in a statement of its own.
func (l *connectionLists) versions(ctx context.Context, members []int32) (map[int32]int64, error) {
	if len(members) == 0 {
		return nil, nil
	}
	recs, err := l.q(ctx, cypher.ConnectionVersions, map[string]any{"batch": map[string]any{"members": l.gen.idsOf(members)}})
	if err != nil {
		return nil, err
	}
	out := make(map[int32]int64, len(recs))
	for _, rec := range recs {
		id, err1 := bolt.Value[string](rec, "id")
		version, err2 := bolt.Value[int64](rec, "version")
		if err := errors.Join(err1, err2); err != nil {
			return nil, fmt.Errorf("connection versions: %w", err)
		}
		if k, ok := l.gen.lookup(id); ok {
			out[k] = version
		}
	}
	return out, nil
}

// of returns a member's connections; a member that was not found has none.
func (l *connectionLists) of(member int32) []int32 { return l.have[member] }

// CacheStats reports on the cache of connection lists.
func (s *Store) CacheStats() graph.CacheStats { return s.neighbours.stats() }

// ShedStats counts the reads, writes and exports refused past the store's bounds (Pool.Reads,
// Pool.Writes, Pool.Exports).
func (s *Store) ShedStats() graph.ShedStats {
	return graph.ShedStats{Reads: s.db.Reads.Shed(), Writes: s.db.Writes.Shed(), Exports: s.db.Exports.Shed()}
}

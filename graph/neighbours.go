package graph

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"slices"
	"sync"
	"sync/atomic"

	"github.com/reach-network/reach/cypher"
)

// neighbours caches members' connection lists, so that degrees and mutual counts are worked out
// in memory instead of by reading the same neighbourhoods from Neo4j on every request.
//
// Every list is stamped with the member's connections version, a number stored on the member
// that every statement adding or removing one of the member's connections increments in the same
// transaction. A list is used only when the version Neo4j reports for the member, read in the
// request's own query, equals its stamp; otherwise the list is read again. The cache therefore
// never answers from a list older than what the request's query saw, whichever process or tool
// changed the connections, and needs no invalidation messages between reach processes.
//
// Member ids are interned as int32 so that lists are compact and quick to intersect; a list is
// sorted and never changed once stored. When the lists hold more than limit ids in all, entries
// are dropped (in map order, which is arbitrary) until a tenth of the room is free.
type neighbours struct {
	mu    sync.RWMutex
	index map[string]int32 // member id → interned number
	ids   []string         // interned number → member id
	lists map[int32]neighbourList
	held  int // ids held in lists
	limit int

	hits, misses atomic.Int64 // lists found current, and lists read
}

// neighbourList is one member's connections as of one connections version.
type neighbourList struct {
	version int64
	members []int32 // sorted
}

func newNeighbours(limit int) *neighbours {
	return &neighbours{index: map[string]int32{}, lists: map[int32]neighbourList{}, limit: limit}
}

// intern returns the number standing for a member id, assigning one on first sight.
func (n *neighbours) intern(id string) int32 {
	n.mu.RLock()
	k, ok := n.index[id]
	n.mu.RUnlock()
	if ok {
		return k
	}
	n.mu.Lock()
	defer n.mu.Unlock()
	if k, ok := n.index[id]; ok {
		return k
	}
	k = int32(len(n.ids))
	n.index[id] = k
	n.ids = append(n.ids, id)
	return k
}

// internAll interns ids and returns their numbers sorted, without duplicates.
func (n *neighbours) internAll(ids []string) []int32 {
	out := make([]int32, len(ids))
	for i, id := range ids {
		out[i] = n.intern(id)
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// id returns the member id a number stands for.
func (n *neighbours) id(k int32) string {
	n.mu.RLock()
	defer n.mu.RUnlock()
	return n.ids[k]
}

// get returns the member's connections if the cache holds them as of version.
func (n *neighbours) get(member int32, version int64) ([]int32, bool) {
	n.mu.RLock()
	defer n.mu.RUnlock()
	l, ok := n.lists[member]
	if !ok || l.version != version {
		return nil, false
	}
	return l.members, true
}

// latest returns the member's connections and the version they are as of, if the cache holds them.
func (n *neighbours) latest(member int32) (neighbourList, bool) {
	n.mu.RLock()
	defer n.mu.RUnlock()
	l, ok := n.lists[member]
	return l, ok
}

// put stores the member's connections as of version. A list read as of an older version than the
// one held is dropped.
func (n *neighbours) put(member int32, version int64, members []int32) {
	n.mu.Lock()
	defer n.mu.Unlock()
	if old, ok := n.lists[member]; ok {
		if old.version > version {
			return
		}
		n.held -= len(old.members)
		delete(n.lists, member)
	}
	if len(members) > n.limit {
		return
	}
	if n.held+len(members) > n.limit {
		for k, l := range n.lists {
			delete(n.lists, k)
			n.held -= len(l.members)
			if n.held+len(members) <= n.limit-n.limit/10 {
				break
			}
		}
	}
	n.lists[member] = neighbourList{version: version, members: members}
	n.held += len(members)
}

// contains tells whether the sorted list holds k.
func contains(list []int32, k int32) bool {
	_, found := slices.BinarySearch(list, k)
	return found
}

// common yields the members two sorted lists share, in order. It walks both lists together, or,
// when one is much shorter, looks each of its members up in the other.
func common(a, b []int32) iter.Seq[int32] {
	return func(yield func(int32) bool) {
		if len(a) > len(b) {
			a, b = b, a
		}
		if len(a)*16 < len(b) {
			for _, k := range a {
				if contains(b, k) && !yield(k) {
					return
				}
			}
			return
		}
		for i, j := 0, 0; i < len(a) && j < len(b); {
			switch {
			case a[i] < b[j]:
				i++
			case a[i] > b[j]:
				j++
			default:
				if !yield(a[i]) {
					return
				}
				i++
				j++
			}
		}
	}
}

// countCommon counts the members two sorted lists share, leaving out those skip rules out, and
// stops at most.
func countCommon(a, b []int32, skip func(int32) bool, most int) int {
	n := 0
	for k := range common(a, b) {
		if n == most {
			break
		}
		if !skip(k) {
			n++
		}
	}
	return n
}

// connectionLists gathers the connection lists one request needs: it takes current ones from the
// cache and reads the others together, in one query, when asked to load.
type connectionLists struct {
	cache   *neighbours
	q       querier
	have    map[int32][]int32
	missing map[int32]bool
}

func (s *Store) connectionLists(q querier) *connectionLists {
	return &connectionLists{cache: s.neighbours, q: q, have: map[int32][]int32{}, missing: map[int32]bool{}}
}

// want asks for the member's connections as of version.
func (l *connectionLists) want(member int32, version int64) {
	if _, ok := l.have[member]; ok {
		return
	}
	if list, ok := l.cache.get(member, version); ok {
		l.have[member] = list
		l.cache.hits.Add(1)
		return
	}
	l.missing[member] = true
}

// load reads the lists wanted but not cached, and caches them.
func (l *connectionLists) load(ctx context.Context) error {
	if len(l.missing) == 0 {
		return nil
	}
	l.cache.misses.Add(int64(len(l.missing)))
	ids := make([]any, 0, len(l.missing))
	for k := range l.missing {
		ids = append(ids, l.cache.id(k))
	}
	clear(l.missing)
	recs, err := l.q(ctx, cypher.ConnectionLists, map[string]any{"members": ids})
	if err != nil {
		return err
	}
	for _, rec := range recs {
		id, err1 := value[string](rec, "id")
		version, err2 := value[int64](rec, "version")
		connections, err3 := value[[]any](rec, "connections")
		if err := errors.Join(err1, err2, err3); err != nil {
			return fmt.Errorf("connection lists: %w", err)
		}
		members := make([]string, len(connections))
		for i, c := range connections {
			if members[i], _ = c.(string); members[i] == "" {
				return fmt.Errorf("connection lists: %s: got %v, want a member id", id, c)
			}
		}
		k := l.cache.intern(id)
		list := l.cache.internAll(members)
		l.cache.put(k, version, list)
		l.have[k] = list
	}
	return nil
}

// of returns a member's connections; a member that was not found has none.
func (l *connectionLists) of(member int32) []int32 { return l.have[member] }

// CacheStats says how the cache of connection lists is doing.
type CacheStats struct {
	Hits, Misses int64 // lists found current, and lists read from Neo4j, since the store opened
	Connections  int   // connections held
	Lists        int   // members whose lists are held
}

// CacheStats reports on the cache of connection lists.
func (s *Store) CacheStats() CacheStats {
	n := s.neighbours
	n.mu.RLock()
	defer n.mu.RUnlock()
	return CacheStats{Hits: n.hits.Load(), Misses: n.misses.Load(), Connections: n.held, Lists: len(n.lists)}
}

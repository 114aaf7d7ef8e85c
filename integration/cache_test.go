package integration

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net/http"
	"testing"

	"github.com/reach-network/reach/graph"
	"github.com/reach-network/reach/graph/answer"
	"github.com/reach-network/reach/graph/neo4jstore"
)

// TestConnectionChangesElsewhereAreSeen checks reach's cache of connection lists against an
// independent computation, while a second store on the same Neo4j (another reach process)
// connects, disconnects and blocks. The first store's cache holds every list of the network
// before the changes; answers from lists that were not re-read after a change would be wrong.
func TestConnectionChangesElsewhereAreSeen(t *testing.T) {
	ctx := context.Background()
	id := ids(t)
	rng := rand.New(rand.NewPCG(3, 4))
	const n = 30
	m := newModel()
	var edges [][2]string
	for i := 1; i < n; i++ {
		edges = append(edges, [2]string{fmt.Sprintf("p%d", i), fmt.Sprintf("p%d", rng.IntN(i))})
		if j := rng.IntN(n); rng.IntN(3) == 0 && j != i {
			edges = append(edges, [2]string{fmt.Sprintf("p%d", i), fmt.Sprintf("p%d", j)})
		}
	}
	network(t, id, edges...)
	for _, e := range edges {
		m.connect(id(e[0]), id(e[1]))
	}
	all := make([]string, n)
	for i := range all {
		all[i] = id(fmt.Sprintf("p%d", i))
	}
	as(t, all[3]).do(http.MethodPut, "/v1/blocks/"+all[1], nil).expect(http.StatusNoContent)
	m.block(all[3], all[1])
	m.check(t, "before the changes", env.store, all)

	other, err := openService(ctx, neo4jstore.Config{URI: env.neo4jURI})
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close(ctx)
	for range 12 {
		a, b := all[rng.IntN(n)], all[rng.IntN(n)]
		if a == b || m.hidden(a)[b] {
			continue
		}
		if m.adj[a][b] {
			if err := other.Disconnect(ctx, a, b); err != nil {
				t.Fatal(err)
			}
			m.disconnect(a, b)
		} else {
			if err := other.Connect(ctx, a, b); err != nil {
				t.Fatal(err)
			}
			m.connect(a, b)
		}
	}
	// A block removes the connection between the two, and hides each from the other.
	blocker := all[5]
	var blocked string
	for b := range m.adj[blocker] {
		blocked = b
		break
	}
	if blocked != "" {
		if err := other.Block(ctx, blocker, blocked); err != nil {
			t.Fatal(err)
		}
		m.block(blocker, blocked)
	}
	m.check(t, "after changes made by another process", env.store, all)

	// A cache with room for a few dozen ids starts afresh within most requests: numbers from a
	// generation a request no longer holds must never be used.
	small, err := openService(ctx, neo4jstore.Config{URI: env.neo4jURI, CachedConnections: 7000})
	if err != nil {
		t.Fatal(err)
	}
	defer small.Close(ctx)
	m.check(t, "with a cache that keeps filling up", small, all)
	if st := small.CacheStats(); st.Renewals == 0 || st.Bytes > st.Budget {
		t.Errorf("the small cache started afresh %d times and takes %d of %d bytes; want it to fill up, within its budget",
			st.Renewals, st.Bytes, st.Budget)
	}
}

// TestReachabilityCachesBothLists checks that a reachability answer leaves the larger side's
// connection list in the cache, and a first mutual-connections page the smaller side's too (read
// again, as of a version read before it: the one beside it in the answer's row cannot stamp it),
// so that the pages that follow take one round trip: they find both lists current and read no
// list again (no cache hit is counted for them).
func TestReachabilityCachesBothLists(t *testing.T) {
	ctx := context.Background()
	id := ids(t)
	network(t, id, [2]string{"ann", "xia"}, [2]string{"xia", "bob"})
	s, err := openService(ctx, neo4jstore.Config{URI: env.neo4jURI})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close(ctx)
	r, err := s.Relation(ctx, id("ann"), id("bob"))
	if err != nil {
		t.Fatal(err)
	}
	if r.Degree != graph.Second || r.MutualCount != 1 {
		t.Fatalf("ann → bob: degree %d, mutual %d; want 2, 1", r.Degree, r.MutualCount)
	}
	if st := s.CacheStats(); st.Lists != 1 || st.Misses != 1 {
		t.Fatalf("after one reachability answer the cache holds %d lists, %d read; want 1, 1", st.Lists, st.Misses)
	}
	mutuals := func() {
		t.Helper()
		page, err := s.MutualConnections(ctx, id("ann"), id("bob"), graph.PageRequest{Limit: 10})
		if err != nil {
			t.Fatal(err)
		}
		if len(page.Items) != 1 || page.Items[0].ID != id("xia") {
			t.Fatalf("mutual connections of ann and bob: %+v; want xia", page.Items)
		}
	}
	mutuals()
	after := s.CacheStats()
	if after.Lists != 2 || after.Misses != 2 {
		t.Fatalf("after a first mutual-connections page the cache holds %d lists, %d read; want 2, 2", after.Lists, after.Misses)
	}
	mutuals()
	if now := s.CacheStats(); now.Hits != after.Hits || now.Misses != after.Misses {
		t.Errorf("the mutual page looked lists up again (hits %d → %d, read %d → %d); want one round trip from the cached lists",
			after.Hits, now.Hits, after.Misses, now.Misses)
	}
}

// model is the test's own account of a network: connections and blocks.
type model struct {
	adj    map[string]map[string]bool
	blocks map[string]map[string]bool // either way
}

func newModel() *model {
	return &model{adj: map[string]map[string]bool{}, blocks: map[string]map[string]bool{}}
}

func link(m map[string]map[string]bool, a, b string, on bool) {
	for _, p := range [][2]string{{a, b}, {b, a}} {
		if m[p[0]] == nil {
			m[p[0]] = map[string]bool{}
		}
		if on {
			m[p[0]][p[1]] = true
		} else {
			delete(m[p[0]], p[1])
		}
	}
}

func (m *model) connect(a, b string)    { link(m.adj, a, b, true) }
func (m *model) disconnect(a, b string) { link(m.adj, a, b, false) }
func (m *model) block(a, b string)      { link(m.adj, a, b, false); link(m.blocks, a, b, true) }
func (m *model) hidden(a string) map[string]bool {
	if m.blocks[a] == nil {
		return map[string]bool{}
	}
	return m.blocks[a]
}

// degrees is a breadth-first search from the caller up to 3 hops that never steps on a member
// hidden from the caller.
func (m *model) degrees(caller string) map[string]int {
	hidden := m.hidden(caller)
	dist := map[string]int{caller: 0}
	frontier := []string{caller}
	for d := 1; d <= 3; d++ {
		var next []string
		for _, x := range frontier {
			for y := range m.adj[x] {
				if _, seen := dist[y]; !seen && !hidden[y] {
					dist[y] = d
					next = append(next, y)
				}
			}
		}
		frontier = next
	}
	return dist
}

// check compares the store's degree, mutual count and mutual-connections page of every pair with
// the model's.
func (m *model) check(t *testing.T, when string, s *answer.Service, all []string) {
	n := len(all)
	t.Helper()
	for _, caller := range all {
		relations, err := s.Relations(context.Background(), caller, all)
		if err != nil {
			t.Fatal(err)
		}
		want := m.degrees(caller)
		hidden := m.hidden(caller)
		for _, member := range all {
			r, found := relations[member]
			if found == hidden[member] {
				t.Errorf("%s: %s → %s: found %v, hidden %v", when, caller, member, found, hidden[member])
				continue
			}
			if !found {
				continue
			}
			d, ok := want[member]
			if !ok {
				d = int(graph.OutOfNetwork)
			}
			mutual := 0
			if caller != member {
				for x := range m.adj[caller] {
					if m.adj[member][x] && !hidden[x] {
						mutual++
					}
				}
			}
			if int(r.Degree) != d || r.MutualCount != mutual {
				t.Errorf("%s: %s → %s: degree %d, mutual %d; want %d, %d", when, caller, member, r.Degree, r.MutualCount, d, mutual)
			}
			// Asked fully consistent, the page comes from connection lists, not the projection.
			consistent := graph.WithConsistency(context.Background(), graph.Consistency{Mode: graph.FullyConsistent})
			page, err := s.MutualConnections(consistent, caller, member, graph.PageRequest{Limit: n})
			if err != nil {
				t.Fatal(err)
			}
			if page.Total != mutual || len(page.Items) != mutual {
				t.Errorf("%s: %s → %s: mutual-connections page holds %d of %d; want %d", when, caller, member, len(page.Items), page.Total, mutual)
			}
		}
	}
}

// TestSendsReadListsOnlyWhereTheDecisionTurnsOnThem checks that a send's transaction reads the
// connection lists that settle how far apart two members stand only when its decision turns on
// it: an InMail to a 3rd-degree member who takes InMail from anyone reads none (the rules allow it
// at any degree); one to a member who takes InMail from their network alone reads them, finds the
// 3-hop chain and is allowed.
func TestSendsReadListsOnlyWhereTheDecisionTurnsOnThem(t *testing.T) {
	ctx := context.Background()
	id := ids(t)
	network(t, id, [2]string{"ann", "bob"}, [2]string{"bob", "cat"}, [2]string{"cat", "dan"}, [2]string{"cat", "eve"})
	credits(t, id("ann"), 2)
	set(t, id("eve"), map[string]any{"inmail": "network"})
	s, err := openService(ctx, neo4jstore.Config{URI: env.neo4jURI})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close(ctx)
	inmail := func(to string) {
		t.Helper()
		sent, err := s.Send(ctx, id("ann"), graph.Draft{To: id(to), Body: "A role you may like"}, "")
		if err != nil || sent.Kind != graph.KindInMail || sent.Cost != 1 {
			t.Fatalf("ann → %s: sent %+v, %v; want an InMail costing 1", to, sent, err)
		}
	}
	before := s.CacheStats()
	inmail("dan")
	if after := s.CacheStats(); after.Hits != before.Hits || after.Misses != before.Misses {
		t.Errorf("an InMail to a member who takes InMail from anyone looked up connection lists (hits %d → %d, read %d → %d); want none",
			before.Hits, after.Hits, before.Misses, after.Misses)
	}
	before = s.CacheStats()
	inmail("eve")
	if after := s.CacheStats(); after.Misses == before.Misses {
		t.Errorf("an InMail to a member who takes InMail from their network alone read no connection list")
	}
}

package projection

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/reach-network/reach/graph"
)

// TestPairBitsReadFromEitherSide checks that a pair's facts, recorded from either member, read the
// same from each: who wrote, whose InMail waits, who declined.
func TestPairBitsReadFromEitherSide(t *testing.T) {
	st := NewState("e", []int64{0})
	a, _ := st.Number("a", true)
	b, _ := st.Number("b", true)
	// Recorded from b to a: b wrote to a, b's InMail to a is pending, a declined an earlier one.
	st.setPair(b, a, bitWroteAB|bitPendingAB|bitDeclinedByB)
	got := st.pairFacts(a, b) // read as a, about b
	if !got.TheyWroteFirst || got.AwaitingReply || got.Declined {
		t.Errorf("a about b: %+v, want they wrote first only", got)
	}
	got = st.pairFacts(b, a) // read as b, about a
	if got.TheyWroteFirst || !got.AwaitingReply || !got.Declined {
		t.Errorf("b about a: %+v, want awaiting reply and declined", got)
	}
	if bits := (BitBlocksAB | bitWroteBA | bitDeclinedByA).swapped(); bits != bitBlocksBA|bitWroteAB|bitDeclinedByB {
		t.Errorf("swapped: %b", bits)
	}
	// Recorded from a to b: b accepted a's message request. Only a may now write freely for it.
	st.setPair(a, b, bitWroteAB|bitAcceptedByB)
	if got := st.pairFacts(a, b); !got.Accepted {
		t.Errorf("a about b: %+v, want accepted", got)
	}
	if got := st.pairFacts(b, a); got.Accepted || !got.TheyWroteFirst {
		t.Errorf("b about a: %+v, want they wrote first, not accepted", got)
	}
	if bits := (bitAcceptedByA | bitPendingAB).swapped(); bits != bitAcceptedByB|bitPendingBA {
		t.Errorf("swapped: %b", bits)
	}
}

// TestSetPairKeepsListsInStep checks that a pair's connection and block bits keep both members'
// sorted lists in step, and that clearing them leaves nothing behind.
func TestSetPairKeepsListsInStep(t *testing.T) {
	st := NewState("e", []int64{0})
	var k [4]int32
	for i, id := range []string{"a", "b", "c", "d"} {
		k[i], _ = st.Number(id, true)
	}
	st.setPair(k[2], k[0], bitConnected)
	st.setPair(k[0], k[1], bitConnected)
	st.setPair(k[3], k[0], BitBlocksAB)
	if got := st.adj[k[0]]; len(got) != 2 || got[0] != k[1] || got[1] != k[2] {
		t.Errorf("a's connections %v, want b and c in order", got)
	}
	if !graph.Contains(st.adj[k[2]], k[0]) || !graph.Contains(st.hidden[k[0]], k[3]) || !graph.Contains(st.hidden[k[3]], k[0]) {
		t.Errorf("lists out of step: adj %v hidden %v", st.adj, st.hidden)
	}
	st.setPair(k[0], k[2], 0)
	st.setPair(k[0], k[3], 0)
	if graph.Contains(st.adj[k[0]], k[2]) || graph.Contains(st.adj[k[2]], k[0]) || len(st.hidden) != 0 || len(st.pairs) != 0 {
		t.Errorf("cleared pairs left adj %v hidden %v pairs %v", st.adj, st.hidden, st.pairs)
	}
}

// TestProjectionAnswersOnlyWithinItsGuarantee checks when the projection may answer: never
// fully_consistent reads; default reads only while fresh within the bound and holding this
// replica's own writes; token reads only once the token's change is applied, in its epoch.
func TestProjectionAnswersOnlyWithinItsGuarantee(t *testing.T) {
	p := NewProjection()
	latency := graph.Consistency{Mode: graph.MinimizeLatency}
	if p.answerable(latency, []string{"ann"}, time.Second, 0) {
		t.Error("answered before loading")
	}
	p.state = NewState("e1", []int64{10})
	p.freshAt.Store(time.Now().UnixNano())
	if !p.answerable(latency, []string{"ann"}, time.Second, 0) {
		t.Error("a fresh projection did not answer a default read")
	}
	if p.answerable(graph.Consistency{Mode: graph.FullyConsistent}, []string{"ann"}, time.Second, 0) {
		t.Error("answered a fully_consistent read")
	}
	p.freshAt.Store(time.Now().Add(-2 * time.Second).UnixNano())
	if p.answerable(latency, []string{"ann"}, time.Second, 0) {
		t.Error("answered a default read from state older than the bound")
	}
	p.freshAt.Store(time.Now().UnixNano())
	p.Wrote(graph.Token{Epoch: "e1", Seq: 11}, []string{"ann", "ben"})
	if p.answerable(latency, []string{"ann"}, time.Second, 0) {
		t.Error("answered a default read before holding this replica's own write")
	}
	if !p.answerable(latency, []string{"cat"}, time.Second, 0) {
		t.Error("a write that touched others held back a default read by a member it did not touch")
	}
	for _, tc := range []struct {
		token graph.Token
		want  bool
	}{
		{graph.Token{Epoch: "e1", Seq: 10}, true},
		{graph.Token{Epoch: "e1", Seq: 11}, false},
		{graph.Token{Epoch: "e0", Seq: 3}, false}, // a token of a database since replaced
	} {
		if got := p.answerable(graph.Consistency{Mode: graph.AtLeastAsFresh, Token: tc.token}, []string{"ann"}, time.Second, 10*time.Millisecond); got != tc.want {
			t.Errorf("token %+v: answerable %v, want %v", tc.token, got, tc.want)
		}
	}
}

// TestLateLooksKeepMemoryWithinTheBound checks the freshness rule for default reads: memory
// answers while the latest read of the log that reached its head began within the bound, however
// late or failed the reads since; and a read made just after this replica wrote waits for the
// tailer to apply the write instead of going to Neo4j.
func TestLateLooksKeepMemoryWithinTheBound(t *testing.T) {
	const bound = time.Second
	latency := graph.Consistency{Mode: graph.MinimizeLatency}
	p := NewProjection()
	st := NewState("e1", []int64{10})
	p.Publish(st, time.Now().Add(-bound/2)) // the read that reached the head began half a bound ago
	p.CaughtUp(time.Now(), false)           // and the read since failed, or is still going
	if !p.answerable(latency, []string{"ann"}, bound, 0) {
		t.Error("a late or failed read of the log stopped memory answering within the bound")
	}
	p.freshAt.Store(time.Now().Add(-2 * bound).UnixNano())
	if p.answerable(latency, []string{"ann"}, bound, 0) {
		t.Error("memory answered past the bound")
	}
	p.CaughtUp(time.Now(), false)
	if p.answerable(latency, []string{"ann"}, bound, 0) {
		t.Error("a read of the log that did not reach the head brought memory back")
	}
	p.CaughtUp(time.Now(), true)
	if !p.answerable(latency, []string{"ann"}, bound, 0) {
		t.Error("a read of the log that reached the head did not bring memory back")
	}

	t.Run("OwnWriteAwaited", func(t *testing.T) {
		p.Wrote(graph.Token{Epoch: "e1", Seq: 11}, []string{"ann", "ben"})
		if p.answerable(latency, []string{"ann"}, bound, 0) {
			t.Fatal("answered without waiting before holding this replica's own write")
		}
		const tailer = 30 * time.Millisecond
		go func() {
			time.Sleep(tailer)
			if _, err := p.Apply(st, []any{map[string]any{"seq": int64(11), "members": []any{}, "pairA": []any{}, "pairB": []any{}, "pairBits": []any{}}}); err != nil {
				t.Error(err)
			}
			p.CaughtUp(time.Now(), true)
		}()
		start := time.Now()
		if !p.answerable(latency, []string{"ann"}, bound, time.Second) {
			t.Fatal("a default read went to Neo4j rather than wait for the tailer to apply this replica's write")
		}
		if waited := time.Since(start); waited < tailer {
			t.Errorf("answered after %s, before the write was applied", waited)
		}
	})
}

// TestGapAsksForALoad checks that a change that is not the next one, as after changes were pruned
// before this replica read them, is refused as a gap (which catchUp reads again, then answers with
// a new load if it lasts) rather than skipped.
func TestGapAsksForALoad(t *testing.T) {
	st := NewState("e", []int64{5})
	change := map[string]any{"seq": int64(7), "members": []any{}, "pairA": []any{}, "pairB": []any{}, "pairBits": []any{}}
	if err := applyNext(st, change); !errors.Is(err, ErrGap) || st.Applied[0] != 5 {
		t.Fatalf("applying change 7 after 5: %v, applied %d; want a gap, nothing applied", err, st.Applied)
	}
	change["seq"] = int64(6)
	if err := applyNext(st, change); err != nil || st.Applied[0] != 6 {
		t.Fatalf("applying change 6 after 5: %v, applied %d", err, st.Applied)
	}
}

// TestClosureDropsEveryPair checks that a change recording a member absent, as a closure's does,
// drops every pair they stood in (connections, blocks either way, messaging facts) and nothing
// else, though it lists none of them.
func TestClosureDropsEveryPair(t *testing.T) {
	st := NewState("e", []int64{0})
	var k [5]int32
	for i, id := range []string{"gone", "a", "b", "c", "d"} {
		k[i], _ = st.Number(id, true)
		st.facts[k[i]].Present = true
	}
	st.setPair(k[0], k[1], bitConnected|bitWroteAB)
	st.setPair(k[2], k[0], BitBlocksAB)
	st.setPair(k[3], k[0], bitPendingAB)
	st.setPair(k[1], k[4], bitConnected|bitWroteBA)
	closure := map[string]any{"seq": int64(1), "members": []any{"gone"}, "present": []any{false}}
	if err := applyNext(st, closure); err != nil {
		t.Fatal(err)
	}
	if len(st.adj[k[0]]) != 0 || graph.Contains(st.adj[k[1]], k[0]) || len(st.hidden) != 0 {
		t.Errorf("after the closure: adj %v, hidden %v", st.adj, st.hidden)
	}
	if len(st.pairs) != 1 || st.links != 2 {
		t.Errorf("after the closure: pairs %v, links %d; want only a and d's, connected", st.pairs, st.links)
	}
}

// applyNext applies change, which must be the next one; ErrGap when it is not.
func applyNext(st *State, change map[string]any) error {
	n, err := st.ApplyAll([]any{change})
	if err == nil && n == 0 {
		err = ErrGap
	}
	return err
}

// TestChangesApplyInCausalOrder checks a log of two shards: a write's copies in both shards are
// applied once; a change waits for every change its heads name, though it is next in its shard,
// and is left for a later read while one of them has not been read.
func TestChangesApplyInCausalOrder(t *testing.T) {
	st := NewState("e", []int64{0, 0})
	change := func(shard, seq int64, heads []any, shards []any, member string, credits int64) map[string]any {
		return map[string]any{"shard": shard, "seq": seq, "heads": heads, "shards": shards,
			"members": []any{member}, "present": []any{true}, "credits": []any{credits}}
	}
	w1 := change(0, 1, []any{int64(1), int64(0)}, []any{int64(0)}, "a", 1)
	w2 := []map[string]any{ // one write touching both shards: a copy in each
		change(0, 2, []any{int64(2), int64(1)}, []any{int64(0), int64(1)}, "a", 2),
		change(1, 1, []any{int64(2), int64(1)}, []any{int64(0), int64(1)}, "a", 2),
	}
	w3 := change(1, 2, []any{int64(2), int64(2)}, []any{int64(1)}, "b", 3)
	w4 := change(1, 3, []any{int64(3), int64(3)}, []any{int64(1)}, "b", 4) // saw shard 0's change 3, not read yet
	n, err := st.ApplyAll([]any{w2[1], w3, w4, w1, w2[0]})
	if err != nil {
		t.Fatal(err)
	}
	if n != 3 || st.Applied[0] != 2 || st.Applied[1] != 2 {
		t.Fatalf("applied %d changes, up to %v; want 3, up to [2 2]", n, st.Applied)
	}
	a, _ := st.Number("a", false)
	b, _ := st.Number("b", false)
	if st.facts[a].Credits != 2 || st.facts[b].Credits != 3 {
		t.Errorf("credits a %d, b %d; want 2 and 3: each member as of their latest change applied", st.facts[a].Credits, st.facts[b].Credits)
	}
	w5 := change(0, 3, []any{int64(3), int64(2)}, []any{int64(0)}, "a", 5)
	if n, err := st.ApplyAll([]any{w4, w5}); err != nil || n != 2 || st.Applied[1] != 3 || st.facts[b].Credits != 4 {
		t.Errorf("the next read: applied %d (%v), up to %v; want shard 0's change 3, then the change waiting for it", n, err, st.Applied)
	}
}

// TestOwnWritesHoldOnlyTheirMembers checks that a replica's write holds back the default reads
// about the members it touched (by them, or by another member asking about them) until the
// projection holds it, and no other read; that a write touching every member (nil) holds every
// read; and that applied writes are forgotten.
func TestOwnWritesHoldOnlyTheirMembers(t *testing.T) {
	latency := graph.Consistency{Mode: graph.MinimizeLatency}
	p := NewProjection()
	st := NewState("e1", []int64{10})
	p.Publish(st, time.Now())
	p.Wrote(graph.Token{Epoch: "e1", Seq: 11}, []string{"ann"})
	if p.answerable(latency, []string{"ann"}, time.Second, 0) || !p.answerable(latency, []string{"ben"}, time.Second, 0) {
		t.Fatal("ann's write should hold back the reads about ann only")
	}
	if p.answerable(latency, []string{"ben", "ann"}, time.Second, 0) {
		t.Fatal("ann's write did not hold back ben's read about ann")
	}
	p.Wrote(graph.Token{Epoch: "e1", Seq: 12}, nil)
	if p.answerable(latency, []string{"ben"}, time.Second, 0) {
		t.Fatal("a write touching every member did not hold back ben's read")
	}
	if _, err := p.Apply(st, []any{
		map[string]any{"seq": int64(11), "members": []any{}, "pairA": []any{}, "pairB": []any{}, "pairBits": []any{}},
		map[string]any{"seq": int64(12), "members": []any{}, "pairA": []any{}, "pairB": []any{}, "pairBits": []any{}},
	}); err != nil {
		t.Fatal(err)
	}
	p.CaughtUp(time.Now(), true)
	if !p.answerable(latency, []string{"ann"}, time.Second, 0) || !p.answerable(latency, []string{"ben"}, time.Second, 0) {
		t.Fatal("applied writes still hold back reads")
	}
	p.ownMu.Lock()
	defer p.ownMu.Unlock()
	if len(p.own) != 0 || p.ownAll.Seq != 0 {
		t.Errorf("applied writes not forgotten: %v, %v", p.own, p.ownAll)
	}
}

// TestClosedMembersLeaveTheState checks that a member whose closure is applied leaves the state:
// their id is forgotten, their number goes to the next member added, who starts with no pair of
// theirs, and a snapshot holds nothing of them; a snapshot of an earlier version that still holds
// a member gone is read without them.
func TestClosedMembersLeaveTheState(t *testing.T) {
	st := NewState("e", []int64{0})
	var k [3]int32
	for i, id := range []string{"gone-member", "a", "b"} {
		k[i], _ = st.Number(id, true)
		st.facts[k[i]].Present = true
	}
	st.setPair(k[0], k[1], bitConnected|bitWroteAB)
	st.setPair(k[2], k[0], BitBlocksAB)
	closure := map[string]any{"seq": int64(1), "members": []any{"gone-member"}, "present": []any{false}}
	if err := applyNext(st, closure); err != nil {
		t.Fatal(err)
	}
	if _, ok := st.Number("gone-member", false); ok || st.members() != 2 {
		t.Errorf("after the closure the state holds the member gone (%v) and %d members, want 2", ok, st.members())
	}
	joined := map[string]any{"seq": int64(2), "members": []any{"newcomer"}, "present": []any{true}}
	if err := applyNext(st, joined); err != nil {
		t.Fatal(err)
	}
	if n, _ := st.Number("newcomer", false); n != k[0] || len(st.adj[n]) != 0 || len(st.hidden) != 0 || len(st.pairs) != 0 {
		t.Errorf("the newcomer has number %d (the gone member's %d), connections %v, hidden %v, pairs %v",
			n, k[0], st.adj[n], st.hidden, st.pairs)
	}
	ghost, _ := st.Number("ghost-of-an-earlier-version", true) // as a snapshot of before kept them
	path := filepath.Join(t.TempDir(), "projection")
	if err := st.Save(path); err != nil {
		t.Fatal(err)
	}
	saved, _ := os.ReadFile(path)
	if bytes.Contains(saved, []byte("gone-member")) {
		t.Error("the snapshot holds the member gone")
	}
	back, err := LoadSnapshot(path)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := back.Number("ghost-of-an-earlier-version", false); ok || back.members() != 3 || !slices.Equal(back.free, []int32{ghost}) {
		t.Errorf("read back: the member not present is held (%v), %d members, free %v; want 3 members and %d free",
			ok, back.members(), back.free, ghost)
	}
}

// TestLoadedConnectionLists checks the lists a load makes (AddMembers, then Loading.Connect from
// two goroutines): each connection on both of its sides, sorted, once, leaving out a member's
// connection to itself and to a node no row read, and taking one the counts did not foresee (made
// while the load read); and, since the lists share one array, that a list growing or shrinking
// afterwards never touches its neighbours'.
func TestLoadedConnectionLists(t *testing.T) {
	st := NewState("e", []int64{0})
	rows := []MemberRow{
		{Node: 10, ID: "a", Connections: 2},
		{Node: 11, ID: "b", Connections: 2},
		{Node: 12, ID: "c", Connections: 1}, // one connection more than counted
		{Node: 13, ID: "d"},
	}
	loading := st.AddMembers([][]MemberRow{rows[:2], rows[2:]}, AffiliateNodes{})
	var wg sync.WaitGroup
	for node, to := range map[int64][]int64{10: {11, 12, 10, 99}, 11: {12}} { // a to itself, and to a node not read
		wg.Go(func() { loading.Connect(node, to) })
	}
	wg.Wait()
	loading.Done()
	list := func(id string) []string {
		k, _ := st.Number(id, false)
		var out []string
		for _, n := range st.adj[k] {
			out = append(out, st.ids[n])
		}
		return out
	}
	want := map[string][]string{"a": {"b", "c"}, "b": {"a", "c"}, "c": {"a", "b"}, "d": nil}
	check := func(when string) {
		t.Helper()
		for id, w := range want {
			if got := list(id); !slices.Equal(got, w) {
				t.Errorf("%s: %s's connections %v, want %v", when, id, got, w)
			}
		}
		links := 0
		for _, w := range want {
			links += len(w)
		}
		if st.links != links {
			t.Errorf("%s: %d links counted, want %d", when, st.links, links)
		}
	}
	check("loaded")
	a, _ := st.Number("a", false)
	b, _ := st.Number("b", false)
	d, _ := st.Number("d", false)
	st.setPair(a, d, bitConnected) // a's list grows past its segment, d's from nothing
	want["a"], want["d"] = []string{"b", "c", "d"}, []string{"a"}
	check("a connected to d")
	st.setPair(a, b, 0) // and shrinks again
	st.setPair(b, d, bitConnected)
	want["a"], want["b"], want["d"] = []string{"c", "d"}, []string{"c", "d"}, []string{"a", "b"}
	check("a disconnected from b, b connected to d")
}

// TestLoadedWaitsForNoApply checks that whether a projection was loaded, which every member's
// request asks before it is served (api.requireProjection), is told while a change being applied
// holds the state's lock: a long apply must not hold back requests that never read the projection.
func TestLoadedWaitsForNoApply(t *testing.T) {
	p := NewProjection()
	if p.Loaded() {
		t.Fatal("Loaded before any state was published")
	}
	p.Publish(NewState("e", []int64{0}), time.Now())
	p.mu.Lock() // as the tailer holds it while it applies a change
	defer p.mu.Unlock()
	told := make(chan bool, 1)
	go func() { told <- p.Loaded() }()
	select {
	case loaded := <-told:
		if !loaded {
			t.Error("not Loaded after a state was published")
		}
	case <-time.After(2 * time.Second):
		t.Fatal("Loaded waited for the state's lock")
	}
}

package integration

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"
)

// startReplicas starts two reach processes on the test Neo4j, with the staleness bound and no
// per-member request limit, and returns once both are ready and the reader answers from memory.
func startReplicas(t *testing.T, bound time.Duration) (writer, reader *reachProcess) {
	t.Helper()
	extra := map[string]string{"REACH_STALENESS_BOUND": bound.String(), "REACH_RATE_LIMIT": "100000", "REACH_RATE_BURST": "100000"}
	writer, reader = startReach(t, env.neo4jURI, extra), startReach(t, env.neo4jURI, extra)
	// Both load their projections and plan their statements at once, on the test's Neo4j.
	waitReady(t, writer, 40*time.Second)
	waitReady(t, reader, 40*time.Second)
	for start := time.Now(); metric(t, reader, "reach_projection_members") == 0; time.Sleep(100 * time.Millisecond) {
		if time.Since(start) > 2*time.Minute {
			t.Fatal("the reader's projection did not load in two minutes")
		}
	}
	return writer, reader
}

// TestTwoReplicas runs two reach processes on one Neo4j, as replicas behind a load balancer are
// run: one writer changes connections, blocks and InMail settings through the first, while
// readers ask the second for reachability in each consistency mode. Every answer is checked
// against a model of the network after each write:
//   - fully_consistent: the state after some write between the last one answered before the read
//     and the last one begun before its answer;
//   - at_least_as_fresh with a write's token: the state after that write or a later one;
//   - the default, minimize_latency: a state no older than the staleness bound.
//
// Not one answer may fall outside its mode's guarantee.
func TestTwoReplicas(t *testing.T) {
	const bound = 500 * time.Millisecond
	writer, reader := startReplicas(t, bound)
	id := ids(t)
	net := newReplicaModel(id)
	for _, m := range net.members {
		if c := writer.do(t, adminToken(t), http.MethodPut, "/v1/admin/members/"+m, map[string]any{"name": m}, nil); c.Status != http.StatusCreated {
			t.Fatalf("create %s: %d %s", m, c.Status, c.Body)
		}
	}
	time.Sleep(2 * bound) // the members' creation is then older than any read may lag: state 0

	var (
		mu      sync.Mutex
		history []writeRecord // history[k] is write k+1; state k is after k writes
	)
	done := make(chan struct{})
	var reads []readRecord
	var wg sync.WaitGroup
	for r := range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rng := rand.New(rand.NewPCG(uint64(r), 7))
			for {
				select {
				case <-done:
					return
				default:
				}
				mu.Lock()
				latest := len(history)
				var token string
				if latest > 0 {
					token = history[latest-1].token
				}
				mu.Unlock()
				rec := readOnce(t, reader, net, rng, latest, token)
				mu.Lock()
				reads = append(reads, rec)
				mu.Unlock()
			}
		}()
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for range 120 {
		op := net.randomWrite(rng)
		started := time.Now()
		mu.Lock()
		history = append(history, writeRecord{started: started})
		k := len(history) - 1
		mu.Unlock()
		token := op.apply(t, writer)
		mu.Lock()
		history[k].acked, history[k].token, history[k].state = time.Now(), token, net.snapshot()
		mu.Unlock()
		time.Sleep(time.Duration(rng.IntN(40)) * time.Millisecond)
	}
	time.Sleep(2 * bound) // reads after the last write too
	close(done)
	wg.Wait()

	violations, byMode := 0, map[string]int{}
	for _, rd := range reads {
		byMode[rd.mode]++
		if !net.allowed(rd, history, bound) {
			violations++
			if violations <= 5 {
				t.Errorf("%s read of %s answered %+v, which no state it may show has (write %d known when asked)",
					rd.mode, rd.member, rd.answer, rd.known)
			}
		}
	}
	if violations > 0 {
		t.Errorf("%d of %d answers outside their mode's guarantee", violations, len(reads))
	}
	measureStaleness(t, writer, reader, id, bound)
	if loads := metric(t, reader, "reach_projection_loads_total"); loads != 1 {
		t.Errorf("the reader loaded its projection %.0f times, want once: the writes' changes should have been applied, not reloaded", loads)
	}
	fromMemory := metric(t, reader, "reach_reads_from_memory_total")
	t.Logf("%d reads (%v), %.0f answered from the reader's memory, %d outside their guarantee", len(reads), byMode, fromMemory, violations)
	if fromMemory == 0 {
		t.Error("the reader answered nothing from memory: the test did not exercise the fast path")
	}
}

// measureStaleness measures how long a write made through one replica takes to show in the other's
// default answers: it turns a member's InMail on and off through the writer, and after each
// write asks the reader, as another member, until the answer shows it. Every lag must be within the
// staleness bound; the distribution is logged (docs/performance.md quotes it).
func measureStaleness(t *testing.T, writer, reader *reachProcess, id func(string) string, bound time.Duration) {
	t.Helper()
	asker, last := id("probe_asker"), id("probe_target")
	for _, m := range []string{asker, last} {
		writer.do(t, adminToken(t), http.MethodPut, "/v1/admin/members/"+m, map[string]any{"name": m}, nil)
	}
	time.Sleep(2 * bound)
	caller := token(t, asker)
	var lags []time.Duration
	for i := range 40 {
		setting := []string{"off", "anyone"}[i%2]
		if c := writer.do(t, token(t, last), http.MethodPatch, "/v1/me/settings", map[string]any{"inmail": setting}, nil); c.Status != http.StatusOK {
			t.Fatalf("settings: %d %s", c.Status, c.Body)
		}
		acked := time.Now()
		for {
			c := reader.do(t, caller, http.MethodGet, "/v1/members/"+last+"/reachability", nil, nil)
			if c.Status != http.StatusOK {
				t.Fatalf("reachability: %d %s", c.Status, c.Body)
			}
			if regexp.MustCompile(`recipient_inmail_off`).Match(c.Body) == (setting == "off") {
				lags = append(lags, time.Since(acked))
				break
			}
			if time.Since(acked) > 2*bound {
				t.Fatalf("a change made through one replica did not show in the other's answers within %s", 2*bound)
			}
			time.Sleep(2 * time.Millisecond)
		}
	}
	slices.Sort(lags)
	p := func(q float64) time.Duration { return lags[int(q*float64(len(lags)-1))].Round(time.Millisecond) }
	t.Logf("staleness across replicas over %d writes: p50 %s, p90 %s, max %s (bound %s)", len(lags), p(0.5), p(0.9), lags[len(lags)-1].Round(time.Millisecond), bound)
	if lags[len(lags)-1] > bound {
		t.Errorf("a default read lagged %s behind a write, past the %s bound", lags[len(lags)-1], bound)
	}
}

// writeRecord is one write the test made: when it began and was answered, its token, and the
// model's state after it.
type writeRecord struct {
	started, acked time.Time
	token          string
	state          replicaState
}

// readRecord is one read: its mode, what was known when it was asked (the writes answered), its
// times and its answer.
type readRecord struct {
	mode     string
	member   string
	known    int
	t0, t1   time.Time
	answer   replicaAnswer
	tokenFor int // the write whose token the read carried (at_least_as_fresh), else 0
}

// replicaAnswer is the part of a reachability answer the model predicts.
type replicaAnswer struct {
	Found       bool
	Degree      int // -1 out of network
	MutualCount int
	Reason      string
}

// readOnce asks the reader for one member's reachability, as the caller m0, in a random mode.
func readOnce(t *testing.T, reader *reachProcess, net *replicaModel, rng *rand.Rand, known int, latest string) readRecord {
	rec, path := newRead(net, rng, known, latest)
	rec.t0 = time.Now()
	c := reader.do(t, token(t, net.members[0]), http.MethodGet, path, nil, nil)
	rec.t1 = time.Now()
	if !rec.answered(t, c) {
		t.Errorf("reachability: %d %s", c.Status, c.Body)
	}
	return rec
}

// newRead draws a read of one member's reachability, as the caller m0, in a random mode, and
// returns it with the path to ask: known is the writes answered so far, latest the token of the
// latest.
func newRead(net *replicaModel, rng *rand.Rand, known int, latest string) (readRecord, string) {
	target := net.members[1+rng.IntN(len(net.members)-1)]
	rec := readRecord{member: target, known: known}
	path := "/v1/members/" + target + "/reachability"
	switch n := rng.IntN(3); {
	case n == 0:
		rec.mode = "minimize_latency"
	case n == 1 || latest == "":
		rec.mode = "fully_consistent"
		path += "?consistency=fully_consistent"
	default:
		rec.mode, rec.tokenFor = "at_least_as_fresh", known
		path += "?token=" + latest
	}
	return rec, path
}

// answered records c as the read's answer, and tells whether it was one (200 or 404).
func (rec *readRecord) answered(t *testing.T, c call) bool {
	switch c.Status {
	case http.StatusNotFound:
		rec.answer = replicaAnswer{}
	case http.StatusOK:
		var body struct {
			Degree      *int
			MutualCount int
			Messaging   struct{ Reason string }
		}
		if err := json.Unmarshal(c.Body, &body); err != nil {
			t.Errorf("reachability: %v", err)
		}
		rec.answer = replicaAnswer{Found: true, Degree: -1, MutualCount: body.MutualCount, Reason: body.Messaging.Reason}
		if body.Degree != nil {
			rec.answer.Degree = *body.Degree
		}
	default:
		return false
	}
	return true
}

// metric reads a counter from a process's /metrics.
func metric(t *testing.T, p *reachProcess, name string) float64 {
	t.Helper()
	c := p.do(t, "", http.MethodGet, "/metrics", nil, nil)
	m := regexp.MustCompile(`(?m)^` + name + ` (\S+)$`).FindSubmatch(c.Body)
	if m == nil {
		t.Fatalf("/metrics has no %s", name)
	}
	v, _ := strconv.ParseFloat(string(m[1]), 64)
	return v
}

// replicaModel is the network the writer changes: six members, m0 the reader's caller.
type replicaModel struct {
	members []string
	state   replicaState
}

// replicaState is the network after some writes.
type replicaState struct {
	connected map[[2]int]bool // low, high
	blocks    map[[2]int]bool // blocker, blocked
	inmailOff map[int]bool
}

func newReplicaModel(id func(string) string) *replicaModel {
	n := &replicaModel{state: replicaState{connected: map[[2]int]bool{}, blocks: map[[2]int]bool{}, inmailOff: map[int]bool{}}}
	for i := range 6 {
		n.members = append(n.members, id(fmt.Sprintf("m%d", i)))
	}
	return n
}

func (n *replicaModel) snapshot() replicaState {
	s := replicaState{connected: map[[2]int]bool{}, blocks: map[[2]int]bool{}, inmailOff: map[int]bool{}}
	for k, v := range n.state.connected {
		s.connected[k] = v
	}
	for k, v := range n.state.blocks {
		s.blocks[k] = v
	}
	for k, v := range n.state.inmailOff {
		s.inmailOff[k] = v
	}
	return s
}

// replicaWrite is one write: what it sends, and what it does to the model.
type replicaWrite struct {
	method, path string
	as           string
	admin        bool
	body         any
	model        func()
}

// apply sends the write and, once answered, applies it to the model; it returns the token.
func (w replicaWrite) apply(t *testing.T, p *reachProcess) string {
	var tok string
	if w.admin {
		tok = adminToken(t)
	} else {
		tok = token(t, w.as)
	}
	c := p.do(t, tok, w.method, w.path, w.body, nil)
	if c.Status >= 300 {
		t.Fatalf("%s %s: %d %s", w.method, w.path, c.Status, c.Body)
	}
	w.model()
	tk := c.Header.Get("Consistency-Token")
	if tk == "" {
		t.Fatalf("%s %s answered no Consistency-Token", w.method, w.path)
	}
	return tk
}

// randomWrite picks a write the API accepts in the model's state: a connection made or removed
// between members not in a block relation, a block made or lifted by a member nobody blocks, or
// an InMail setting changed.
func (n *replicaModel) randomWrite(rng *rand.Rand) replicaWrite {
	s := n.state
	for {
		a, b := rng.IntN(6), rng.IntN(6)
		if a == b {
			continue
		}
		lo, hi := min(a, b), max(a, b)
		pair := [2]int{lo, hi}
		blocked := s.blocks[[2]int{a, b}] || s.blocks[[2]int{b, a}]
		switch rng.IntN(4) {
		case 0:
			if blocked || s.connected[pair] {
				continue
			}
			return replicaWrite{method: http.MethodPost, path: "/v1/admin/connections", admin: true,
				body: map[string]string{"a": n.members[a], "b": n.members[b]}, model: func() { s.connected[pair] = true }}
		case 1:
			if blocked || !s.connected[pair] {
				continue
			}
			return replicaWrite{method: http.MethodDelete, path: "/v1/connections/" + n.members[b], as: n.members[a],
				model: func() { delete(s.connected, pair) }}
		case 2:
			if s.blocks[[2]int{b, a}] {
				continue // a may not learn that b blocks them
			}
			if s.blocks[[2]int{a, b}] {
				return replicaWrite{method: http.MethodDelete, path: "/v1/blocks/" + n.members[b], as: n.members[a],
					model: func() { delete(s.blocks, [2]int{a, b}) }}
			}
			return replicaWrite{method: http.MethodPut, path: "/v1/blocks/" + n.members[b], as: n.members[a],
				model: func() { s.blocks[[2]int{a, b}] = true; delete(s.connected, pair) }}
		default:
			off := !s.inmailOff[a]
			setting := map[bool]string{true: "off", false: "anyone"}[off]
			return replicaWrite{method: http.MethodPatch, path: "/v1/me/settings", as: n.members[a],
				body: map[string]any{"inmail": setting}, model: func() { s.inmailOff[a] = off }}
		}
	}
}

// answer is what the model says m0 is told of member j in state s.
func (s replicaState) answer(j int) replicaAnswer {
	hidden := func(x int) bool { return s.blocks[[2]int{0, x}] || s.blocks[[2]int{x, 0}] }
	if hidden(j) {
		return replicaAnswer{}
	}
	linked := func(x, y int) bool { return s.connected[[2]int{min(x, y), max(x, y)}] }
	dist := map[int]int{0: 0}
	frontier := []int{0}
	for d := 1; d <= 3 && len(frontier) > 0; d++ {
		var next []int
		for _, x := range frontier {
			for y := range 6 {
				if _, seen := dist[y]; !seen && !hidden(y) && linked(x, y) {
					dist[y] = d
					next = append(next, y)
				}
			}
		}
		frontier = next
	}
	a := replicaAnswer{Found: true, Degree: -1}
	if d, ok := dist[j]; ok {
		a.Degree = d
	}
	for x := range 6 {
		if x != 0 && x != j && !hidden(x) && linked(0, x) && linked(j, x) {
			a.MutualCount++
		}
	}
	switch {
	case a.Degree == 1:
		a.Reason = "connected"
	case s.inmailOff[j]:
		a.Reason = "recipient_inmail_off"
	default:
		a.Reason = "no_credits" // m0 is on the free plan
	}
	return a
}

// allowed tells whether a read's answer is one its mode allows, given the writes' history.
func (n *replicaModel) allowed(rd readRecord, history []writeRecord, bound time.Duration) bool {
	j := 0
	for i, m := range n.members {
		if m == rd.member {
			j = i
		}
	}
	from := 0 // the oldest state the read may show
	switch rd.mode {
	case "fully_consistent":
		from = ackedBefore(history, rd.t0)
	case "at_least_as_fresh":
		from = rd.tokenFor
	default:
		from = ackedBefore(history, rd.t0.Add(-bound))
	}
	to := 0 // the newest: every write begun before the answer may have committed
	for k, w := range history {
		if w.started.Before(rd.t1) {
			to = k + 1
		}
	}
	for s := from; s <= to; s++ {
		if stateAt(n, history, s).answer(j) == rd.answer {
			return true
		}
	}
	return false
}

// ackedBefore counts the writes answered before t.
func ackedBefore(history []writeRecord, t time.Time) int {
	n := 0
	for k, w := range history {
		if !w.acked.IsZero() && w.acked.Before(t) {
			n = k + 1
		}
	}
	return n
}

// stateAt is the model's state after s writes.
func stateAt(n *replicaModel, history []writeRecord, s int) replicaState {
	if s == 0 {
		return replicaState{connected: map[[2]int]bool{}, blocks: map[[2]int]bool{}, inmailOff: map[int]bool{}}
	}
	return history[s-1].state
}

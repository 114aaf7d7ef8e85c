package integration

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/anishathalye/porcupine"
	"github.com/reach-network/reach/graph"
	"github.com/reach-network/reach/graph/changelog"
	"github.com/reach-network/reach/graph/projection"
)

// This file checks the change log and the projections against a model, the way Jepsen-style
// tests do: many writers and readers run at once through two replicas on one Neo4j, every call is
// recorded with when it began and ended, and porcupine looks for an order of the calls that the
// model allows. The model is a pair of members: whether they are connected and who blocks whom.
//
// What it proves, per pair of members (porcupine checks each pair on its own):
//   - a fully_consistent read is linearizable with the writes: it shows the pair as some write
//     between its start and its end left it;
//   - an at_least_as_fresh read with the token of the pair's latest write shows the pair as that
//     write left it or as a later write did, never as before it;
//   - a default read shows the pair as it stood at most the staleness bound before the read;
//   - writes are refused or take effect as the rules say (a block hides, breaks the connection).
// The members lie in different shards of the change log, so writes of different pairs take
// different shards' locks and the replicas apply changes of several shards, interleaved; Neo4j
// is restarted in the middle when the harness says how (REACH_TEST_NEO4J_STOP/START), so calls
// fail, writes end with their outcome unknown, and the replicas catch up afterwards.

// pairState is a pair of members as the model holds it: connected, a blocks b, b blocks a.
type pairState uint8

const (
	pairConnected pairState = 1 << iota
	pairABlocks
	pairBBlocks
)

// pairCall is one call on a pair: a write (connect, disconnect, block, unblock, send) by side by
// (0 for a, 1 for b), or a read by side by in a consistency mode.
type pairCall struct {
	pair int
	op   string
	by   int
	mode graph.Mode
}

// The outcomes of calls.
const (
	outOK       = "ok"
	outNotFound = "notfound"
	outConflict = "conflict"
	outRefused  = "refused"
	outUnknown  = "unknown" // the call failed for want of Neo4j: it may or may not have taken effect
	outFirst    = "1st"
	outOther    = "other" // a degree beyond 1st, or none
)

// pairModel is the rules, for porcupine: stepPair.
var pairModel = porcupine.Model{
	Partition: func(history []porcupine.Operation) [][]porcupine.Operation {
		by := map[int][]porcupine.Operation{}
		for _, op := range history {
			p := op.Input.(pairCall).pair
			by[p] = append(by[p], op)
		}
		out := make([][]porcupine.Operation, 0, len(by))
		for _, ops := range by {
			out = append(out, ops)
		}
		return out
	},
	Init: func() any { return pairState(0) },
	Step: func(state, input, output any) (bool, any) {
		return stepPair(state.(pairState), input.(pairCall), output.(string))
	},
	DescribeOperation: func(input, output any) string {
		in := input.(pairCall)
		return fmt.Sprintf("%s by %d %s → %s", in.op, in.by, in.mode, output)
	},
}

// stepPair tells whether a call could have answered out on a pair in state s, and the state after.
// A write whose outcome is unknown is taken as done: porcupine may place it after every other call,
// which is as if it never took effect.
func stepPair(s pairState, in pairCall, out string) (bool, pairState) {
	hidden := s&(pairABlocks|pairBBlocks) != 0
	mine, theirs := pairABlocks, pairBBlocks
	if in.by == 1 {
		mine, theirs = theirs, mine
	}
	want, next := outOK, s
	switch in.op {
	case "read":
		want = outOther
		if hidden {
			want = outNotFound
		} else if s&pairConnected != 0 {
			want = outFirst
		}
	case "connect":
		if want, next = outConflict, s; !hidden {
			want, next = outOK, s|pairConnected
		}
	case "disconnect":
		if want, next = outNotFound, s; !hidden {
			want, next = outOK, s&^pairConnected
		}
	case "block", "unblock":
		if s&theirs != 0 && s&mine == 0 {
			want = outNotFound
		} else if in.op == "block" {
			next = (s | mine) &^ pairConnected
		} else {
			next = s &^ mine
		}
	case "send":
		switch {
		case hidden:
			want = outNotFound
		case s&pairConnected == 0: // a message request or an InMail: the member's own limits decide
			return true, s
		}
	}
	return out == want || out == outUnknown && in.op != "read", next
}

// outcome classifies a call's error.
func outcome(err error) string {
	switch {
	case err == nil:
		return outOK
	case errors.Is(err, graph.ErrNotFound):
		return outNotFound
	case errors.Is(err, graph.ErrConflict):
		return outConflict
	case errors.Is(err, graph.ErrForbidden):
		return outRefused
	}
	return outUnknown
}

// modelRun is one run: the replicas, the pairs, the history, and each pair's latest token.
type modelRun struct {
	replicas [2]*replica
	pairs    [][2]string
	start    time.Time
	mu       sync.Mutex
	history  []porcupine.Operation
	tokens   map[int]pairToken
	calls    int
}

// pairToken is the token of a pair's latest write and when that write ended.
type pairToken struct {
	token graph.Token
	ended int64
}

func (r *modelRun) now() int64 { return int64(time.Since(r.start)) }

func (r *modelRun) record(client int, in pairCall, call int64, out string, ret int64) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.calls++
	r.history = append(r.history, porcupine.Operation{ClientId: client, Input: in, Call: call, Output: out, Return: ret})
}

// write makes one random write on a pair through a random replica, and returns which.
func (r *modelRun) write(ctx context.Context, client, pair int, rng *rand.Rand) int {
	p := r.pairs[pair]
	in := pairCall{pair: pair, op: []string{"connect", "connect", "disconnect", "block", "unblock", "unblock", "send"}[rng.IntN(7)], by: rng.IntN(2)}
	me, other := p[in.by], p[1-in.by]
	through := rng.IntN(2)
	store := r.replicas[through].Store
	ctx, receipt := graph.WithReceipt(ctx)
	ctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	call := r.now()
	var err error
	switch in.op {
	case "connect":
		err = store.Connect(ctx, me, other)
	case "disconnect":
		err = store.Disconnect(ctx, me, other)
	case "block":
		err = store.Block(ctx, me, other)
	case "unblock":
		err = store.Unblock(ctx, me, other)
	case "send":
		// Through the replica, which decides a send between connected members from its memory.
		_, err = r.replicas[through].Send(ctx, me, graph.Draft{To: other, Body: fmt.Sprintf("model %d %d", pair, call)}, "")
	}
	out, ret := outcome(err), r.now()
	if out == outUnknown {
		ret = math.MaxInt64 // it may take effect at any time from its call on
	}
	r.record(client, in, call, out, ret)
	if tok, ok := receipt.Token(); ok && err == nil && tok.Seq > 0 {
		r.mu.Lock()
		r.tokens[pair] = pairToken{token: tok, ended: ret}
		r.mu.Unlock()
	}
	return through
}

// read asks a random replica how one side of a pair stands to the other, in a random mode. A
// default read may show the pair as it stood the staleness bound ago, and one with the token of
// the pair's latest write as it stood when that write ended: its call is recorded that early.
// Reads that fail (Neo4j away) say nothing and are left out.
func (r *modelRun) read(ctx context.Context, client, pair, through int, rng *rand.Rand, bound time.Duration) {
	p := r.pairs[pair]
	in := pairCall{pair: pair, op: "read", by: rng.IntN(2), mode: []graph.Mode{graph.MinimizeLatency, graph.AtLeastAsFresh, graph.FullyConsistent}[rng.IntN(3)]}
	c := graph.Consistency{Mode: in.mode}
	call := r.now()
	switch in.mode {
	case graph.MinimizeLatency:
		call -= int64(bound)
	case graph.AtLeastAsFresh:
		r.mu.Lock()
		tok, ok := r.tokens[pair]
		r.mu.Unlock()
		if !ok {
			return
		}
		c.Token, call = tok.token, tok.ended
	}
	ctx, cancel := context.WithTimeout(graph.WithConsistency(ctx, c), 2*time.Second)
	defer cancel()
	reach, err := r.replicas[through].Reachability(ctx, p[in.by], p[1-in.by])
	out := outcome(err)
	switch {
	case out == outOK && reach.Degree == graph.First:
		out = outFirst
	case out == outOK:
		out = outOther
	case out != outNotFound:
		return
	}
	r.record(client, in, call, out, r.now())
}

// TestModelCheck runs writers and readers through two replicas against pairModel, with a restart
// of Neo4j in the middle when the harness can make one.
func TestModelCheck(t *testing.T) {
	if testing.Short() {
		t.Skip("needs Neo4j")
	}
	const writers, readers, phase = 4, 4, 5 * time.Second
	bound := projection.DefaultFreshness.Bound
	id := ids(t)
	run := &modelRun{tokens: map[int]pairToken{}}
	members := make([]string, 6)
	shards := map[int]bool{}
	for i := range members {
		members[i] = id(fmt.Sprintf("m%d", i))
		member(t, members[i], fmt.Sprintf("Model %d", i))
		shards[changelog.ShardOf(members[i], changelog.DefaultShards)] = true
	}
	for a := range members { // each writer owns two pairs: a pair's writes come one at a time
		for b := a + 1; b < len(members) && len(run.pairs) < 2*writers; b += 2 {
			run.pairs = append(run.pairs, [2]string{members[a], members[b]})
		}
	}
	t.Logf("%d members in %d shards of %d, %d pairs", len(members), len(shards), changelog.DefaultShards, len(run.pairs))
	for i := range run.replicas {
		run.replicas[i] = startReplica(t, "")
		run.replicas[i].loaded(t)
	}
	stop, start := neo4jControl(t)
	ctx, done := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	run.start = time.Now()
	for w := range writers + readers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rng := rand.New(rand.NewPCG(uint64(w), uint64(run.start.UnixNano())))
			for ctx.Err() == nil {
				pause := 5 + rng.IntN(15) // milliseconds: a history porcupine checks in seconds
				if w < writers {          // a write, then at once a read of the pair through the other replica
					pair := 2*w + rng.IntN(2)
					through := run.write(ctx, w, pair, rng)
					run.read(ctx, w, pair, 1-through, rng, bound)
					pause += 20
				} else {
					run.read(ctx, w, rng.IntN(len(run.pairs)), rng.IntN(2), rng, bound)
				}
				time.Sleep(time.Duration(pause) * time.Millisecond)
			}
		}()
	}
	time.Sleep(phase)
	if stop != nil {
		t.Log("restarting Neo4j")
		stop()
		start()
		t.Logf("Neo4j back after %s", time.Since(run.start)-phase)
	}
	back := run.now()
	// A Neo4j just started plans every statement anew on a cold JVM: give the calls until the
	// outage test's recovery bound to be answered again, then a phase more.
	for deadline := time.Now().Add(recovery); run.answeredSince(back) == 0 && time.Now().Before(deadline); {
		time.Sleep(100 * time.Millisecond)
	}
	time.Sleep(phase)
	done()
	wg.Wait()
	if n := run.answeredSince(back); n == 0 {
		t.Errorf("no call was answered within %s of Neo4j being back", recovery)
	} else {
		t.Logf("%d calls answered once Neo4j was back", n)
	}
	res, _ := porcupine.CheckOperationsVerbose(pairModel, run.history, checkWithin)
	t.Logf("%d calls checked in %s: %s", run.calls, time.Since(run.start), res)
	if res != porcupine.Ok {
		run.explain(t)
		t.Fatalf("the history does not fit the model: %s", res)
	}
}

// answeredSince counts the calls begun at or after since that were answered.
func (r *modelRun) answeredSince(since int64) int {
	r.mu.Lock()
	defer r.mu.Unlock()
	n := 0
	for _, op := range r.history {
		if op.Call >= since && op.Output != outUnknown {
			n++
		}
	}
	return n
}

// explain writes the calls of each pair whose history does not fit the model to a file, in the
// order they began, and logs where.
func (r *modelRun) explain(t *testing.T) {
	for _, part := range pairModel.Partition(r.history) {
		if porcupine.CheckOperationsTimeout(pairModel, part, 5*time.Second) != porcupine.Illegal {
			continue
		}
		slices.SortFunc(part, func(a, b porcupine.Operation) int { return cmp.Compare(a.Call, b.Call) })
		f, err := os.CreateTemp("", "reach-model-*.txt")
		if err != nil {
			t.Fatal(err)
		}
		for _, op := range part {
			end := "…"
			if op.Return != math.MaxInt64 {
				end = time.Duration(op.Return).String()
			}
			fmt.Fprintf(f, "%12s %12s client %d  %s\n", time.Duration(op.Call), end, op.ClientId, pairModel.DescribeOperation(op.Input, op.Output))
		}
		f.Close()
		t.Logf("pair %v does not fit the model: its calls are in %s", r.pairs[part[0].Input.(pairCall).pair], f.Name())
	}
}

// checkWithin is how long porcupine may search a history before answering Unknown, which fails
// the test as a violation would: a history with many calls left pending by the restart took it
// longer than 30 s on a loaded 2-core machine, and once, with about 3,000 calls, longer than 90 s.
const checkWithin = 180 * time.Second

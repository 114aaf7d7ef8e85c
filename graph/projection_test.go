package graph

import (
	"testing"
	"time"
)

// TestPairBitsReadFromEitherSide checks that a pair's facts, recorded from either member, read the
// same from each: who wrote, whose InMail waits, who declined.
func TestPairBitsReadFromEitherSide(t *testing.T) {
	st := newProjState("e", 0)
	a, _ := st.number("a", true)
	b, _ := st.number("b", true)
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
	if bits := (bitBlocksAB | bitWroteBA | bitDeclinedByA).swapped(); bits != bitBlocksBA|bitWroteAB|bitDeclinedByB {
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
	st := newProjState("e", 0)
	var k [4]int32
	for i, id := range []string{"a", "b", "c", "d"} {
		k[i], _ = st.number(id, true)
	}
	st.setPair(k[2], k[0], bitConnected)
	st.setPair(k[0], k[1], bitConnected)
	st.setPair(k[3], k[0], bitBlocksAB)
	if got := st.adj[k[0]]; len(got) != 2 || got[0] != k[1] || got[1] != k[2] {
		t.Errorf("a's connections %v, want b and c in order", got)
	}
	if !contains(st.adj[k[2]], k[0]) || !contains(st.hidden[k[0]], k[3]) || !contains(st.hidden[k[3]], k[0]) {
		t.Errorf("lists out of step: adj %v hidden %v", st.adj, st.hidden)
	}
	st.setPair(k[0], k[2], 0)
	st.setPair(k[0], k[3], 0)
	if contains(st.adj[k[0]], k[2]) || contains(st.adj[k[2]], k[0]) || len(st.hidden) != 0 || len(st.pairs) != 0 {
		t.Errorf("cleared pairs left adj %v hidden %v pairs %v", st.adj, st.hidden, st.pairs)
	}
}

// TestProjectionAnswersOnlyWithinItsGuarantee checks when the projection may answer: never
// fully_consistent reads; default reads only while fresh within the bound and holding this
// replica's own writes; token reads only once the token's change is applied, in its epoch.
func TestProjectionAnswersOnlyWithinItsGuarantee(t *testing.T) {
	p := newProjection()
	latency := Consistency{Mode: MinimizeLatency}
	if p.answerable(latency, time.Second, 0) {
		t.Error("answered before loading")
	}
	p.state = newProjState("e1", 10)
	p.freshAt.Store(time.Now().UnixNano())
	if !p.answerable(latency, time.Second, 0) {
		t.Error("a fresh projection did not answer a default read")
	}
	if p.answerable(Consistency{Mode: FullyConsistent}, time.Second, 0) {
		t.Error("answered a fully_consistent read")
	}
	p.freshAt.Store(time.Now().Add(-2 * time.Second).UnixNano())
	if p.answerable(latency, time.Second, 0) {
		t.Error("answered a default read from state older than the bound")
	}
	p.freshAt.Store(time.Now().UnixNano())
	p.wrote(Token{Epoch: "e1", Seq: 11})
	if p.answerable(latency, time.Second, 0) {
		t.Error("answered a default read before holding this replica's own write")
	}
	for _, tc := range []struct {
		token Token
		want  bool
	}{
		{Token{Epoch: "e1", Seq: 10}, true},
		{Token{Epoch: "e1", Seq: 11}, false},
		{Token{Epoch: "e0", Seq: 3}, false}, // a token of a database since replaced
	} {
		if got := p.answerable(Consistency{Mode: AtLeastAsFresh, Token: tc.token}, time.Second, 10*time.Millisecond); got != tc.want {
			t.Errorf("token %+v: answerable %v, want %v", tc.token, got, tc.want)
		}
	}
}

// TestTokenRoundTrip checks that a token survives its encoding and that anything else is refused.
func TestTokenRoundTrip(t *testing.T) {
	in := Token{Epoch: "e1", Seq: 42, Bookmarks: []string{"FB:abc"}}
	out, err := ParseToken(in.String())
	if err != nil || out.Epoch != in.Epoch || out.Seq != in.Seq || len(out.Bookmarks) != 1 {
		t.Fatalf("round trip gave %+v, %v", out, err)
	}
	for _, bad := range []string{"", "r1.", "r1.!!!", "r2." + in.String()[3:], "r1.bnVsbA", "r1.eyJzIjotMX0"} {
		if _, err := ParseToken(bad); err == nil {
			t.Errorf("ParseToken(%q) accepted it", bad)
		}
	}
}

// TestGapAsksForALoad checks that a change that is not the next one, as after changes were pruned
// before this replica read them, is refused as a gap (which catchUp reads again, then answers with
// a new load if it lasts) rather than skipped.
func TestGapAsksForALoad(t *testing.T) {
	st := newProjState("e", 5)
	change := map[string]any{"seq": int64(7), "members": []any{}, "pairA": []any{}, "pairB": []any{}, "pairBits": []any{}}
	if err := st.apply(change); err != errGap || st.applied != 5 {
		t.Fatalf("applying change 7 after 5: %v, applied %d; want a gap, nothing applied", err, st.applied)
	}
	change["seq"] = int64(6)
	if err := st.apply(change); err != nil || st.applied != 6 {
		t.Fatalf("applying change 6 after 5: %v, applied %d", err, st.applied)
	}
}

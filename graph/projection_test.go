package graph

import (
	"testing"
)

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

// TestTokensNameShards checks vector tokens: a token of the log before shards reads as shard 0's
// position; a token's positions must add up to its Seq; covering and combining go shard by shard.
func TestTokensNameShards(t *testing.T) {
	old := Token{Epoch: "e", Seq: 7}
	if p := old.Positions(); len(p) != 1 || p[0] != 7 || !old.Covers([]int64{7, 0}) || old.Covers([]int64{6, 9}) {
		t.Errorf("a token of one head: positions %v", p)
	}
	tok := NewToken("e", []int64{3, 0, 5})
	back, err := ParseToken(tok.String())
	if err != nil || back.Seq != 8 || len(back.Heads) != 3 {
		t.Fatalf("round trip gave %+v, %v", back, err)
	}
	if !tok.Covers([]int64{3, 0, 5}) || tok.Covers([]int64{3, 9}) || tok.Covers([]int64{2, 9, 9}) {
		t.Error("covers: wrong shard by shard")
	}
	forged := tok
	forged.Seq += 1_000_000
	if _, err := ParseToken(forged.String()); err == nil {
		t.Error("a token whose positions do not add up to its Seq was accepted")
	}
	r := &Receipt{}
	r.record(tok)
	r.record(NewToken("e", []int64{1, 4}))
	if got, _ := r.Token(); got.Seq != 12 || !got.Covers([]int64{3, 4, 5}) || got.Covers([]int64{3, 3, 5}) {
		t.Errorf("two writes' receipt: %+v, want the later position of each shard", got)
	}
}

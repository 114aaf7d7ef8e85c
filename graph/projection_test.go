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

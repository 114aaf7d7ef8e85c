package graph

import "testing"

// TestEventIDsRoundTrip checks that an event's id reads back as written, and that what reach did
// not write reads as no id.
func TestEventIDsRoundTrip(t *testing.T) {
	for _, id := range []EventID{{Epoch: "5f0c-e1", Shard: 3, Seq: 42, Index: 1}, {Epoch: "5f0c-e1", Shard: 3, Seq: 42, Index: 1, Change: "9a7b-c2"}} {
		if back, ok := ParseEventID(id.String()); !ok || back != id {
			t.Errorf("%s read back as %+v, %v", id, back, ok)
		}
	}
	for _, bad := range []string{"", "3.42.e", "x.42.0.e", "3.-1.0.e", "-1.4.0.e", "3.4.0.", "3.4.-1.e", "3.4.0.e.", "3.4.0.e.c.d", "3.4.0..c"} {
		if _, ok := ParseEventID(bad); ok {
			t.Errorf("%q read as an id", bad)
		}
	}
}

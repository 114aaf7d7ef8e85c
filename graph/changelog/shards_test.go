package changelog

import (
	"slices"
	"testing"
)

// TestEveryTouchLocksItsShards checks that whatever a write says it touched names the keys of the
// shards it locks: each member, both members of a pair, each organisation and group; and that a
// write that asks replicas to read everything again locks shard 0 alone (no key).
func TestEveryTouchLocksItsShards(t *testing.T) {
	c := &changes{}
	tx := changeTx{changes: c}
	Touch(tx, "ann")
	TouchPair(tx, "ben", "cat")
	TouchOrganisation(tx, "acme")
	TouchGroup(tx, "gophers")
	want := []int64{Key("ann"), Key("ben"), Key("cat"), Key("organisation:acme"), Key("group:gophers")}
	if got := c.keys(); !slices.Equal(got, want) {
		t.Errorf("keys %v, want %v", got, want)
	}
	TouchAll(tx)
	if got := c.keys(); len(got) != 0 || got == nil {
		t.Errorf("a reload's keys: %v, want none (shard 0)", got)
	}
	if ShardOf("ann", 8) != int(Key("ann")%8) || Key("ann") < 0 || Key("ann") != 355060760 { // FNV-1a, 32 bits: stable across processes and releases
		t.Error("a member's shard is not its key modulo the count")
	}
}

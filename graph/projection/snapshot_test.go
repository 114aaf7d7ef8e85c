package projection

import (
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/reach-network/reach/graph"
)

// randomProjection is a projection of n members with random facts, names (some unnamed),
// connections, blocks and pairs, a tenth of whom are gone again (their numbers free).
func randomProjection(n int, rng *rand.Rand) *State {
	st := NewState("epoch-1", []int64{4242, 0})
	st.AppliedIDs[0] = "the id of change 4242"
	for i := range n {
		k, _ := st.Number(fmt.Sprintf("m%05d", i), true)
		st.facts[k] = MemberFacts{Present: true, Inmail: graph.InMailAnyone, OpenProfile: rng.IntN(2) == 0,
			Restricted: rng.IntN(20) == 0, Plan: graph.PlanBusiness, Credits: rng.IntN(100),
			RequestsOff: rng.IntN(5) == 0, RequestsMonth: int32(202600 + rng.IntN(12) + 1), RequestsSent: int32(rng.IntN(16))}
		switch rng.IntN(8) {
		case 0: // no name nor headline
		case 1:
			st.cards[k] = unnamed // a change without names recorded them
		default:
			st.cards[k] = newCard(fmt.Sprintf("Member %d", rng.IntN(n)), []string{"", "Engineer at Acme", "Zoë 😀"}[rng.IntN(3)])
		}
		if rng.IntN(3) == 0 {
			st.facts[k].GrantedAt = Millis(time.Date(2026, 11, 1+rng.IntN(28), 0, 0, 0, 0, time.UTC).UnixMilli())
		}
	}
	for range n * 5 {
		a, b := int32(rng.IntN(n)), int32(rng.IntN(n))
		if a != b {
			st.setPair(a, b, PairBits(rng.IntN(2048)))
		}
	}
	for i := range n / 10 {
		o, _ := st.orgs.Number(fmt.Sprintf("o%04d", i), true)
		st.orgs.entries[o] = affiliate{id: st.orgs.entries[o].id, name: fmt.Sprintf("Org %d", i), Kind: []graph.OrgKind{graph.Company, graph.School}[i%2], present: true}
		g, _ := st.groups.Number(fmt.Sprintf("g%04d", i), true)
		st.groups.entries[g] = affiliate{id: st.groups.entries[g].id, name: fmt.Sprintf("Group %d", i), present: i%7 > 0}
	}
	for k := range st.ids {
		var held, joined []int32
		for range rng.IntN(4) {
			held = append(held, heldKey(int32(rng.IntN(n/10)), rng.IntN(2) == 0))
			joined = append(joined, int32(rng.IntN(n/10)))
		}
		st.held[k] = mergedHeld(held)
		if len(joined) > 0 {
			st.joined[k] = slices.Compact(slices.Sorted(slices.Values(joined)))
		}
	}
	for range n * 2 {
		st.PutSide(randomSide(rng, fmt.Sprintf("m%05d", rng.IntN(n)), fmt.Sprintf("m%05d", rng.IntN(n+n/10))))
	}
	for k := range st.ids {
		if rng.IntN(10) == 0 {
			st.forget(int32(k), true)
		}
	}
	for k, list := range st.adj {
		if len(list) == 0 {
			st.adj[k] = nil // as a snapshot reads an empty list back
		}
	}
	return st
}

// TestSnapshotRoundTrip saves a projection and reads it back whole.
func TestSnapshotRoundTrip(t *testing.T) {
	st := randomProjection(2000, rand.New(rand.NewPCG(1, 2)))
	path := filepath.Join(t.TempDir(), "projection")
	if err := st.Save(path); err != nil {
		t.Fatal(err)
	}
	got, err := LoadSnapshot(path)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, st) {
		t.Errorf("read back %v, saved %v: they differ", got, st)
	}
	if entries, _ := os.ReadDir(filepath.Dir(path)); len(entries) != 1 {
		t.Errorf("the directory holds %d files, want the snapshot alone", len(entries))
	}
}

// TestDamagedSnapshotsAreRefused checks that a snapshot cut short, with a byte changed, of another
// format (the one before change ids included) or absent is refused rather than read as a
// projection.
func TestDamagedSnapshotsAreRefused(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "projection")
	if err := randomProjection(300, rand.New(rand.NewPCG(3, 4))).Save(path); err != nil {
		t.Fatal(err)
	}
	good, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	flipped := append([]byte(nil), good...)
	flipped[len(flipped)/2] ^= 0x10
	other := append([]byte("reach-projection-0\n"), good[len(snapshotMagic):]...)
	for name, data := range map[string][]byte{
		"cut short":       good[:len(good)*2/3],
		"a byte changed":  flipped,
		"another format":  other,
		"without ids":     append([]byte("reach-projection-5\n"), good[len(snapshotMagic):]...),
		"without its sum": good[:len(good)-4],
		"empty":           nil,
	} {
		damaged := filepath.Join(dir, "damaged")
		if err := os.WriteFile(damaged, data, 0o644); err != nil {
			t.Fatal(err)
		}
		if st, err := LoadSnapshot(damaged); err == nil {
			t.Errorf("%s: read as %v", name, st)
		}
	}
	if _, err := LoadSnapshot(filepath.Join(dir, "none")); err == nil {
		t.Error("a snapshot that is not there was read")
	}
}

// BenchmarkSnapshot measures writing and reading the snapshot of 100,000 members with about 100
// connections each, the size `make bench` generates.
func BenchmarkSnapshot(b *testing.B) {
	rng := rand.New(rand.NewPCG(5, 6))
	st := NewState("epoch", []int64{1})
	const n, degree = 100_000, 100
	for i := range n {
		k, _ := st.Number(fmt.Sprintf("member-%07d", i), true)
		st.facts[k] = MemberFacts{Present: true, Inmail: graph.InMailAnyone, Plan: graph.PlanFree}
	}
	for k := range st.adj {
		for range degree / 2 {
			x := int32(rng.IntN(n))
			st.adj[k], st.adj[x] = append(st.adj[k], x), append(st.adj[x], int32(k))
		}
	}
	for k := range st.adj {
		slices.Sort(st.adj[k])
		st.adj[k] = slices.Compact(st.adj[k])
	}
	path := filepath.Join(b.TempDir(), "projection")
	for b.Loop() {
		if err := st.Save(path); err != nil {
			b.Fatal(err)
		}
		if _, err := LoadSnapshot(path); err != nil {
			b.Fatal(err)
		}
	}
	if info, err := os.Stat(path); err == nil {
		b.ReportMetric(float64(info.Size())/1e6, "MB")
	}
}

// TestOlderSnapshotsAreRefused checks that a snapshot of an earlier version (4: the log's shards
// but no names; 3: before shards) is refused, so that the projection is loaded from Neo4j with
// every member's name and headline, rather than read with none.
func TestOlderSnapshotsAreRefused(t *testing.T) {
	path := filepath.Join(t.TempDir(), "snapshot")
	if err := randomProjection(100, rand.New(rand.NewPCG(9, 9))).Save(path); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := LoadSnapshot(path); err != nil {
		t.Fatalf("the snapshot as written: %v", err)
	}
	body := data[len(snapshotMagic) : len(data)-4]
	for _, version := range []string{"3", "4"} {
		old := slices.Concat([]byte("reach-projection-"+version+"\n"), body)
		old = binary.BigEndian.AppendUint32(old, crc32.ChecksumIEEE(old))
		if err := os.WriteFile(path, old, 0o600); err != nil {
			t.Fatal(err)
		}
		if st, err := LoadSnapshot(path); err == nil {
			t.Errorf("a snapshot of version %s was read: %v", version, st)
		}
	}
}

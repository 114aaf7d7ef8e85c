package seed

import (
	"context"
	"errors"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/reach-network/reach/graph"
)

// fakeStore records what Import writes.
type fakeStore struct {
	mu      sync.Mutex
	rows    map[string]int // kind -> rows written
	seen    map[string]bool
	repeats int
	largest int
	failOn  string // a kind whose first batch fails
	ends    int    // imports ended (EndImport)
	outside int    // batches written outside an import's context (BeginImport)
}

// fakeImport marks the context of a fake import's batches.
type fakeImport struct{}

func (s *fakeStore) BeginImport(ctx context.Context) context.Context {
	return context.WithValue(ctx, fakeImport{}, true)
}

func (s *fakeStore) EndImport(context.Context) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.ends++
	return nil
}

func newFakeStore() *fakeStore {
	return &fakeStore{rows: map[string]int{}, seen: map[string]bool{}}
}

var errFake = errors.New("fake failure")

// batch counts a batch's rows by their keys.
func (s *fakeStore) batch(ctx context.Context, kind string, keys []string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if ctx.Value(fakeImport{}) == nil {
		s.outside++
	}
	if s.failOn == kind {
		return errFake
	}
	s.largest = max(s.largest, len(keys))
	for _, k := range keys {
		if s.seen[kind+k] {
			s.repeats++
		}
		s.seen[kind+k] = true
	}
	s.rows[kind] += len(keys)
	return nil
}

func (s *fakeStore) ImportMembers(ctx context.Context, rows []graph.ImportMember) (int, error) {
	keys := make([]string, len(rows))
	for i, r := range rows {
		keys[i] = r.ID
	}
	return 0, s.batch(ctx, "members", keys)
}

func (s *fakeStore) ImportConnections(ctx context.Context, rows []graph.ImportConnection) (int, error) {
	keys := make([]string, len(rows))
	for i, r := range rows {
		keys[i] = r.A + " " + r.B
	}
	return 0, s.batch(ctx, "connections", keys)
}

func (s *fakeStore) ImportBlocks(ctx context.Context, rows []graph.ImportBlock) (int, error) {
	keys := make([]string, len(rows))
	for i, r := range rows {
		keys[i] = r.By + " " + r.Member
	}
	return 0, s.batch(ctx, "blocks", keys)
}

func (s *fakeStore) ImportReports(ctx context.Context, rows []graph.ImportReport) (int, error) {
	keys := make([]string, len(rows))
	for i, r := range rows {
		keys[i] = r.By + " " + r.Member
	}
	return 0, s.batch(ctx, "reports", keys)
}

func (s *fakeStore) ImportInvitations(ctx context.Context, rows []graph.Invitation) (int, error) {
	keys := make([]string, len(rows))
	for i, r := range rows {
		keys[i] = r.ID
	}
	return 0, s.batch(ctx, "invitations", keys)
}

func (s *fakeStore) ImportMessages(ctx context.Context, rows []graph.ImportMessage) (int, error) {
	keys := make([]string, len(rows))
	for i, r := range rows {
		keys[i] = r.ID
	}
	return 0, s.batch(ctx, "messages", keys)
}

func (s *fakeStore) ImportSides(ctx context.Context, rows []graph.ImportSide) (int, error) {
	keys := make([]string, len(rows))
	for i, r := range rows {
		keys[i] = r.Member + " " + r.With
	}
	return 0, s.batch(ctx, "sides", keys)
}

func (s *fakeStore) ImportDeclines(ctx context.Context, rows []graph.ImportDecline) (int, error) {
	keys := make([]string, len(rows))
	for i, r := range rows {
		keys[i] = r.MessageID
	}
	return 0, s.batch(ctx, "declines", keys)
}

func (s *fakeStore) ImportOrganisations(ctx context.Context, rows []graph.Organisation) (int, error) {
	keys := make([]string, len(rows))
	for i, r := range rows {
		keys[i] = r.ID
	}
	return 0, s.batch(ctx, "organisations", keys)
}

func (s *fakeStore) ImportGroups(ctx context.Context, rows []graph.Group) (int, error) {
	keys := make([]string, len(rows))
	for i, r := range rows {
		keys[i] = r.ID
	}
	return 0, s.batch(ctx, "groups", keys)
}

func (s *fakeStore) ImportPositions(ctx context.Context, rows []graph.ImportPosition) (int, error) {
	keys := make([]string, len(rows))
	for i, r := range rows {
		keys[i] = r.Member + " " + r.Org + " " + strconv.Itoa(r.From)
	}
	return 0, s.batch(ctx, "positions", keys)
}

func (s *fakeStore) ImportMemberships(ctx context.Context, rows []graph.ImportMembership) (int, error) {
	keys := make([]string, len(rows))
	for i, r := range rows {
		keys[i] = r.Member + " " + r.Group
	}
	return 0, s.batch(ctx, "memberships", keys)
}

// TestImportWritesEveryRowOnce checks that an import writes every row once, in batches no larger
// than asked, all of them one import, which ends once.
func TestImportWritesEveryRowOnce(t *testing.T) {
	g := generate(t, Spec{Members: 5000, AvgDegree: 30, Seed: 9})
	store := newFakeStore()
	meter := NewMeter(&lockedBuffer{}, false, time.Hour)
	retries, err := g.Import(context.Background(), store, ImportOptions{BatchSize: 700, Workers: 4, Progress: meter})
	if err != nil {
		t.Fatal(err)
	}
	c := g.Counts()
	want := map[string]int{"members": c.Members, "connections": c.Connections, "blocks": c.Blocks,
		"invitations": c.Invitations, "messages": c.Messages, "sides": c.Sides, "declines": c.Declines, "reports": c.Reports,
		"organisations": c.Organisations, "groups": c.Groups, "positions": c.Positions, "memberships": c.Memberships}
	for kind, n := range want {
		if store.rows[kind] != n {
			t.Errorf("%s: %d rows written, want %d", kind, store.rows[kind], n)
		}
	}
	if store.ends != 1 || store.outside > 0 {
		t.Errorf("the import ended %d times, want once; %d batches outside its context, want none", store.ends, store.outside)
	}
	if store.repeats > 0 || store.largest > 700 {
		t.Errorf("%d rows written twice; largest batch %d rows, want at most 700", store.repeats, store.largest)
	}
	if len(retries) != 12 || len(meter.Phases()) != 12 {
		t.Errorf("retries %v and phases %v, want one for each of the 12 phases", retries, meter.Phases())
	}
	for _, p := range meter.Phases() {
		if p.Name == "load connections" && p.Rows != int64(c.Connections) {
			t.Errorf("progress counted %d connections, want %d", p.Rows, c.Connections)
		}
	}
}

// TestImportStopsAtTheFirstError checks that an import stops at a failed phase, and still ends
// once, so that replicas read the rows it wrote.
func TestImportStopsAtTheFirstError(t *testing.T) {
	g := generate(t, Spec{Members: 2000, AvgDegree: 10, Seed: 9})
	store := newFakeStore()
	store.failOn = "connections"
	_, err := g.Import(context.Background(), store, ImportOptions{BatchSize: 100, Workers: 3})
	if !errors.Is(err, errFake) {
		t.Fatalf("Import returned %v, want the store's error", err)
	}
	if store.rows["blocks"] > 0 {
		t.Error("Import went on after a failed phase")
	}
	if store.ends != 1 {
		t.Errorf("the failed import ended %d times, want once: the members written must reach replicas", store.ends)
	}
}

// lockedBuffer is a writer safe for the meter's ticking goroutine.
type lockedBuffer struct {
	mu sync.Mutex
	b  []byte
}

func (w *lockedBuffer) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.b = append(w.b, p...)
	return len(p), nil
}

func (w *lockedBuffer) String() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return string(w.b)
}

func TestMeterPrintsProgressLinesAndASummary(t *testing.T) {
	out := &lockedBuffer{}
	m := NewMeter(out, false, 10*time.Millisecond)
	m.Start("load things", 100)
	m.Add(40)
	for deadline := time.Now().Add(5 * time.Second); !strings.Contains(out.String(), "40/100") && time.Now().Before(deadline); {
		time.Sleep(5 * time.Millisecond)
	}
	m.Add(60)
	m.Done()
	m.Start("load more", 10)
	m.Add(10)
	m.Done()
	var summary lockedBuffer
	m.Summary(&summary)
	for _, want := range []string{"load things: 40/100 rows (40%)", "load things: 100 rows in", "load more: 10 rows in"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("progress output lacks %q:\n%s", want, out.String())
		}
	}
	for _, want := range []string{"phase", "load things", "load more", "total"} {
		if !strings.Contains(summary.String(), want) {
			t.Errorf("summary lacks %q:\n%s", want, summary.String())
		}
	}
	if p := m.Phases(); len(p) != 2 || p[0].Rows != 100 || p[1].Rows != 10 {
		t.Errorf("phases %+v", p)
	}
}

func TestByLowerEndOrdersRowsByTheirLowerMember(t *testing.T) {
	ends := [][2]uint32{{5, 2}, {1, 9}, {7, 3}, {0, 4}, {2, 8}}
	r := byLowerEnd(len(ends), func(k int) (uint32, uint32) { return ends[k][0], ends[k][1] })
	var got []int
	for i := range r.n {
		got = append(got, r.at(i))
	}
	if want := []int{3, 1, 0, 4, 2}; !slices.Equal(got, want) {
		t.Errorf("order %v, want %v", got, want)
	}
}

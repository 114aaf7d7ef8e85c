package integration

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/reach-network/reach/graph"
	"github.com/reach-network/reach/graph/answer"
	"github.com/reach-network/reach/graph/changelog"
	"github.com/reach-network/reach/graph/projection"
)

// TestRestoredBackup restores Neo4j from a real backup (launcher/backup.sh: neo4j-admin's dump,
// then its load, Neo4j stopped for each as Community needs) behind two replicas that applied a
// write made after the backup was taken: one kept running, reading the log only when a read asks
// (as one cut off from Neo4j while the restore ran), and one stopped, its snapshot saved. A new
// write then takes the lost write's positions in the same epoch, so that the log's heads are the
// replicas' positions again: numbers alone cannot tell. The running replica must not answer a
// fully consistent read from its state (Neo4j answers it), must load again and then answer from
// memory as Neo4j does; a replica started from the snapshot must refuse it and load from Neo4j;
// and an event stream resuming at the lost write's place must resync.
func TestRestoredBackup(t *testing.T) {
	dump, load := backups(t)
	ctx := context.Background()
	fully := graph.WithConsistency(ctx, graph.Consistency{Mode: graph.FullyConsistent})
	id := ids(t)
	network(t, id, [2]string{"ann", "cat"})
	member(t, id("ben"), "Ben")
	dir := t.TempDir()
	snapshot := filepath.Join(dir, "projection")
	cutOff := startReplicaWith(t, answer.Options{Freshness: projection.Freshness{Interval: time.Hour}})
	cutOff.loaded(t)

	dump(dir)
	afterRestart(t, func() error { return env.store.Connect(ctx, id("ann"), id("ben")) }) // the write the restore loses
	stopped := startReplica(t, snapshot)
	stopped.loaded(t)
	for _, r := range []*replica{cutOff, stopped} {
		if got, err := r.Reachability(fully, id("ann"), id("ben")); err != nil || got.Degree != graph.First {
			t.Fatalf("before the restore, ann → ben: %v (%v); want 1st", got.Degree, err)
		}
	}
	// ben's event stream, as a client holds it once told of the lost write: the place it goes on from.
	_, place, err := cutOff.EventsSince(ctx, id("ben"), graph.EventID{})
	if !errors.Is(err, graph.ErrEventsLost) || place.Change == "" {
		t.Fatalf("ben's place in the stream: %s (%v); want one naming the lost write's change", place, err)
	}
	stopped.close(t) // its snapshot holds the lost write
	load(dir)
	// The new write, in the lost one's shards and positions, through the store that ran through
	// the restore: its bookmarks of before it name transactions the database no longer has, and a
	// transaction that carried them would wait until the database had made as many again. Its
	// log's reader, whose reads carry none, finds the fork and forgets them.
	afterRestart(t, func() error {
		ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
		defer cancel()
		return env.store.Block(ctx, id("ann"), id("ben"))
	})
	neo4j := storeWithoutProjection(t)
	if head, err := changelog.Head(ctx, env.store.DB()); err != nil || head.Seq != cutOff.ProjectionStats().Applied {
		t.Fatalf("the log's head is %+v (%v), the replica's position %d: not the case this test is about",
			head, err, cutOff.ProjectionStats().Applied)
	}
	pairs := [][2]string{{"cat", "ben"}, {"ann", "ben"}, {"ann", "cat"}}
	want := answersOf(ctx, neo4j, id, pairs)
	// The new write took the lost one's place in ben's shard: a stream resuming there must resync,
	// not go on after it as if it had been told of the new write.
	_, _, err = env.store.EventsSince(ctx, id("ben"), place)
	for deadline := time.Now().Add(30 * time.Second); errors.Is(err, graph.ErrUnavailable) && time.Now().Before(deadline); {
		time.Sleep(100 * time.Millisecond)
		_, _, err = env.store.EventsSince(ctx, id("ben"), place)
	}
	if !errors.Is(err, graph.ErrEventsLost) {
		t.Errorf("ben's stream resuming at the lost write's place %s: %v; want its events lost, for a resync", place, err)
	}

	if got := answersOf(fully, cutOff, id, pairs); !slices.Equal(got, want) {
		t.Errorf("fully consistent reads of the replica that ran through the restore: %q; Neo4j: %q", got, want)
	}
	if from := cutOff.loadedWithin(t, 30*time.Second); from != "neo4j" {
		t.Errorf("the replica that ran through the restore loaded again from %q, want neo4j", from)
	}
	sameFromMemory(t, cutOff, id, pairs, want, "after loading again")

	restarted := startReplica(t, snapshot)
	if from := restarted.loaded(t); from != "neo4j" {
		t.Errorf("a snapshot taken before the restore, of writes the restore lost, was used: loaded from %q", from)
	}
	sameFromMemory(t, restarted, id, pairs, want, "started with a snapshot of before the restore")
}

// sameFromMemory checks that r answers the pairs from memory, fully consistent and by default,
// as want says Neo4j does.
func sameFromMemory(t *testing.T, r *replica, id func(string) string, pairs [][2]string, want []string, when string) {
	t.Helper()
	ctx := context.Background()
	for _, c := range []graph.Consistency{{Mode: graph.FullyConsistent}, {Mode: graph.MinimizeLatency}} {
		before := r.ProjectionStats()
		got := answersOf(graph.WithConsistency(ctx, c), r, id, pairs)
		if !slices.Equal(got, want) {
			t.Errorf("%s, %v reads: %q; Neo4j: %q", when, c.Mode, got, want)
		}
		if after := r.ProjectionStats(); after.Fallbacks != before.Fallbacks || after.Served == before.Served {
			t.Errorf("%s, %v reads were not all answered from memory", when, c.Mode)
		}
	}
}

// answersOf asks s how each pair stands, and writes each answer as what this test checks: the
// degree and mutual count, or not found.
func answersOf(ctx context.Context, s interface {
	Reachability(context.Context, string, string) (graph.Reach, error)
}, id func(string) string, pairs [][2]string) []string {
	var out []string
	for _, p := range pairs {
		r, err := s.Reachability(ctx, id(p[0]), id(p[1]))
		switch {
		case errors.Is(err, graph.ErrNotFound):
			out = append(out, p[0]+" → "+p[1]+": not found")
		case err != nil:
			out = append(out, fmt.Sprintf("%s → %s: %v", p[0], p[1], err))
		default:
			out = append(out, fmt.Sprintf("%s → %s: %v, %d mutual", p[0], p[1], r.Degree, r.MutualCount))
		}
	}
	return out
}

// loadedWithin waits up to d for the replica's next load and returns where it came from.
func (r *replica) loadedWithin(t *testing.T, d time.Duration) string {
	t.Helper()
	select {
	case l := <-r.loads:
		return l.From
	case <-time.After(d):
		return fmt.Sprintf("nowhere: no load within %s", d)
	}
}

// afterRestart runs a write, again while a Neo4j just started refuses it as unavailable, for up
// to a minute: the driver finds the connections of before the restart broken one at a time.
func afterRestart(t *testing.T, write func() error) {
	t.Helper()
	err := write()
	for deadline := time.Now().Add(time.Minute); errors.Is(err, graph.ErrUnavailable) && time.Now().Before(deadline); err = write() {
		time.Sleep(100 * time.Millisecond)
	}
	if err != nil {
		t.Fatal(err)
	}
}

// backups returns functions that take a backup of the test Neo4j into a directory and restore it
// from there, each with Neo4j stopped meanwhile and started again (launcher/backup.sh); the test
// is skipped when the harness does not say how (scripts/test.sh does, for the Neo4j it starts).
func backups(t *testing.T) (dump, load func(dir string)) {
	stop, start, backup := os.Getenv("REACH_TEST_NEO4J_STOP"), os.Getenv("REACH_TEST_NEO4J_START"), os.Getenv("REACH_TEST_NEO4J_BACKUP")
	if stop == "" || start == "" || backup == "" {
		t.Skip("REACH_TEST_NEO4J_STOP/START/BACKUP not set: no way to restore a backup of this Neo4j")
	}
	run := func(name string, args ...string) {
		t.Helper()
		cmd := exec.Command(name, args...)
		cmd.Env = append(os.Environ(), "REACH_NEO4J_FRESH=0")
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("%s %v: %v\n%s", filepath.Base(name), args, err, out)
		}
	}
	with := func(command string) func(dir string) {
		return func(dir string) {
			t.Helper()
			began := time.Now()
			run(stop)
			run(backup, command, dir)
			run(start)
			t.Logf("%s with Neo4j stopped and started again: %s", command, time.Since(began).Round(time.Second))
		}
	}
	return with("dump"), with("load")
}

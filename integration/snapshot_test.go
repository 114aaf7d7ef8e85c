package integration

import (
	"context"
	"net/http"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/reach-network/reach/graph"
	"github.com/reach-network/reach/graph/answer"
	"github.com/reach-network/reach/graph/changelog"
	"github.com/reach-network/reach/graph/neo4jstore"
)

// replica is a store keeping its projection with a snapshot path, as `reach serve` does with
// REACH_PROJECTION_SNAPSHOT set.
type replica struct {
	*answer.Service
	loads     chan changelog.ProjectionLoad
	reloading chan graph.ProjectionStats // the replica's stats as each reload began
	stop      context.CancelFunc
	done      chan struct{}
}

func startReplica(t *testing.T, snapshot string) *replica {
	t.Helper()
	return startReplicaWith(t, answer.Options{Snapshot: snapshot})
}

// startReplicaWith is startReplica with the projection kept as opts say.
func startReplicaWith(t *testing.T, opts answer.Options) *replica {
	t.Helper()
	s, err := openService(context.Background(), neo4jstore.Config{URI: env.neo4jURI}, opts)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Migrate(context.Background()); err != nil { // as `reach serve` does before keeping the projection
		t.Fatal(err)
	}
	ctx, stop := context.WithCancel(context.Background())
	r := &replica{Service: s, loads: make(chan changelog.ProjectionLoad, 4), reloading: make(chan graph.ProjectionStats, 4),
		stop: stop, done: make(chan struct{})}
	go func() {
		defer close(r.done)
		s.KeepProjection(ctx, changelog.ProjectionEvents{
			Loaded: func(l changelog.ProjectionLoad) { r.loads <- l },
			Reloading: func(error) {
				select {
				case r.reloading <- s.ProjectionStats():
				default: // a test that does not look at reloads
				}
			},
		})
	}()
	t.Cleanup(func() { r.close(t) })
	return r
}

// loaded waits for the replica's first load and returns where it came from.
func (r *replica) loaded(t *testing.T) string {
	t.Helper()
	select {
	case l := <-r.loads:
		return l.From
	case <-time.After(2 * time.Minute):
		t.Fatal("the projection did not load within two minutes")
		return ""
	}
}

// close stops keeping the projection, which saves it, and closes the store.
func (r *replica) close(t *testing.T) {
	r.stop()
	<-r.done
	r.Store.Close(context.Background())
}

// TestProjectionSnapshot checks a restart with a snapshot: the first replica loads from Neo4j and
// saves its projection when it stops; a write is made while no replica runs; the next replica
// starts from the snapshot, applies the logged write, and answers from memory as Neo4j does,
// mutual pages with their names and headlines included. A damaged snapshot is not used: the
// replica loads from Neo4j and writes a good one.
func TestProjectionSnapshot(t *testing.T) {
	ctx := context.Background()
	id := ids(t)
	network(t, id, [2]string{"ann", "ben"}, [2]string{"ann", "dan"}, [2]string{"cat", "dan"})
	for _, m := range []string{"ben", "dan"} {
		admin(t).do(http.MethodPut, "/v1/admin/members/"+id(m), map[string]any{"name": m, "headline": m + " at Acme"}).expect(http.StatusOK)
	}
	path := filepath.Join(t.TempDir(), "projection")
	neo4j := storeWithoutProjection(t)
	// samePage checks that r answers ann's mutual page with cat from memory, as Neo4j does.
	samePage := func(r *replica, when string) {
		t.Helper()
		want, err := neo4j.MutualConnections(ctx, id("ann"), id("cat"), graph.PageRequest{Limit: 10})
		if err != nil {
			t.Fatal(err)
		}
		before := r.ProjectionStats()
		got, err := r.MutualConnections(ctx, id("ann"), id("cat"), graph.PageRequest{Limit: 10})
		if err != nil || r.ProjectionStats().Served == before.Served || r.ProjectionStats().Fallbacks != before.Fallbacks {
			t.Fatalf("%s: the mutual page was not answered from memory (%v)", when, err)
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("%s: mutual page (-Neo4j +memory):\n%s", when, diff)
		}
	}

	first := startReplica(t, path)
	if from := first.loaded(t); from != "neo4j" {
		t.Fatalf("with no snapshot, the projection loaded from %q", from)
	}
	samePage(first, "loaded from Neo4j")
	first.close(t)
	if _, err := os.Stat(path); err != nil {
		t.Fatalf("no snapshot after the replica stopped: %v", err)
	}

	connect(t, id("ben"), id("cat")) // while no replica holds the projection
	second := startReplica(t, path)
	if from := second.loaded(t); from != "snapshot" {
		t.Fatalf("with a current snapshot, the projection loaded from %q", from)
	}
	before := second.ProjectionStats().Served
	r, err := second.Reachability(ctx, id("ann"), id("cat"))
	if err != nil {
		t.Fatal(err)
	}
	if r.Degree != graph.Second || r.MutualCount != 2 {
		t.Errorf("ann → cat after the restart: degree %v, %d mutual; want 2nd, 2 (one by the write made while stopped)", r.Degree, r.MutualCount)
	}
	if second.ProjectionStats().Served == before {
		t.Error("the restarted replica answered from Neo4j, not from its restored projection")
	}
	samePage(second, "restored from the snapshot") // ben's name and headline from the snapshot
	second.close(t)

	if err := os.WriteFile(path, []byte("reach-projection-1\nnot a projection"), 0o644); err != nil {
		t.Fatal(err)
	}
	third := startReplica(t, path)
	if from := third.loaded(t); from != "neo4j" {
		t.Fatalf("with a damaged snapshot, the projection loaded from %q", from)
	}
	third.close(t)
	fourth := startReplica(t, path)
	if from := fourth.loaded(t); from != "snapshot" {
		t.Errorf("after a load from Neo4j replaced the damaged snapshot, the projection loaded from %q", from)
	}
}

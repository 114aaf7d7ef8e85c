package integration

import (
	"context"
	"errors"
	"reflect"
	"sync/atomic"
	"testing"
	"time"

	"github.com/reach-network/reach/graph"
	"github.com/reach-network/reach/graph/answer"
	"github.com/reach-network/reach/graph/neo4jstore"
	"github.com/reach-network/reach/seed"
)

// TestOnlineImportReloadsOnce imports a generated network online, in dozens of batches, while a
// replica keeps its projection: the change log gets one reload change, at the import's end, not
// one a batch (each would end a load begun before it, and no replica would finish loading during
// a long import), the import leaves no mark on the log, and the replica, loaded again, answers
// from memory as Neo4j does.
func TestOnlineImportReloadsOnce(t *testing.T) {
	r := startReplica(t, "")
	r.loaded(t)
	before := reloads(t)
	g := generated(t, "o")
	if _, err := g.Import(context.Background(), env.store, seed.ImportOptions{BatchSize: 50, Workers: 2}); err != nil {
		t.Fatal(err)
	}
	if n := reloads(t) - before; n != 1 || importMarked(t) {
		t.Fatalf("the import appended %d reload changes and left its mark: %t; want one, and no mark", n, importMarked(t))
	}
	r.loaded(t)
	answersAsNeo4j(t, r, g)
}

// TestFailedImportStillReachesReplicas has an online import fail partway, after its members and a
// few batches of connections: the rows it wrote are in Neo4j, so its end still appends one reload
// change, and a replica, loaded again, answers about them from memory as Neo4j does.
func TestFailedImportStillReachesReplicas(t *testing.T) {
	r := startReplica(t, "")
	r.loaded(t)
	before := reloads(t)
	g := generated(t, "f")
	failing := &failingConnections{Service: env.store}
	failing.left.Store(3)
	if _, err := g.Import(context.Background(), failing, seed.ImportOptions{BatchSize: 50, Workers: 1}); !errors.Is(err, errImportFailed) {
		t.Fatalf("the import returned %v, want its failure", err)
	}
	if n := reloads(t) - before; n != 1 || importMarked(t) {
		t.Fatalf("the failed import appended %d reload changes and left its mark: %t; want one, and no mark", n, importMarked(t))
	}
	r.loaded(t)
	answersAsNeo4j(t, r, g)
}

// TestAbandonedImportEnds leaves an online import unended, as when its process dies after a
// batch: the batch appends no change, and the log stays marked until the import has written
// nothing for the bound given, when EndAbandonedImport ends it with one reload change.
func TestAbandonedImportEnds(t *testing.T) {
	ctx := context.Background()
	before := reloads(t)
	g := generated(t, "a")
	if _, err := env.store.ImportMembers(env.store.BeginImport(ctx), []graph.ImportMember{g.Member(0), g.Member(1)}); err != nil {
		t.Fatal(err)
	}
	if n := reloads(t) - before; n != 0 || !importMarked(t) {
		t.Fatalf("an import's batch appended %d reload changes, marked the log: %t; want none, and the mark", n, importMarked(t))
	}
	if ended, err := env.store.EndAbandonedImport(ctx, time.Hour); ended || err != nil {
		t.Fatalf("an import that wrote a moment ago was ended as abandoned: %t, %v", ended, err)
	}
	if ended, err := env.store.EndAbandonedImport(ctx, 0); !ended || err != nil {
		t.Fatalf("an import idle past the bound was not ended: %t, %v", ended, err)
	}
	if n := reloads(t) - before; n != 1 || importMarked(t) {
		t.Fatalf("ending the abandoned import appended %d reload changes and left its mark: %t; want one, and no mark", n, importMarked(t))
	}
	if ended, _ := env.store.EndAbandonedImport(ctx, 0); ended {
		t.Error("an import was ended twice")
	}
}

// errImportFailed is failingConnections' failure.
var errImportFailed = errors.New("the import's process failed")

// failingConnections is the test store whose batches of connections fail once left is spent.
type failingConnections struct {
	*answer.Service
	left atomic.Int64
}

func (f *failingConnections) ImportConnections(ctx context.Context, rows []graph.ImportConnection) (int, error) {
	if f.left.Add(-1) < 0 {
		return 0, errImportFailed
	}
	return f.Service.ImportConnections(ctx, rows)
}

// generated is a small generated network, its ids under a prefix of the test's.
func generated(t *testing.T, prefix string) *seed.Generated {
	t.Helper()
	g, err := seed.Generate(seed.Spec{Members: 300, AvgDegree: 8, Seed: 5, IDPrefix: ids(t)(prefix)}, nil)
	if err != nil {
		t.Fatal(err)
	}
	return g
}

// reloads counts the reload changes in the log.
func reloads(t *testing.T) int64 {
	t.Helper()
	return cypherRun(t, "MATCH (c:Change) WHERE c.reload RETURN count(c)", nil)[0].Values[0].(int64)
}

// importMarked tells whether the log is marked as taking an online import's batches.
func importMarked(t *testing.T) bool {
	t.Helper()
	return cypherRun(t, "MATCH (l:ChangeLog) RETURN l.importing IS NOT NULL", nil)[0].Values[0].(bool)
}

// answersAsNeo4j checks that r answers, from memory, how the generated network's first member
// stands to each of the first 40 as Neo4j does.
func answersAsNeo4j(t *testing.T, r *replica, g *seed.Generated) {
	t.Helper()
	ctx := context.Background()
	neo4j, err := openService(ctx, neo4jstore.Config{URI: env.neo4jURI})
	if err != nil {
		t.Fatal(err)
	}
	defer neo4j.Close(ctx)
	before := r.ProjectionStats()
	for i := 1; i <= 40; i++ {
		want, wantErr := neo4j.Reachability(ctx, g.ID(0), g.ID(i))
		got, err := r.Reachability(ctx, g.ID(0), g.ID(i))
		if !reflect.DeepEqual(got, want) || (err == nil) != (wantErr == nil) {
			t.Errorf("member %d: the replica answered %+v, %v; Neo4j %+v, %v", i, got, err, want, wantErr)
		}
	}
	if after := r.ProjectionStats(); after.Fallbacks != before.Fallbacks {
		t.Errorf("%d of the replica's answers came from Neo4j, want all from memory", after.Fallbacks-before.Fallbacks)
	}
}

// TestReloadHoldsOneState has a bulk import ask a loaded replica to read everything again: as the
// reload begins, the replica has let go of its state (it holds no members), so that it never
// holds two, and still counts as loaded, so that it stays ready; once loaded again it holds the
// imported member and answers from memory.
func TestReloadHoldsOneState(t *testing.T) {
	r := startReplica(t, "")
	r.loaded(t)
	id := ids(t)
	newcomer := []graph.ImportMember{{ID: id("newcomer"), Name: "Newcomer", Settings: graph.DefaultSettings, CreatedAt: time.Now()}}
	if _, err := env.store.ImportMembers(context.Background(), newcomer); err != nil {
		t.Fatal(err)
	}
	select {
	case st := <-r.reloading:
		if st.Members != 0 || st.Connections != 0 || !st.Loaded || st.Staleness == 0 {
			t.Errorf("as the reload began the replica held %d members and %d connections, loaded %t, staleness %s; "+
				"want none, and loaded, with the staleness since the log was last read to its head", st.Members, st.Connections, st.Loaded, st.Staleness)
		}
	case <-time.After(time.Minute):
		t.Fatal("the import did not make the replica reload within a minute")
	}
	r.loaded(t)
	if st := r.ProjectionStats(); st.Members == 0 || r.Gone(id("newcomer")) {
		t.Errorf("loaded again, the replica holds %d members, the newcomer gone: %t", st.Members, r.Gone(id("newcomer")))
	}
}

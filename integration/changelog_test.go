package integration

import (
	"context"
	"testing"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
	"github.com/reach-network/reach/graph"
	"github.com/reach-network/reach/graph/bolt"
	"github.com/reach-network/reach/graph/changelog"
)

// cypherRun runs one statement on the test Neo4j, for tests that set the database up by hand.
func cypherRun(t testing.TB, stmt string, params map[string]any) []*neo4j.Record {
	t.Helper()
	ctx := context.Background()
	recs, err := bolt.WriteTx(ctx, env.store.DB(), func(tx neo4j.ManagedTransaction) ([]*neo4j.Record, error) {
		return bolt.Collect(ctx, tx, stmt, params)
	})
	if err != nil {
		t.Fatalf("%s: %v", stmt, err)
	}
	return recs
}

// reloaded runs write, which asks every replica to load its projection again (an import, a
// Migrate that built conversations), and waits until the shared replica has loaded it: the tests
// after it must not meet a replica still loading, whose reads go to Neo4j and whose members' events
// wait for the load's end.
func reloaded(t testing.TB, write func()) {
	t.Helper()
	loads := env.store.ProjectionStats().Loads
	write()
	for deadline := time.Now().Add(time.Minute); env.store.ProjectionStats().Loads == loads; time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the projection did not load again")
		}
	}
}

// TestLogBeforeShardsBecomesShardZero turns the change log back into the one it was before it had
// shards (one head numbering every change, changes without a shard), as a database made by an
// earlier reach holds it, and migrates: the log keeps its epoch and becomes shard 0 of the
// configured count, its changes shard 0's, so a token that reach gave then is still valid and
// still means what it meant; writes go on with vector tokens, and a replica loads and answers.
func TestLogBeforeShardsBecomesShardZero(t *testing.T) {
	ctx := context.Background()
	id := ids(t)
	network(t, id, [2]string{"ann", "ben"}, [2]string{"ben", "cat"})
	// The log as reach left it before shards: the head's number on the log's node, and the last
	// changes numbered by it alone (here, cat's facts and the pair ben–cat, as they stand). One
	// transaction, so that no replica sees the log half made; an epoch of its own, so that the
	// replicas of other tests load it afresh rather than wait for positions it never reached.
	epoch := "before-shards-" + id("log")
	cypherRun(t, `MATCH (l:ChangeLog) SET l.seq = 500, l.epoch = $epoch REMOVE l.shards
	              WITH l
	              CALL () { MATCH (c:Change) DETACH DELETE c }
	              CALL () { MATCH (h:LogHead) DELETE h }
	              CREATE (:Change {seq: 499, at: datetime(), reload: false, members: [$cat], present: [true],
	                      pairA: [], pairB: [], pairBits: []}),
	                     (:Change {seq: 500, at: datetime(), reload: false, members: [],
	                      pairA: [$ben], pairB: [$cat], pairBits: [1]})`, map[string]any{"ben": id("ben"), "cat": id("cat"), "epoch": epoch})
	old := graph.Token{Epoch: epoch, Seq: 500} // a token of that log, as reach gave it: r1., no shards

	if err := env.store.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	head, err := changelog.Head(ctx, env.store.DB())
	if err != nil {
		t.Fatal(err)
	}
	if head.Epoch != epoch || len(head.Heads) != changelog.DefaultShards || head.Heads[0] != 500 || head.Seq != 500 {
		t.Fatalf("migrated head %+v; want epoch %s, %d shards, shard 0 at 500, the rest at 0", head, epoch, changelog.DefaultShards)
	}
	if n := cypherRun(t, "MATCH (c:Change {shard: 0}) WHERE c.seq IN [499, 500] RETURN count(*)", nil)[0].Values[0].(int64); n != 2 {
		t.Errorf("%d of the log's changes became shard 0's, want 2", n)
	}
	if err := env.store.CheckToken(ctx, old); err != nil {
		t.Errorf("a token of the log before shards was refused: %v", err)
	}
	if err := env.store.CheckToken(ctx, graph.Token{Epoch: epoch, Seq: 501}); err == nil {
		t.Error("a token past the old head was accepted")
	}
	if err := env.store.Migrate(ctx); err != nil { // again: changes nothing
		t.Fatal(err)
	}
	if again, _ := changelog.Head(ctx, env.store.DB()); again.Seq != 500 || again.Epoch != epoch {
		t.Errorf("migrating again moved the head to %+v", again)
	}

	res := as(t, id("ann")).do("PUT", "/v1/blocks/"+id("cat"), nil).expect(204)
	tok, err := graph.ParseToken(res.Header.Get("Consistency-Token"))
	if err != nil || len(tok.Heads) != changelog.DefaultShards || tok.Heads[0] < 500 || tok.Epoch != epoch {
		t.Fatalf("a write after the migration: token %+v, %v; want every shard's position, shard 0's from 500", tok, err)
	}
	r := startReplica(t, "")
	r.loaded(t)
	for _, c := range []graph.Consistency{{Mode: graph.AtLeastAsFresh, Token: old}, {Mode: graph.AtLeastAsFresh, Token: tok}} {
		before := r.ProjectionStats().Served
		_, err := r.Reachability(graph.WithConsistency(ctx, c), id("ann"), id("cat"))
		if err == nil || r.ProjectionStats().Served == before {
			t.Errorf("with token %+v: %v, served from memory %v; want the block, from memory", c.Token, err, r.ProjectionStats().Served > before)
		}
	}
}

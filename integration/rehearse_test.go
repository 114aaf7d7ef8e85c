package integration

import (
	"context"
	"testing"

	"github.com/reach-network/reach/graph/bolt"
	"github.com/reach-network/reach/graph/changelog"
)

// TestRehearsalCommitsNothing checks that rehearsing members' requests, which sends a message to
// have Neo4j plan the send's statements, leaves no trace: no message, no change in the log.
func TestRehearsalCommitsNothing(t *testing.T) {
	ctx := context.Background()
	id := ids(t)
	a, b := id("a"), id("b")
	member(t, a, "Rehearsal A")
	member(t, b, "Rehearsal B")
	connect(t, a, b)
	before, err := changelog.Head(ctx, env.store.DB())
	if err != nil {
		t.Fatal(err)
	}
	if err := env.store.Rehearse(ctx); err != nil {
		t.Fatalf("Rehearse: %v", err)
	}
	after, err := changelog.Head(ctx, env.store.DB())
	if err != nil {
		t.Fatal(err)
	}
	if after.Seq != before.Seq {
		t.Errorf("the change log's head moved from %d to %d", before.Seq, after.Seq)
	}
	recs, err := env.store.DB().Read(ctx, "MATCH ()-[m:MESSAGED {body: 'rehearsal'}]->() RETURN count(m) AS n", nil)
	if err != nil {
		t.Fatal(err)
	}
	if n, _ := bolt.Value[int64](recs[0], "n"); n != 0 {
		t.Errorf("%d rehearsal messages were kept", n)
	}
}

package neo4jstore

import (
	"context"
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
	"github.com/reach-network/reach/cypher"
	"github.com/reach-network/reach/graph"
)

// neo4jStore opens a store on the Neo4j of NEO4J_URI (which `make test` starts), with the schema
// applied, or skips the test when there is none.
func neo4jStore(t *testing.T) *Store {
	t.Helper()
	uri := os.Getenv("NEO4J_URI")
	if uri == "" || testing.Short() {
		t.Skip("needs the Neo4j of NEO4J_URI")
	}
	s, err := New(Config{URI: uri, User: os.Getenv("NEO4J_USER"), Password: os.Getenv("NEO4J_PASSWORD"),
		Database: os.Getenv("NEO4J_DATABASE")})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close(context.Background()) })
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	// The integration tests may be applying the schema at the same moment: try again a while.
	for err = s.Migrate(ctx); err != nil && ctx.Err() == nil; err = s.Migrate(ctx) {
		time.Sleep(time.Second)
	}
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// TestListsAreCachedAsOfTheVersionReadBeforeThem commits a new connection of a member just after
// the store has read that member's connection list and before it reads the member's version
// again, which is what a statement that read the list before the version would see. The list is
// then older than the member's version: it must not be cached as of that version, or a later
// request, seeing the version unchanged, would answer from a list without the new connection.
func TestListsAreCachedAsOfTheVersionReadBeforeThem(t *testing.T) {
	s := neo4jStore(t)
	ctx := context.Background()
	run := time.Now().UnixNano() % 1e12
	id := func(name string) string { return fmt.Sprintf("stamp%d_%s", run, name) }
	a, b, p, q := id("a"), id("b"), id("p"), id("q")
	if !graph.ValidMemberID(a) {
		t.Fatalf("%q is not a member id: other tests that sample the database would trip on it", a)
	}
	for _, m := range []string{a, b, p, q} {
		if _, err := s.PutMember(ctx, graph.Profile{ID: m, Name: m}); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.ConnectAll(ctx, [][2]string{{a, b}, {p, q}}); err != nil {
		t.Fatal(err)
	}

	// a and p have one connection each, so a is the smaller side and p's list is loaded.
	interleaved := false
	q1 := func(ctx context.Context, query string, params map[string]any) ([]*neo4j.Record, error) {
		recs, err := s.db.Read(ctx, query, params)
		if query == cypher.ConnectionLists && !interleaved {
			interleaved = true
			if err := s.Connect(ctx, p, b); err != nil {
				return nil, err
			}
		}
		return recs, err
	}
	if _, err := s.relations(ctx, q1, []asking{{caller: a, members: []string{p}}}, forReading); err != nil {
		t.Fatal(err)
	}
	if !interleaved {
		t.Fatal("the store read no connection list from Neo4j: the test did not interleave")
	}

	r, err := s.Relation(ctx, a, p)
	if err != nil {
		t.Fatal(err)
	}
	if r.Degree != graph.Second || r.MutualCount != 1 {
		t.Errorf("after p connected with b, a and p are degree %v with %d mutual connections, want 2nd with 1: "+
			"p's list, read before the connection, was cached as of the version after it", r.Degree, r.MutualCount)
	}
}

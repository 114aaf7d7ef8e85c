package integration

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/reach-network/reach/graph"
	"github.com/reach-network/reach/graph/neo4jstore"
)

// TestFailedBatchLeavesNothingBehind checks that a bulk batch naming a member that does not exist
// fails whole: the pair of existing members in the same batch is not connected, and neither
// member's connections version moves, so a store that cached their lists still finds them
// current (it reads no list again).
func TestFailedBatchLeavesNothingBehind(t *testing.T) {
	for name, batch := range map[string]func(ctx context.Context, a, b, missing string) error{
		"ConnectAll": func(ctx context.Context, a, b, missing string) error {
			return env.store.ConnectAll(ctx, [][2]string{{a, b}, {a, missing}})
		},
		"ImportConnections": func(ctx context.Context, a, b, missing string) error {
			now := time.Now()
			_, err := env.store.ImportConnections(ctx, []graph.ImportConnection{{A: a, B: b, Since: now}, {A: a, B: missing, Since: now}})
			return err
		},
	} {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			id := ids(t)
			network(t, id, [2]string{"ann", "xia"}, [2]string{"bob", "yan"})
			s, err := openService(ctx, neo4jstore.Config{URI: env.neo4jURI})
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close(ctx)
			if _, err := s.Relation(ctx, id("ann"), id("bob")); err != nil {
				t.Fatal(err)
			}
			before := s.CacheStats()

			err = batch(ctx, id("ann"), id("bob"), id("nobody"))
			if !errors.Is(err, graph.ErrNotFound) {
				t.Fatalf("a batch naming a missing member: %v, want ErrNotFound", err)
			}
			r, err := s.Relation(ctx, id("ann"), id("bob"))
			if err != nil {
				t.Fatal(err)
			}
			if r.Degree == graph.First {
				t.Error("the failed batch connected ann and bob")
			}
			if after := s.CacheStats(); after.Misses != before.Misses {
				t.Errorf("the failed batch moved a connections version: lists read %d → %d, want none read again",
					before.Misses, after.Misses)
			}
		})
	}
}

package integration

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"sync"
	"testing"

	"github.com/reach-network/reach/graph"
	"github.com/reach-network/reach/graph/neo4jstore"
)

// TestAskingAboutMissingMembersAddsNothing asks about 100,000 member ids that do not exist, as a
// caller probing random ids would, and checks that the cache numbered none of them and stays
// within its budget, still holding the lists it held before.
func TestAskingAboutMissingMembersAddsNothing(t *testing.T) {
	ctx := context.Background()
	id := ids(t)
	network(t, id, [2]string{"ann", "xia"}, [2]string{"xia", "bob"})
	s, err := openService(ctx, neo4jstore.Config{URI: env.neo4jURI, CachedConnections: 1 << 16})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close(ctx)
	if _, err := s.Relation(ctx, id("ann"), id("bob")); err != nil {
		t.Fatal(err)
	}
	before := s.CacheStats()

	// Most in batches, as a page of many members asks; the rest one at a time, as reachability
	// and mutual-connections requests ask.
	const asked, batch, single, workers = 100_000, 1000, 2000, 4
	rng := rand.New(rand.NewPCG(1, 11))
	nobody := func() string { return fmt.Sprintf("%snobody%d", id(""), rng.Uint64()) }
	for range (asked - single) / batch {
		members := make([]string, batch)
		for i := range members {
			members[i] = nobody()
		}
		found, err := s.Relations(ctx, id("ann"), members)
		if err != nil || len(found) != 0 {
			t.Fatalf("relations with %d missing members: %d found, %v", batch, len(found), err)
		}
	}
	work := make(chan string)
	go func() {
		defer close(work)
		for range single {
			work <- nobody()
		}
	}()
	var wg sync.WaitGroup
	errs := make(chan error, single)
	for range workers {
		wg.Go(func() {
			for member := range work {
				_, err := s.MutualConnections(ctx, id("ann"), member, graph.PageRequest{Limit: 10})
				if errors.Is(err, graph.ErrNotFound) {
					_, err = s.Relation(ctx, id("ann"), member)
				}
				if !errors.Is(err, graph.ErrNotFound) {
					errs <- fmt.Errorf("asking about %s: %w, want ErrNotFound", member, err)
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	after := s.CacheStats()
	if after.IDs != before.IDs || after.Renewals != before.Renewals {
		t.Errorf("asking about %d missing members numbered %d ids (%d → %d) and started the cache afresh %d times",
			asked, after.IDs-before.IDs, before.IDs, after.IDs, after.Renewals-before.Renewals)
	}
	if after.Bytes > after.Budget || after.Lists != before.Lists {
		t.Errorf("after asking about %d missing members the cache takes %d of %d bytes and holds %d lists, before %d",
			asked, after.Bytes, after.Budget, after.Lists, before.Lists)
	}
}

package integration

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/reach-network/reach/graph"
)

// TestPruningInSmallSteps prunes a log holding hundreds of changes past their retention and
// watches it from beside: the changes must go in several steps (transactions of a few hundred,
// with pauses between them), never all in one transaction, which held every other commit back for
// half a second (docs/performance.md, "Pruning in small steps").
func TestPruningInSmallSteps(t *testing.T) {
	ctx := context.Background()
	id := ids(t)
	var pairs [][2]string
	var profiles []graph.Profile
	for i := range 20 {
		a, b := id(fmt.Sprint("a", i)), id(fmt.Sprint("b", i))
		profiles = append(profiles, graph.Profile{ID: a, Name: "A"}, graph.Profile{ID: b, Name: "B"})
		pairs = append(pairs, [2]string{a, b})
	}
	if _, err := env.store.PutMembers(ctx, profiles); err != nil {
		t.Fatal(err)
	}
	if err := env.store.ConnectAll(ctx, pairs); err != nil {
		t.Fatal(err)
	}
	var sends sync.WaitGroup
	for _, p := range pairs {
		sends.Go(func() {
			for i := range 30 {
				if _, err := env.store.Send(ctx, p[0], graph.Draft{To: p[1], Body: fmt.Sprint("note ", i)}, ""); err != nil {
					t.Error(err)
					return
				}
			}
		})
	}
	sends.Wait()
	now := neo4jNow(t)
	count := func() int64 {
		res, err := neo4j.ExecuteQuery(ctx, env.store.DB().Driver, "MATCH (c:Change) WHERE c.at <= $now RETURN count(c) AS n",
			map[string]any{"now": now}, neo4j.EagerResultTransformer)
		if err != nil {
			t.Fatal(err)
		}
		n, _ := res.Records[0].Get("n")
		return n.(int64)
	}
	first := count()
	done := make(chan error)
	go func() {
		_, err := env.store.PruneChanges(ctx, 0)
		done <- err
	}()
	seen := map[int64]bool{}
	for pruning := true; pruning; {
		select {
		case err := <-done:
			if err != nil {
				t.Fatal(err)
			}
			pruning = false
		default:
			seen[count()] = true
		}
	}
	last := count()
	steps := 0
	for n := range seen {
		if n < first && n > last {
			steps++
		}
	}
	if first-last < 400 || steps < 2 {
		t.Errorf("pruning %d changes down to %d showed %d counts in between, want at least 2: it went in one transaction", first, last, steps)
	}
}

// neo4jNow is Neo4j's clock, which stamps changes.
func neo4jNow(t *testing.T) time.Time {
	t.Helper()
	res, err := neo4j.ExecuteQuery(context.Background(), env.store.DB().Driver, "RETURN datetime() AS now", nil, neo4j.EagerResultTransformer)
	if err != nil {
		t.Fatal(err)
	}
	now, _ := res.Records[0].Get("now")
	return now.(time.Time)
}

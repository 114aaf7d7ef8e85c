package integration

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
	"github.com/reach-network/reach/graph"
	"github.com/reach-network/reach/graph/answer"
	"github.com/reach-network/reach/graph/changelog"
	"github.com/reach-network/reach/graph/neo4jstore"
)

// startRounds and makerRounds are how many times TestReplicasStartTogether and
// TestChangeLogMadeOnceByRacingMakers start on a fresh change log. A write that finds no log
// waits for the driver's retry while the constraints are made (about half a second): makers'
// rounds are fewer.
const startRounds, makerRounds = 10, 5

// slowSchema is how much later than the projection's life each replica of
// TestReplicasStartTogether begins applying the schema, as when its constraints take seconds to
// make on a large graph: far longer than a load takes to begin.
const slowSchema = 50 * time.Millisecond

// TestReplicasStartTogether starts two replicas at once, as `reach serve` starts them (keeping the
// projection and pruning the log beside applying the schema: cmd/reach), on a database without
// the change log and without the constraints that keep its node and heads single, round after
// round. Neither may load, read the log or prune before its schema is applied (a load then could
// make a second head beside the other replica's, and the constraint could never be made), and
// each round must end with the schema in place, one log and one head per shard.
func TestReplicasStartTogether(t *testing.T) {
	for round := range startRounds {
		freshLog(t)
		replicas := [2]startingReplica{startReplicaOn(t), startReplicaOn(t)}
		ctx, stop := context.WithCancel(context.Background())
		var running sync.WaitGroup
		for _, r := range replicas {
			running.Go(func() { r.KeepProjection(ctx, changelog.ProjectionEvents{}) })
		}
		time.Sleep(slowSchema)
		for i, r := range replicas {
			_, err := r.PruneChanges(ctx, time.Hour)
			if asked := r.asked.Load(); asked > 0 || err == nil {
				stop()
				running.Wait()
				t.Fatalf("round %d: before its schema was applied, replica %d asked Neo4j %d times for its projection or the log, and pruned: %t",
					round+1, i+1, asked, err == nil)
			}
		}
		migrated := make(chan error, len(replicas))
		for _, r := range replicas {
			running.Go(func() { migrated <- migrateAsServeDoes(ctx, r.Service) })
		}
		var failed error
		for range replicas {
			if err := <-migrated; err != nil {
				failed = err
			}
		}
		stop()
		running.Wait()
		if bad := logShape(t); bad != "" || failed != nil {
			t.Fatalf("round %d: %s (schema: %v)", round+1, bad, failed)
		}
	}
}

// TestChangeLogMadeOnceByRacingMakers has what makes the change log in a database without one
// (changelog.Ensure, as a load or Migrate runs it, and a write finding no log) run at once from
// four connections of their own, on a database without the log's constraints, round after
// round: each round must end with the constraints in place, one log and one head per shard.
// EnsureChangeLog's MERGE alone would not do: without the constraints, two MERGEs at once can
// each make a node.
func TestChangeLogMadeOnceByRacingMakers(t *testing.T) {
	makers := [4]*answer.Service{startingService(t), startingService(t), startingService(t), startingService(t)}
	id := ids(t)
	for round := range makerRounds {
		freshLog(t)
		var racing sync.WaitGroup
		errs := make([]error, len(makers))
		for i, m := range makers {
			racing.Go(func() {
				if i%2 == 0 {
					errs[i] = changelog.Ensure(context.Background(), m.DB(), 0)
					return
				}
				_, errs[i] = m.PutMember(context.Background(), graph.Profile{ID: id(fmt.Sprintf("m%d_%d", round, i)), Name: "Maker"})
			})
		}
		racing.Wait()
		if bad := logShape(t); bad != "" || errors.Join(errs...) != nil {
			t.Fatalf("round %d: %s (makers: %v)", round+1, bad, errors.Join(errs...))
		}
	}
}

// startingReplica is a replica starting, with a count of the sessions its projection's own
// connections to Neo4j (answer.Options.Tail) have opened: those of its loads, its reads of the
// log and its pruning.
type startingReplica struct {
	*answer.Service
	asked *atomic.Int64
}

// startReplicaOn makes a replica's service over a store of its own that has not applied the
// schema, with connections to Neo4j already open, so that replicas started together reach Neo4j
// together. It is closed when the test ends.
func startReplicaOn(t *testing.T) startingReplica {
	t.Helper()
	ctx := context.Background()
	cfg := neo4jstore.Config{URI: env.neo4jURI}
	store, err := neo4jstore.Open(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	tail, err := neo4jstore.NewDB(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if err := tail.Ping(ctx); err != nil {
		t.Fatal(err)
	}
	asked := &atomic.Int64{}
	tail.Driver = countedDriver{tail.Driver, asked}
	t.Cleanup(func() {
		store.Close(ctx)
		tail.Close(ctx)
	})
	return startingReplica{answer.New(store, answer.Options{Tail: tail}), asked}
}

// countedDriver counts the sessions opened through it.
type countedDriver struct {
	neo4j.DriverWithContext
	sessions *atomic.Int64
}

func (d countedDriver) NewSession(ctx context.Context, config neo4j.SessionConfig) neo4j.SessionWithContext {
	d.sessions.Add(1)
	return d.DriverWithContext.NewSession(ctx, config)
}

// startingService is a replica's service over a store of its own that has not applied the
// schema, with a connection to Neo4j already open. It is closed when the test ends.
func startingService(t *testing.T) *answer.Service {
	t.Helper()
	s, err := openService(context.Background(), neo4jstore.Config{URI: env.neo4jURI})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close(context.Background()) })
	return s
}

// migrateAsServeDoes applies the schema as `reach serve` does (keepReady), trying again after a
// failure, for a few seconds at most.
func migrateAsServeDoes(ctx context.Context, r *answer.Service) error {
	var err error
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		if err = r.Migrate(ctx); err == nil {
			return nil
		}
	}
	return err
}

// freshLog takes away the change log, its changes and heads, and the constraints that keep the
// log's node and its heads single, as in a database where no reach has started yet. The
// projections of other tests' replicas then load afresh.
func freshLog(t *testing.T) {
	t.Helper()
	cypherRun(t, "DROP CONSTRAINT change_log_id IF EXISTS", nil)
	cypherRun(t, "DROP CONSTRAINT log_head_shard IF EXISTS", nil)
	cypherRun(t, "MATCH (n) WHERE n:ChangeLog OR n:LogHead OR n:Change DETACH DELETE n", nil)
}

// logShape says what is wrong with the change log: more or fewer than one log node, a shard with
// more or fewer than one head, a constraint missing; "" when nothing is.
func logShape(t *testing.T) string {
	t.Helper()
	rec := cypherRun(t, `CALL () { MATCH (l:ChangeLog) RETURN count(l) AS logs }
	                     CALL () { MATCH (h:LogHead) WITH h.shard AS shard, count(*) AS n
	                               RETURN count(shard) AS shards, sum(CASE WHEN n = 1 THEN 0 ELSE 1 END) AS doubled,
	                                      sum(n) AS heads }
	                     RETURN logs, shards, doubled, heads`, nil)[0]
	constraints := cypherRun(t, `SHOW CONSTRAINTS YIELD name WHERE name IN ['change_log_id', 'log_head_shard']
	                             RETURN count(*) AS n`, nil)[0]
	logs, shards, doubled, heads, kept := rec.Values[0], rec.Values[1], rec.Values[2], rec.Values[3], constraints.Values[0]
	if logs != int64(1) || shards != int64(changelog.DefaultShards) || doubled != int64(0) || kept != int64(2) {
		return fmt.Sprintf("%v log nodes, %v heads for %v shards (%v shards with more than one), %v of the log's 2 constraints; want 1 log, one head for each of %d shards, both constraints",
			logs, heads, shards, doubled, kept, changelog.DefaultShards)
	}
	return ""
}

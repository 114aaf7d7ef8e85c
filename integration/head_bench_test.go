package integration

import (
	"context"
	"testing"
	"time"

	"github.com/reach-network/reach/cypher"
	"github.com/reach-network/reach/graph"
	"github.com/reach-network/reach/graph/changelog"
)

// headBeforeIDs is ChangeLogHead as it was before it confirmed a replica's positions: the epoch
// and the heads alone. BenchmarkChangeLogHead compares the two.
const headBeforeIDs = `OPTIONAL MATCH (log:ChangeLog {id: 'main'})
CALL () {
  MATCH (head:LogHead)
  WITH head
  ORDER BY head.shard
  RETURN collect(head.seq) AS heads
}
RETURN log.epoch AS epoch, heads`

// BenchmarkChangeLogHead reads the change log's head as a fully consistent read does, every shard
// holding changes: Confirming, with the ids of the changes at a replica's positions in the same
// statement (ChangeLogHead with $at, as changelog.HeadFor sends it), and HeadsOnly, the statement
// as it was before. It reports the processor time per look of this process and, when
// REACH_NEO4J_DIR names the launcher's Neo4j, of Neo4j too.
//
//	go test ./integration -run '^$' -bench ChangeLogHead -benchtime 5000x
func BenchmarkChangeLogHead(b *testing.B) {
	ctx := context.Background()
	head, err := changelog.Head(ctx, env.store.DB())
	if err != nil {
		b.Fatal(err)
	}
	membersByShard(b, len(head.Positions()))
	if head, err = changelog.Head(ctx, env.store.DB()); err != nil {
		b.Fatal(err)
	}
	for _, c := range []struct {
		name      string
		statement string
		params    map[string]any
	}{
		{"HeadsOnly", headBeforeIDs, nil},
		{"Confirming", cypher.ChangeLogHead, map[string]any{"batch": map[string]any{"at": head.Positions()}}},
	} {
		b.Run(c.name, func(b *testing.B) {
			cpu := processorTime(b)
			for b.Loop() {
				if _, err := env.store.DB().Read(ctx, c.statement, c.params); err != nil {
					b.Fatal(err)
				}
			}
			if used := processorTime(b) - cpu; used > 0 {
				b.ReportMetric(float64(used.Microseconds())/float64(b.N), "cpu-µs/look")
			}
		})
	}
}

// BenchmarkFullyConsistentReads asks for reachability fully consistent from many readers at once,
// each read a look at the change log's head (shared among reads arriving while one is in flight,
// graph/answer/head.go) and an answer from memory. It reports reads a second and the processor
// time of a read, reach's and Neo4j's (when the Neo4j runs from launcher/ and its process can be
// read).
//
//	go test ./integration -run '^$' -bench FullyConsistentReads -benchtime 5s
func BenchmarkFullyConsistentReads(b *testing.B) {
	id := ids(b)
	network(b, id, [2]string{"ann", "ben"}, [2]string{"ben", "cat"})
	ctx := graph.WithConsistency(context.Background(), graph.Consistency{Mode: graph.FullyConsistent})
	for served := env.store.ProjectionStats().Served; env.store.ProjectionStats().Served == served; {
		if _, err := env.store.Reachability(ctx, id("ann"), id("cat")); err != nil { // until memory holds the network
			b.Fatal(err)
		}
	}
	before := env.store.ProjectionStats()
	b.SetParallelism(16)
	cpu, start := processorTime(b), time.Now()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, err := env.store.Reachability(ctx, id("ann"), id("cat")); err != nil {
				b.Error(err)
				return
			}
		}
	})
	b.StopTimer()
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "reads/s")
	if used := processorTime(b) - cpu; used > 0 {
		b.ReportMetric(float64(used.Microseconds())/float64(b.N), "cpu-µs/read")
	}
	if after := env.store.ProjectionStats(); after.Fallbacks != before.Fallbacks {
		b.Logf("%d of %d answers came from Neo4j", after.Fallbacks-before.Fallbacks, b.N)
	}
}

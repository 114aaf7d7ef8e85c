package integration

import (
	"context"
	"testing"
	"time"

	"github.com/reach-network/reach/graph"
)

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

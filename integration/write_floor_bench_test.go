package integration

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/reach-network/reach/graph/bolt"
)

// BenchmarkWriteFloor runs, four at once, write transactions that do less than a send and
// reports transactions a second and the processor time of each, Neo4j's apart: the floor under
// every send, whatever reach's statements do.
//
//   - Empty: a write transaction that runs RETURN 1 and commits nothing;
//
//   - OneProperty: one member found by its unique id and one property set;
//
//   - SendShape: what a send writes without its rules, in two round trips as a send's are: both
//     members locked, then a MESSAGED relationship with a body between them.
//
//     go test ./integration -run '^$' -bench WriteFloor -benchtime 3000x
func BenchmarkWriteFloor(b *testing.B) {
	pairs := connectedPairs(b, 100)
	floors := []struct {
		name       string
		statements []string
	}{
		{"Empty", []string{"RETURN 1"}},
		{"OneProperty", []string{"MATCH (a:Member {id: $a}) SET a.floorMark = $n"}},
		{"SendShape", []string{
			"MATCH (a:Member {id: $a}), (b:Member {id: $b}) SET a._lock = true, b._lock = true REMOVE a._lock, b._lock",
			"MATCH (a:Member {id: $a}), (b:Member {id: $b}) CREATE (a)-[:MESSAGED {id: $id, body: $body, sentAt: datetime()}]->(b)",
		}},
	}
	for _, f := range floors {
		b.Run(f.name, func(b *testing.B) {
			var next atomic.Int64
			b.SetParallelism(2) // 4 goroutines on the 2 cores
			self, neo4jTime := ownProcessorTime(), neo4jProcessorTime()
			start := time.Now()
			b.ResetTimer()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					n := next.Add(1)
					p := pairs[int(n)%len(pairs)]
					params := map[string]any{"a": p[0], "b": p[1], "n": n, "id": fmt.Sprintf("floor-%d-%d", n, time.Now().UnixNano()), "body": "floor"}
					if err := writeFloor(f.statements, params); err != nil {
						b.Error(err)
						return
					}
				}
			})
			b.StopTimer()
			b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "tx/s")
			if used := neo4jProcessorTime() - neo4jTime; used > 0 {
				b.ReportMetric(float64(used.Microseconds())/float64(b.N), "neo4j-cpu-µs/tx")
			}
			b.ReportMetric(float64((ownProcessorTime()-self).Microseconds())/float64(b.N), "client-cpu-µs/tx")
		})
	}
}

// writeFloor runs statements, in order, in one write transaction.
func writeFloor(statements []string, params map[string]any) error {
	ctx := context.Background()
	_, err := bolt.WriteTx(ctx, env.store.DB(), func(tx neo4j.ManagedTransaction) (int, error) {
		for _, s := range statements {
			if _, err := bolt.Collect(ctx, tx, s, params); err != nil {
				return 0, err
			}
		}
		return len(statements), nil
	})
	return err
}

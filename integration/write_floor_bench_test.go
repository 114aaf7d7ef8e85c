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
//     members locked, then a MESSAGED relationship with a body between them;
//
//   - SendShapeBatch8: the same for eight pairs in one transaction, each statement unwinding
//     them, as sends gathered into a shared transaction would run: its figures are per send.
//
//     go test ./integration -run '^$' -bench WriteFloor -benchtime 3000x
func BenchmarkWriteFloor(b *testing.B) {
	pairs := connectedPairs(b, 100)
	floors := []struct {
		name       string
		statements []string
		batch      int // sends a transaction carries, 0 for none
	}{
		{"Empty", []string{"RETURN 1"}, 0},
		{"OneProperty", []string{"MATCH (a:Member {id: $a}) SET a.floorMark = $n"}, 0},
		{"SendShape", []string{
			"MATCH (a:Member {id: $a}), (b:Member {id: $b}) SET a._lock = true, b._lock = true REMOVE a._lock, b._lock",
			"MATCH (a:Member {id: $a}), (b:Member {id: $b}) CREATE (a)-[:MESSAGED {id: $id, body: $body, sentAt: datetime()}]->(b)",
		}, 0},
		{"SendShapeBatch8", []string{
			"UNWIND $sends AS s MATCH (a:Member {id: s.a}), (b:Member {id: s.b}) SET a._lock = true, b._lock = true REMOVE a._lock, b._lock",
			"UNWIND $sends AS s MATCH (a:Member {id: s.a}), (b:Member {id: s.b}) CREATE (a)-[:MESSAGED {id: s.id, body: s.body, sentAt: datetime()}]->(b)",
		}, 8},
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
					if err := writeFloor(f.statements, floorParams(pairs, &next, f.batch)); err != nil {
						b.Error(err)
						return
					}
				}
			})
			b.StopTimer()
			sends := float64(b.N * max(f.batch, 1))
			b.ReportMetric(sends/time.Since(start).Seconds(), "sends/s")
			if used := neo4jProcessorTime() - neo4jTime; used > 0 {
				b.ReportMetric(float64(used.Microseconds())/sends, "neo4j-cpu-µs/send")
			}
			b.ReportMetric(float64((ownProcessorTime()-self).Microseconds())/sends, "client-cpu-µs/send")
		})
	}
}

// floorParams gives a transaction its parameters: one pair's, or with batch > 0, a list of that
// many pairs' under "sends".
func floorParams(pairs [][2]string, next *atomic.Int64, batch int) map[string]any {
	one := func() map[string]any {
		n := next.Add(1)
		p := pairs[int(n)%len(pairs)]
		return map[string]any{"a": p[0], "b": p[1], "n": n, "id": fmt.Sprintf("floor-%d-%d", n, time.Now().UnixNano()), "body": "floor"}
	}
	if batch == 0 {
		return one()
	}
	sends := make([]any, batch)
	for i := range sends {
		sends[i] = one()
	}
	return map[string]any{"sends": sends}
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

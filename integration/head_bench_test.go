package integration

import (
	"context"
	"testing"

	"github.com/reach-network/reach/cypher"
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
		{"Confirming", cypher.ChangeLogHead, map[string]any{"at": head.Positions()}},
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

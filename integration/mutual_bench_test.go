package integration

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/reach-network/reach/cypher"
	"github.com/reach-network/reach/graph"
)

// BenchmarkMutualPage reads the first page of 20 of a pair's mutual connections, 20 of them and
// 500, answered from memory as the store answers them now (Memory: the projection's page, no
// statement), and as it answered them before (Statement: the projection said who they are and
// MutualPage read their names, an index seek each, and sorted them in Neo4j). It reports the
// processor time per page of this process and, when REACH_NEO4J_DIR names the launcher's Neo4j
// (scripts/test.sh sets it), of Neo4j too.
//
//	go test ./integration -run '^$' -bench MutualPage -benchtime 2000x
func BenchmarkMutualPage(b *testing.B) {
	ctx := context.Background()
	for _, n := range []int{20, 500} {
		id := ids(b)
		member(b, id("me"), "Me")
		member(b, id("them"), "Them")
		for i := range n {
			m := id(fmt.Sprintf("m%03d", i))
			admin(b).do("PUT", "/v1/admin/members/"+m, map[string]any{"name": fmt.Sprintf("Member %d", (i*37)%n), "headline": "Engineer at Acme"}).expect(201)
			connect(b, id("me"), m)
			connect(b, id("them"), m)
		}
		req := graph.PageRequest{Limit: 20}
		page := fromMemory(b, graph.Consistency{Mode: graph.FullyConsistent}, id("me"), id("them"), graph.PageRequest{Limit: 100})
		var mutuals []any
		for _, s := range allPages(b, func(r graph.PageRequest) graph.Page[graph.MemberSummary] {
			return fromMemory(b, graph.Consistency{}, id("me"), id("them"), r)
		}, graph.PageRequest{Limit: 100}) {
			mutuals = append(mutuals, s.ID)
		}
		if page.Total != n || len(mutuals) != n {
			b.Fatalf("%d mutual connections, want %d", len(mutuals), n)
		}
		b.Run(fmt.Sprintf("Mutuals%d/Memory", n), func(b *testing.B) {
			cpu := processorTime(b)
			for b.Loop() {
				if _, err := env.store.MutualConnections(ctx, id("me"), id("them"), req); err != nil {
					b.Fatal(err)
				}
			}
			reportCPU(b, processorTime(b)-cpu)
		})
		b.Run(fmt.Sprintf("Mutuals%d/Statement", n), func(b *testing.B) {
			params := func() map[string]any {
				return map[string]any{"batch": map[string]any{"members": mutuals}, "limit": int64(req.Limit), "afterName": nil, "afterId": nil}
			}
			cpu := processorTime(b)
			for b.Loop() {
				if _, err := env.store.DB().Read(ctx, cypher.MutualConnections, params()); err != nil {
					b.Fatal(err)
				}
			}
			reportCPU(b, processorTime(b)-cpu)
		})
	}
}

// reportCPU reports the processor time used, per operation.
func reportCPU(b *testing.B, used time.Duration) {
	if used > 0 {
		b.ReportMetric(float64(used.Microseconds())/float64(b.N), "cpu-µs/page")
	}
}

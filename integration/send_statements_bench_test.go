package integration

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/reach-network/reach/graph"
	"go.opentelemetry.io/otel"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"
)

// BenchmarkSendStatements sends, one at a time, between connected members with 150 connections
// each, and reports the time each of a send's statements took on average (the statements' spans)
// beside the whole send's and the processor time of a send (reach's and Neo4j's), so that the
// statement that costs most can be seen. Pairs100 spreads the sends over 100 pairs, as members
// send; Pair1 sends them all in one conversation, to show what a long one costs.
//
//	go test ./integration -run '^$' -bench SendStatements -benchtime 2000x
func BenchmarkSendStatements(b *testing.B) {
	for _, count := range []int{100, 1} {
		b.Run(fmt.Sprintf("Pairs%d", count), func(b *testing.B) {
			pairs := connectedPairs(b, count)
			spans, tracer := statementSpans()
			ended := len(spans.Ended())
			cpu := processorTime(b)
			b.ResetTimer()
			for i := range b.N {
				ctx, span := tracer.Start(context.Background(), "send")
				p := pairs[i%len(pairs)]
				d := graph.Draft{To: p[1], Body: fmt.Sprintf("bench %d %d", i, time.Now().UnixNano())}
				if _, err := env.store.Send(ctx, p[0], d, fmt.Sprintf("k%d-%d", i, time.Now().UnixNano())); err != nil {
					b.Fatal(err)
				}
				span.End()
			}
			b.StopTimer()
			if used := processorTime(b) - cpu; used > 0 {
				b.ReportMetric(float64(used.Microseconds())/float64(b.N), "cpu-µs/send")
			}
			reportStatements(b, spans.Ended()[ended:])
		})
	}
}

// connectedPairs makes count pairs of connected members, each with 150 connections of their
// own, 20 of them shared.
func connectedPairs(b *testing.B, count int) [][2]string {
	b.Helper()
	id := ids(b)
	pairs := make([][2]string, count)
	for i := range pairs {
		pairs[i] = [2]string{id(fmt.Sprintf("a%d", i)), id(fmt.Sprintf("c%d", i))}
		cypherRun(b, `CREATE (a:Member {id: $a, name: $a, plan: 'free', inmail: 'anyone'}),
			(c:Member {id: $c, name: $c, plan: 'free', inmail: 'anyone'})
			WITH a, c
			UNWIND range(0, 149) AS i
			CREATE (x:Member {id: $a + 'x' + i, name: 'x' + i, plan: 'free', inmail: 'anyone'}),
			       (y:Member {id: $c + 'y' + i, name: 'y' + i, plan: 'free', inmail: 'anyone'})
			CREATE (a)-[:CONNECTED_TO]->(x), (c)-[:CONNECTED_TO]->(y)
			WITH a, c, x, i WHERE i < 20
			CREATE (c)-[:CONNECTED_TO]->(x)`, map[string]any{"a": pairs[i][0], "c": pairs[i][1]})
		connect(b, pairs[i][0], pairs[i][1])
	}
	return pairs
}

// reportStatements reports the time spans of each name took, per operation of b.
func reportStatements(b *testing.B, spans []sdktrace.ReadOnlySpan) {
	total := map[string]time.Duration{}
	for _, s := range spans {
		total[s.Name()] += s.EndTime().Sub(s.StartTime())
	}
	for _, n := range slices.Sorted(maps.Keys(total)) {
		unit := strings.ReplaceAll(strings.TrimPrefix(n, "cypher "), " ", "-") + "-µs/op"
		b.ReportMetric(float64(total[n].Microseconds())/float64(b.N), unit)
	}
}

// statementSpans installs, once for the process, a tracer provider that records every span, and
// returns its recorder and a tracer of it: reach's tracers follow the first provider set, so one
// provider must serve every test and every run of a benchmark that looks at spans.
var statementSpans = sync.OnceValues(func() (*tracetest.SpanRecorder, trace.Tracer) {
	spans := tracetest.NewSpanRecorder()
	provider := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(spans))
	otel.SetTracerProvider(provider)
	return spans, provider.Tracer("bench")
})

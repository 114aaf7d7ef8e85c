package bolt

import (
	"context"
	"testing"

	"github.com/reach-network/reach/cypher"
	"go.opentelemetry.io/otel"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"
)

// TestTracedBatch checks where the statements of work done for several requests are traced: in
// a span of the batch's own, a new trace linked to every request's span and linked back to from
// each, never only in the first request's trace; for one request, in that request's trace.
func TestTracedBatch(t *testing.T) {
	spans := tracetest.NewSpanRecorder()
	otel.SetTracerProvider(sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(spans)))
	// The provider stays for the package's other tests: the global one is set once, and their
	// contexts carry no recording span, so Traced makes none for them.
	request := func(name string) (context.Context, trace.Span) {
		return otel.Tracer("test").Start(context.Background(), name)
	}
	first, firstSpan := request("first send")
	second, secondSpan := request("second send")

	ctx, end := TracedBatch(first, "send transaction", []context.Context{first, second})
	_, endStatement := Traced(ctx, cypher.LockedRelations)
	endStatement(nil)
	end()
	firstSpan.End()
	secondSpan.End()

	byName := map[string]sdktrace.ReadOnlySpan{}
	for _, s := range spans.Ended() {
		byName[s.Name()] = s
	}
	batch, statement := byName["send transaction"], byName["cypher LockedRelations"]
	if batch == nil || statement == nil {
		t.Fatalf("spans %v: want the batch's and its statement's", byName)
	}
	if statement.Parent().SpanID() != batch.SpanContext().SpanID() {
		t.Error("the statement's span is not the batch's child")
	}
	if batch.Parent().IsValid() || batch.SpanContext().TraceID() == firstSpan.SpanContext().TraceID() {
		t.Error("the batch's span is in the first request's trace, not a trace of its own")
	}
	linked := map[trace.SpanID]bool{}
	for _, l := range batch.Links() {
		linked[l.SpanContext.SpanID()] = true
	}
	for _, name := range []string{"first send", "second send"} {
		req := byName[name]
		if !linked[req.SpanContext().SpanID()] {
			t.Errorf("the batch's span is not linked to the %s's", name)
		}
		if links := req.Links(); len(links) != 1 || links[0].SpanContext.SpanID() != batch.SpanContext().SpanID() {
			t.Errorf("the %s's span links to %v, want the batch's span", name, links)
		}
	}

	alone, aloneSpan := request("lone send")
	ctx, end = TracedBatch(alone, "send transaction", []context.Context{alone})
	_, endStatement = Traced(ctx, cypher.SendMessage)
	endStatement(nil)
	end()
	aloneSpan.End()
	var statements int
	for _, s := range spans.Ended() {
		if s.Name() == "send transaction" && s.SpanContext().SpanID() != batch.SpanContext().SpanID() {
			t.Error("a lone request's work got a batch span")
		}
		if s.Name() == "cypher SendMessage" {
			statements++
			if s.Parent().SpanID() != aloneSpan.SpanContext().SpanID() {
				t.Error("a lone request's statement is not in its own trace")
			}
		}
	}
	if statements != 1 {
		t.Errorf("%d spans of the lone request's statement, want 1", statements)
	}
}

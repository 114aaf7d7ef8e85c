package bolt

import (
	"context"

	"github.com/reach-network/reach/cypher"
	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/trace"
)

// tracer makes the spans of Cypher statements. It is the global tracer provider's, a no-op one
// unless the program installs an exporter (cmd/reach does when OTEL_EXPORTER_OTLP_ENDPOINT is set).
var tracer = otel.Tracer("github.com/reach-network/reach/graph")

// traced starts a span for one statement, named after its file in cypher/ ("cypher Relations"),
// inside the request's span. A request that is not traced costs no span and no name lookup. The
// returned function ends the span, marking it failed when err is not nil.
func Traced(ctx context.Context, statement string) (context.Context, func(err error)) {
	if !trace.SpanFromContext(ctx).IsRecording() {
		return ctx, func(error) {}
	}
	name := cypher.Name(statement)
	if name == "" {
		name = "statement"
	}
	ctx, span := tracer.Start(ctx, "cypher "+name, trace.WithSpanKind(trace.SpanKindClient),
		trace.WithAttributes(attribute.String("db.system.name", "neo4j"), attribute.String("db.operation.name", name)))
	return ctx, func(err error) {
		if err != nil {
			span.RecordError(err)
			span.SetStatus(codes.Error, "statement failed")
		}
		span.End()
	}
}

// TracedBatch gives work done at once for several requests, such as sends sharing one
// transaction, a span of its own named name, in which the spans of its statements are made: a new
// trace, linked to each traced request's span, and each of those spans linked back to it, so
// that every request's trace leads to the statements that did its work, not only the first's.
// With one request, or none traced, the statements stay in the first request's trace (ctx's).
// The returned function ends the span.
func TracedBatch(ctx context.Context, name string, requests []context.Context) (context.Context, func()) {
	if len(requests) < 2 {
		return ctx, func() {}
	}
	var links []trace.Link
	for _, r := range requests {
		if span := trace.SpanFromContext(r); span.IsRecording() {
			links = append(links, trace.Link{SpanContext: span.SpanContext()})
		}
	}
	if len(links) == 0 {
		return ctx, func() {}
	}
	ctx, batch := tracer.Start(ctx, name, trace.WithNewRoot(), trace.WithLinks(links...),
		trace.WithAttributes(attribute.Int("reach.requests", len(requests))))
	for _, r := range requests {
		trace.SpanFromContext(r).AddLink(trace.Link{SpanContext: batch.SpanContext()})
	}
	return ctx, func() { batch.End() }
}

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

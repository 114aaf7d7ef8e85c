package api

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/labstack/echo/v4"
	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/trace"
)

// This file follows a request from arrival to answer: its id, its deadline, its trace span, its
// log line, and the refusal of a query string that cannot be decoded.

// headerRequestID carries a request's id, both ways.
const headerRequestID = "X-Request-Id"

type requestIDKey struct{}

// RequestID returns the id of the request ctx belongs to, or "" outside a request.
func RequestID(ctx context.Context) string {
	id, _ := ctx.Value(requestIDKey{}).(string)
	return id
}

// identify gives every request an id: the client's X-Request-Id when it is a sensible token (so a
// request can be followed across services), a new random one otherwise. The id is returned in
// X-Request-Id, put into every log line (LogHandler) and every problem document.
func identify(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		id := c.Request().Header.Get(headerRequestID)
		if !validRequestID(id) {
			id = newRequestID()
		}
		c.Response().Header().Set(headerRequestID, id)
		c.SetRequest(c.Request().WithContext(context.WithValue(c.Request().Context(), requestIDKey{}, id)))
		return next(c)
	}
}

// validRequestID accepts 1 to 128 printable ASCII characters without spaces or quotes, so a
// client's id can go into logs and headers as it is.
func validRequestID(id string) bool {
	if id == "" || len(id) > 128 {
		return false
	}
	for i := 0; i < len(id); i++ {
		if b := id[i]; b <= ' ' || b > '~' || b == '"' || b == '\\' {
			return false
		}
	}
	return true
}

func newRequestID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// LogHandler wraps h so that every record logged with a request's context carries the request's
// id and, when the request is traced, its trace id.
func LogHandler(h slog.Handler) slog.Handler { return requestLogHandler{h} }

type requestLogHandler struct{ slog.Handler }

func (h requestLogHandler) Handle(ctx context.Context, r slog.Record) error {
	if id := RequestID(ctx); id != "" {
		r.AddAttrs(slog.String("request_id", id))
	}
	if sc := trace.SpanContextFromContext(ctx); sc.IsValid() {
		r.AddAttrs(slog.String("trace_id", sc.TraceID().String()))
	}
	return h.Handler.Handle(ctx, r)
}

func (h requestLogHandler) WithAttrs(attrs []slog.Attr) slog.Handler {
	return requestLogHandler{h.Handler.WithAttrs(attrs)}
}

func (h requestLogHandler) WithGroup(name string) slog.Handler {
	return requestLogHandler{h.Handler.WithGroup(name)}
}

// Timeouts bound how long a request may wait for Neo4j before it is answered 503: reads (GET)
// and writes (everything else, whose transactions the driver retries on transient failures up
// to the same bound). Both must stay below the server's write timeout, so that the answer is
// delivered before the server gives up on the connection.
type Timeouts struct {
	Read, Write time.Duration
}

// DefaultTimeouts answer a client within seconds when Neo4j is gone.
var DefaultTimeouts = Timeouts{Read: 2 * time.Second, Write: 5 * time.Second}

// Longest is the longer of the two bounds.
func (t Timeouts) Longest() time.Duration { return max(t.Read, t.Write) }

// orDefaults fills the zero fields of t from DefaultTimeouts.
func (t Timeouts) orDefaults() Timeouts {
	if t.Read <= 0 {
		t.Read = DefaultTimeouts.Read
	}
	if t.Write <= 0 {
		t.Write = DefaultTimeouts.Write
	}
	return t
}

// withDeadline puts the request's deadline into its context, which the store passes to every
// transaction it runs: the driver stops waiting for a connection, and stops retrying, when it
// passes. It answers failures itself, while the deadline's context is still live, so that the
// error handler tells a client who hung up (the context cancelled) from one that is still there.
func withDeadline(t Timeouts) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			if c.Path() == eventsRoute {
				// Authenticating a stream is bound as any read; the stream itself lasts as long
				// as its client, so it keeps the context without the deadline.
				c.Set(lastingKey, c.Request().Context())
			}
			limit := t.Write
			switch m := c.Request().Method; {
			case c.Path() == exportRoute:
				limit = exportTimeout // it streams a whole account
			case m == http.MethodGet || m == http.MethodHead:
				limit = t.Read
			}
			ctx, cancel := context.WithTimeout(c.Request().Context(), limit)
			defer cancel()
			c.SetRequest(c.Request().WithContext(ctx))
			if err := next(c); err != nil {
				c.Error(err)
			}
			return nil
		}
	}
}

// lastingKey holds, for an event stream, its request's context without the deadline.
const lastingKey = "reach.lasting"

// lasting returns the request's context without the deadline withDeadline gave it, for a
// response that lasts as long as its client; other requests get their context as it is.
func lasting(c echo.Context) context.Context {
	if ctx, ok := c.Get(lastingKey).(context.Context); ok {
		return ctx
	}
	return c.Request().Context()
}

// checkQuery refuses a query string that cannot be decoded, naming the parameter at fault,
// instead of answering as if the parameter had not been sent.
func checkQuery(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if err := decodableQuery(c.Request().URL.RawQuery); err != nil {
			return err
		}
		return next(c)
	}
}

// decodableQuery reports the first parameter of a raw query string that is not well
// percent-encoded, or is separated by a semicolon, which reach does not take as a separator.
func decodableQuery(raw string) error {
	for part := range strings.SplitSeq(raw, "&") {
		if part == "" {
			continue
		}
		key, value, _ := strings.Cut(part, "=")
		name, err := url.QueryUnescape(key)
		if err != nil {
			return invalid(key, "the query parameter name %q is not percent-encoded correctly", key)
		}
		if strings.Contains(part, ";") {
			return invalid(name, "the query parameter %q contains ';': separate parameters with '&', and encode ';' as %%3B", name)
		}
		if _, err := url.QueryUnescape(value); err != nil {
			return invalid(name, "the query parameter %q is not percent-encoded correctly", name)
		}
	}
	return nil
}

// tracer makes a span for every request; cypher statements are spans inside it (graph/bolt/trace.go).
var tracer = otel.Tracer("github.com/reach-network/reach/api")

// traceRequests starts each request's span, named by method and route pattern, continuing the
// caller's trace when the request carries a W3C traceparent header.
func traceRequests(next echo.HandlerFunc) echo.HandlerFunc {
	propagator := propagation.TraceContext{}
	return func(c echo.Context) error {
		req := c.Request()
		ctx := propagator.Extract(req.Context(), propagation.HeaderCarrier(req.Header))
		route := c.Path()
		ctx, span := tracer.Start(ctx, req.Method+" "+route, trace.WithSpanKind(trace.SpanKindServer),
			trace.WithAttributes(attribute.String("http.request.method", req.Method), attribute.String("http.route", route),
				attribute.String("reach.request_id", RequestID(ctx))))
		defer span.End()
		c.SetRequest(req.WithContext(ctx))
		err := next(c)
		if err != nil {
			c.Error(err) // answer now, so the span records the status sent
		}
		status := c.Response().Status
		span.SetAttributes(attribute.Int("http.response.status_code", status))
		if status >= 500 {
			span.SetStatus(codes.Error, http.StatusText(status))
		}
		return nil
	}
}

// clientGone is the status logged and counted for a request whose client hung up before it was
// answered: nothing is written, since nobody is listening.
const clientGone = 499

// logRequests logs one line per request, after it is answered.
func logRequests(log *slog.Logger) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			start := time.Now()
			err := next(c)
			if err != nil {
				c.Error(err)
			}
			req := c.Request()
			status := c.Response().Status
			level := slog.LevelInfo
			if status >= 500 {
				level = slog.LevelWarn
			}
			log.LogAttrs(req.Context(), level, "request",
				slog.String("method", req.Method), slog.String("route", c.Path()), slog.String("path", req.URL.Path),
				slog.Int("status", status), slog.Duration("latency", time.Since(start)))
			return nil
		}
	}
}

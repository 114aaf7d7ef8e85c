package api

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/reach-network/reach/graph"
)

// problem is an RFC 9457 problem document, the body of every error reach answers.
type problem struct {
	Type   string `json:"type"`
	Title  string `json:"title"`
	Status int    `json:"status"`
	Detail string `json:"detail"`
	Field  string `json:"field,omitempty"`  // the request field at fault, for bad input
	Reason string `json:"reason,omitempty"` // the rule that decided, where one did
	// RequestID is the request's X-Request-Id, so a client's report leads to the server's logs.
	RequestID string `json:"requestId,omitempty"`
	// Checks says, on /readyz, what is and is not ready.
	Checks map[string]string `json:"checks,omitempty"`

	retryAfter time.Duration // sent as the Retry-After header when set
}

// problemBase is where the problem types are described, one anchor each.
const problemBase = "https://github.com/reach-network/reach/blob/main/docs/problems.md#"

// kind is one row of the error table: the status and title a failure is answered with.
type kind struct {
	slug   string
	status int
	title  string
}

var (
	badRequest      = kind{"bad-request", http.StatusBadRequest, "Bad request"}
	unauthorized    = kind{"unauthorized", http.StatusUnauthorized, "Unauthorized"}
	forbidden       = kind{"forbidden", http.StatusForbidden, "Forbidden"}
	notFound        = kind{"not-found", http.StatusNotFound, "Not found"}
	methodNotAllow  = kind{"method-not-allowed", http.StatusMethodNotAllowed, "Method not allowed"}
	refused         = kind{"refused", http.StatusForbidden, "Message refused"}
	tooMany         = kind{"rate-limited", http.StatusTooManyRequests, "Too many requests"}
	conflict        = kind{"conflict", http.StatusConflict, "Conflict"}
	tooLarge        = kind{"too-large", http.StatusRequestEntityTooLarge, "Request body too large"}
	unsupportedType = kind{"unsupported-media-type", http.StatusUnsupportedMediaType, "Unsupported media type"}
	unprocessable   = kind{"unprocessable", http.StatusUnprocessableEntity, "Unprocessable request"}
	unavailable     = kind{"unavailable", http.StatusServiceUnavailable, "Service unavailable"}
	notImplemented  = kind{"not-implemented", http.StatusNotImplemented, "Not implemented"}
	internal        = kind{"internal", http.StatusInternalServerError, "Internal server error"}
)

// domainKinds is the error table for failures the graph reports: its kind decides the answer.
var domainKinds = []struct {
	err   error
	kind  kind
	field string // the request field a failure of this kind always concerns
}{
	{graph.ErrNotFound, notFound, ""},
	{graph.ErrSelf, unprocessable, ""},
	{graph.ErrAlreadyConnected, conflict, ""},
	{graph.ErrAlreadyInvited, conflict, ""},
	{graph.ErrConnectionLimit, conflict, ""},
	{graph.ErrForbidden, forbidden, ""},
	{graph.ErrInvalidCursor, badRequest, "cursor"},
	{graph.ErrInvalidToken, badRequest, "token"},
	{graph.ErrInvalid, badRequest, ""},
	{graph.ErrConflict, conflict, ""},
	{graph.ErrUnprocessable, unprocessable, ""},
	{graph.ErrIdempotencyConflict, unprocessable, "Idempotency-Key"},
	{graph.ErrRefused, refused, ""},
	{graph.ErrRateLimited, tooMany, ""},
	{graph.ErrUnavailable, unavailable, ""},
	{graph.ErrUnsupported, notImplemented, ""},
}

// requestError is a failure the API finds itself, before the graph is asked: in the request, or
// in what this server serves.
type requestError struct {
	kind       kind
	field      string
	detail     string
	retryAfter time.Duration // sent as Retry-After when set
}

func (e *requestError) Error() string { return e.detail }

// invalid reports a request field that is malformed or out of range.
func invalid(field, format string, args ...any) error {
	return &requestError{kind: badRequest, field: field, detail: fmt.Sprintf(format, args...)}
}

// notServed answers a route of an area this server was not given (see Services): 501, naming
// the route, so that a client learns it asked the wrong server rather than that reach failed.
func notServed(c echo.Context) error {
	return &requestError{kind: notImplemented,
		detail: fmt.Sprintf("%s %s is not served by this server", c.Request().Method, c.Path())}
}

// unknown reports a request field that is well formed but names something reach's rules do not
// know, such as an organisation kind other than company or school: a 422.
func unknown(field, format string, args ...any) error {
	return &requestError{kind: unprocessable, field: field, detail: fmt.Sprintf(format, args...)}
}

// toProblem decides how a failure is answered. Anything it does not know is a 500 whose detail
// says nothing of the cause; the cause goes to the log.
func toProblem(err error) (problem, bool) {
	var (
		reqErr  *requestError
		domErr  *graph.Error
		httpErr *echo.HTTPError
		sizeErr *http.MaxBytesError
	)
	switch {
	case errors.As(err, &reqErr):
		p := newProblem(reqErr.kind, reqErr.detail)
		p.Field, p.retryAfter = reqErr.field, reqErr.retryAfter
		return p, true
	case errors.As(err, &domErr):
		for _, row := range domainKinds {
			if errors.Is(domErr, row.err) {
				p := newProblem(row.kind, domErr.Detail)
				p.Field, p.Reason, p.retryAfter = row.field, string(domErr.Reason), domErr.RetryAfter
				if domErr.Field != "" {
					p.Field = domErr.Field
				}
				return p, true
			}
		}
	case errors.As(err, &sizeErr):
		return newProblem(tooLarge, fmt.Sprintf("the request body is larger than %d bytes", sizeErr.Limit)), true
	case errors.As(err, &httpErr):
		switch httpErr.Code {
		case http.StatusNotFound:
			return newProblem(notFound, "no such route"), true
		case http.StatusMethodNotAllowed:
			return newProblem(methodNotAllow, "this route does not take that method"), true
		case http.StatusRequestEntityTooLarge:
			return newProblem(tooLarge, fmt.Sprintf("the request body is larger than %d bytes", maxBodyBytes)), true
		case http.StatusUnsupportedMediaType:
			return newProblem(unsupportedType, "send JSON with Content-Type: application/json"), true
		}
	case errors.Is(err, context.DeadlineExceeded):
		p := newProblem(unavailable, "the graph database did not answer in time; try again shortly")
		p.retryAfter = graph.UnavailableRetryAfter
		return p, true
	}
	return newProblem(internal, "something went wrong on our side; it has been logged"), false
}

func newProblem(k kind, detail string) problem {
	return problem{Type: problemBase + k.slug, Title: k.title, Status: k.status, Detail: detail}
}

// errorHandler answers every error with a problem document and logs the ones that are ours: at
// error level what it does not know (answered 500), at warning level what made it answer 503. A
// request whose client has hung up is logged as such and answered with nothing.
func errorHandler(log *slog.Logger) echo.HTTPErrorHandler {
	return func(err error, c echo.Context) {
		if c.Response().Committed {
			return
		}
		ctx := c.Request().Context()
		if errors.Is(ctx.Err(), context.Canceled) {
			log.InfoContext(ctx, "client disconnected before the answer", "method", c.Request().Method, "route", c.Path())
			c.Response().Status = clientGone
			return
		}
		p, known := toProblem(err)
		switch {
		case !known:
			log.ErrorContext(ctx, "request failed", "method", c.Request().Method, "route", c.Path(), "err", err)
		case p.Status == http.StatusServiceUnavailable:
			log.WarnContext(ctx, "request not answered", "method", c.Request().Method, "route", c.Path(), "err", err)
		}
		p.RequestID = RequestID(ctx)
		writeProblem(c, p)
	}
}

func writeProblem(c echo.Context, p problem) {
	if p.Status == http.StatusUnauthorized {
		c.Response().Header().Set(echo.HeaderWWWAuthenticate, `Bearer realm="reach"`)
	}
	if p.retryAfter > 0 {
		c.Response().Header().Set(echo.HeaderRetryAfter, strconv.Itoa(int(p.retryAfter/time.Second)))
	}
	c.Response().Header().Set(echo.HeaderContentType, "application/problem+json")
	c.Response().WriteHeader(p.Status)
	_ = encodeJSON(c.Response(), p)
}

package graph

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strings"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
)

// Kinds of failure a caller can act on. Every error the store returns for a domain reason wraps
// one of these in an *Error that says, in words fit for the member, what happened.
var (
	ErrNotFound         = errors.New("not found")
	ErrInvalid          = errors.New("invalid")
	ErrSelf             = errors.New("not allowed on yourself")
	ErrAlreadyConnected = errors.New("already connected")
	ErrAlreadyInvited   = errors.New("already invited")
	ErrConnectionLimit  = errors.New("connection limit reached")
	ErrForbidden        = errors.New("forbidden")
	ErrInvalidCursor    = errors.New("invalid cursor")
	// ErrInvalidToken: a consistency token reach did not give, or whose bookmarks Neo4j refuses.
	ErrInvalidToken  = errors.New("invalid consistency token")
	ErrConflict      = errors.New("conflict")
	ErrUnprocessable = errors.New("unprocessable")
	// ErrRefused: a messaging rule refuses the message; Error.Reason says which.
	ErrRefused = errors.New("refused")
	// ErrRateLimited: too many InMails; Error.RetryAfter says when one may be sent again.
	ErrRateLimited = errors.New("rate limited")
	// ErrIdempotencyConflict: an idempotency key reused for a different request.
	ErrIdempotencyConflict = errors.New("idempotency key reused")
	// ErrUnavailable: Neo4j did not answer, or not in time; Error.RetryAfter says when to try
	// again. A write that failed this way may or may not have committed: retry it with the same
	// Idempotency-Key (sends) or as the idempotent request it is (blocks, settings).
	ErrUnavailable = errors.New("unavailable")
)

// UnavailableRetryAfter is how long a client is asked to wait after ErrUnavailable.
const UnavailableRetryAfter = 2 * time.Second

// Error is a domain failure: Kind is one of the Err values above, Detail a sentence for the member.
// A messaging refusal also names the rule that decided and, when waiting helps, how long to wait.
type Error struct {
	Kind       error
	Detail     string
	Reason     Reason
	RetryAfter time.Duration
	// Field names the part of the input at fault, where one is (positions[2].org).
	Field string
	// Cause is the failure underneath, for the log: the driver's error behind ErrUnavailable.
	Cause error
}

func (e *Error) Error() string {
	if e.Cause != nil {
		return e.Detail + ": " + e.Cause.Error()
	}
	return e.Detail
}

// Unwrap lets errors.Is match the kind, and the cause.
func (e *Error) Unwrap() []error {
	if e.Cause != nil {
		return []error{e.Kind, e.Cause}
	}
	return []error{e.Kind}
}

func fail(kind error, format string, args ...any) error {
	return &Error{Kind: kind, Detail: fmt.Sprintf(format, args...)}
}

func refusal(kind error, reason Reason, detail string) *Error {
	return &Error{Kind: kind, Detail: detail, Reason: reason}
}

func memberNotFound(id string) error { return fail(ErrNotFound, "member %q not found", id) }

// wrap adds the operation to a non-nil error, so a log line says where it came from; the domain
// kind stays reachable through errors.Is and errors.As. A failure to reach Neo4j becomes
// ErrUnavailable here, so every store method reports an outage the same way, and bookmarks Neo4j
// refuses become ErrInvalidToken.
func wrap(errp *error, format string, args ...any) {
	if *errp == nil {
		return
	}
	switch cause := *errp; {
	case unreachable(cause):
		*errp = &Error{Kind: ErrUnavailable, Detail: "the graph database is not answering; try again shortly",
			RetryAfter: UnavailableRetryAfter, Cause: cause}
	case badBookmarks(cause):
		*errp = &Error{Kind: ErrInvalidToken, Detail: "the consistency token is not one reach gave", Cause: cause}
	}
	*errp = fmt.Errorf("%s: %w", fmt.Sprintf(format, args...), *errp)
}

// unreachable tells whether err says that Neo4j could not be reached or did not answer in time,
// as opposed to refusing a statement: a broken or refused connection, no connection free in the
// pool within its timeout, the driver giving up retrying, a deadline that passed, or a transient
// error of the server (a database starting or stopping, a leader being elected).
func unreachable(err error) bool {
	var (
		connErr  *neo4j.ConnectivityError
		limitErr *neo4j.TransactionExecutionLimit
		dbErr    *neo4j.Neo4jError
		netErr   net.Error
	)
	switch {
	case errors.As(err, &limitErr):
		return true // retried until the retry time or the request's deadline ran out
	case errors.As(err, &dbErr):
		return strings.HasPrefix(dbErr.Code, "Neo.TransientError.") ||
			dbErr.Code == "Neo.ClientError.Cluster.NotALeader" ||
			dbErr.Code == "Neo.ClientError.General.ForbiddenOnReadOnlyDatabase"
	}
	return errors.As(err, &connErr) || errors.As(err, &netErr) ||
		errors.Is(err, context.DeadlineExceeded)
}

// badBookmarks tells whether Neo4j refused the bookmarks of a read, which come from the client's
// consistency token: a token reach did not give.
func badBookmarks(err error) bool {
	var dbErr *neo4j.Neo4jError
	return errors.As(err, &dbErr) && strings.HasPrefix(dbErr.Code, "Neo.ClientError.Transaction.InvalidBookmark")
}

// Unavailable is ErrUnavailable with its own detail, for a service that cannot answer yet.
func Unavailable(detail string) error {
	return &Error{Kind: ErrUnavailable, Detail: detail, RetryAfter: UnavailableRetryAfter}
}

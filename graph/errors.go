package graph

import (
	"errors"
	"fmt"
	"time"
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
	// ErrUnsupported: this store does not answer the operation at all (the benchmark's peers
	// answer only part of what reach does); asking again will not help.
	ErrUnsupported = errors.New("not supported by this store")
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

func Fail(kind error, format string, args ...any) error {
	return &Error{Kind: kind, Detail: fmt.Sprintf(format, args...)}
}

func Refusal(kind error, reason Reason, detail string) *Error {
	return &Error{Kind: kind, Detail: detail, Reason: reason}
}

func MemberNotFound(id string) error { return Fail(ErrNotFound, "member %q not found", id) }

// Unavailable is ErrUnavailable with its own detail, for a service that cannot answer yet.
func Unavailable(detail string) error {
	return &Error{Kind: ErrUnavailable, Detail: detail, RetryAfter: UnavailableRetryAfter}
}

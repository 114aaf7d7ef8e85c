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
	ErrConflict         = errors.New("conflict")
	ErrUnprocessable    = errors.New("unprocessable")
	// ErrRefused: a messaging rule refuses the message; Error.Reason says which.
	ErrRefused = errors.New("refused")
	// ErrRateLimited: too many InMails; Error.RetryAfter says when one may be sent again.
	ErrRateLimited = errors.New("rate limited")
	// ErrIdempotencyConflict: an idempotency key reused for a different request.
	ErrIdempotencyConflict = errors.New("idempotency key reused")
)

// Error is a domain failure: Kind is one of the Err values above, Detail a sentence for the member.
// A messaging refusal also names the rule that decided and, when waiting helps, how long to wait.
type Error struct {
	Kind       error
	Detail     string
	Reason     Reason
	RetryAfter time.Duration
}

func (e *Error) Error() string { return e.Detail }

// Unwrap lets errors.Is match the kind.
func (e *Error) Unwrap() error { return e.Kind }

func fail(kind error, format string, args ...any) error {
	return &Error{Kind: kind, Detail: fmt.Sprintf(format, args...)}
}

func refusal(kind error, reason Reason, detail string) *Error {
	return &Error{Kind: kind, Detail: detail, Reason: reason}
}

func memberNotFound(id string) error { return fail(ErrNotFound, "member %q not found", id) }

// wrap adds the operation to a non-nil error, so a log line says where it came from; the domain
// kind stays reachable through errors.Is and errors.As.
func wrap(errp *error, format string, args ...any) {
	if *errp != nil {
		*errp = fmt.Errorf("%s: %w", fmt.Sprintf(format, args...), *errp)
	}
}

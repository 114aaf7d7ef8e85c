package graph

import (
	"errors"
	"fmt"
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
)

// Error is a domain failure: Kind is one of the Err values above, Detail a sentence for the member.
type Error struct {
	Kind   error
	Detail string
}

func (e *Error) Error() string { return e.Detail }

// Unwrap lets errors.Is match the kind.
func (e *Error) Unwrap() error { return e.Kind }

func fail(kind error, format string, args ...any) error {
	return &Error{Kind: kind, Detail: fmt.Sprintf(format, args...)}
}

func memberNotFound(id string) error { return fail(ErrNotFound, "member %q not found", id) }

// wrap adds the operation to a non-nil error, so a log line says where it came from; the domain
// kind stays reachable through errors.Is and errors.As.
func wrap(errp *error, format string, args ...any) {
	if *errp != nil {
		*errp = fmt.Errorf("%s: %w", fmt.Sprintf(format, args...), *errp)
	}
}

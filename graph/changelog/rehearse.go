package changelog

import (
	"context"
	"errors"
)

// ErrRehearsed is what Write returns for a rehearsal (Rehearsing): the work and its change ran,
// and were rolled back.
var ErrRehearsed = errors.New("rehearsed: rolled back")

type rehearsalKey struct{}

// Rehearsing marks ctx's writes as a rehearsal: Write runs the work and appends its change, so
// that Neo4j plans every statement of it, then rolls the transaction back instead of committing.
func Rehearsing(ctx context.Context) context.Context {
	return context.WithValue(ctx, rehearsalKey{}, true)
}

// IsRehearsal tells whether ctx is a rehearsal's (Rehearsing).
func IsRehearsal(ctx context.Context) bool {
	on, _ := ctx.Value(rehearsalKey{}).(bool)
	return on
}

package bolt

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strings"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
	"github.com/reach-network/reach/graph"
)

// wrap adds the operation to a non-nil error, so a log line says where it came from; the domain
// kind stays reachable through errors.Is and errors.As. A failure to reach Neo4j becomes
// ErrUnavailable here, so every store method reports an outage the same way, and bookmarks Neo4j
// refuses become ErrInvalidToken.
func Wrap(errp *error, format string, args ...any) {
	if *errp == nil {
		return
	}
	switch cause := *errp; {
	case unreachable(cause):
		*errp = &graph.Error{Kind: graph.ErrUnavailable, Detail: "the graph database is not answering; try again shortly",
			RetryAfter: graph.UnavailableRetryAfter, Cause: cause}
	case badBookmarks(cause):
		*errp = &graph.Error{Kind: graph.ErrInvalidToken, Detail: "the consistency token is not one reach gave", Cause: cause}
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
		errors.Is(err, context.DeadlineExceeded) || failedHandshake(err)
}

// failedHandshake tells whether a new connection's Bolt handshake got no usable answer, as from
// a server starting, stopping or too busy to answer it; the driver says so only in words, in
// one of two ways.
func failedHandshake(err error) bool {
	text := err.Error()
	return strings.Contains(text, "offered Bolt versions are supported") ||
		strings.Contains(text, "did not accept any of the requested Bolt versions")
}

// badBookmarks tells whether Neo4j refused the bookmarks of a read, which come from the client's
// consistency token: a token reach did not give.
func badBookmarks(err error) bool {
	var dbErr *neo4j.Neo4jError
	return errors.As(err, &dbErr) && strings.HasPrefix(dbErr.Code, "Neo.ClientError.Transaction.InvalidBookmark")
}

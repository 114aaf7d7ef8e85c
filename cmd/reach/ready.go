package main

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net"
	"syscall"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/reach-network/reach/graph"
)

// neo4jWatch is what keepReady asks of the service: pings on a connection of their own that say
// when Neo4j started (answer.Service.Started), the schema and planning statements.
type neo4jWatch interface {
	Started(ctx context.Context) (time.Time, error)
	Migrated() bool
	Migrate(ctx context.Context) error
	Restarted()
	Warm(ctx context.Context) (planned int, took time.Duration, err error)
	Rehearse(ctx context.Context) error
	Rehearsed() bool
}

// pingTimeout bounds one ping of keepReady's.
const pingTimeout = 2 * time.Second

// pingEvery is how long keepReady waits after a ping before the next.
var pingEvery = time.Second

// keepReady applies the schema as soon as Neo4j answers, and has Neo4j plan the statements of
// members' requests (neo4jstore.Store.Rehearse), then watches Neo4j until ctx is cancelled. When
// Neo4j answers again after going away, or answers having started again since the last ping (a
// restart too quick for any ping to fail), it has Neo4j plan reach's statements again before
// requests need them (neo4jstore.Store.Warm), so the first requests after an outage do not each
// give up on a cold Neo4j. A ping that is only slow, as under load, is not taken for Neo4j going
// away (pingWatch).
func keepReady(ctx context.Context, store neo4jWatch, log *slog.Logger) {
	var w pingWatch
	for {
		pingCtx, cancel := context.WithTimeout(ctx, pingTimeout)
		started, err := store.Started(pingCtx)
		cancel()
		switch {
		case err != nil:
			if w.failed(err) {
				log.Warn("Neo4j does not answer", "err", err, "gone", neo4jGone(err))
			}
		case !store.Migrated():
			w.answered(started) // nothing planned yet to plan again
			if err := store.Migrate(ctx); err != nil {
				log.Warn("schema not applied yet", "err", err)
				break
			}
			log.Info("schema applied; ready")
			rehearse(ctx, store, log)
		case !store.Rehearsed():
			w.answered(started)
			rehearse(ctx, store, log)
		case w.answered(started):
			log.Info("Neo4j answers again after going away or restarting; planning reach's statements")
			store.Restarted()
			planned, took, err := store.Warm(ctx)
			log.Info("statements planned", "planned", planned, "took", took, "err", err)
			if errors.Is(err, graph.ErrUnavailable) {
				// Not all planned (the pool may have held connections from before a restart):
				// again at the next answer.
				w.gone = true
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(pingEvery):
		}
	}
}

// rehearse has Neo4j plan the statements of members' requests (neo4jstore.Store.Rehearse); one
// that fails is tried again at keepReady's next ping.
func rehearse(ctx context.Context, store neo4jWatch, log *slog.Logger) {
	start := time.Now()
	if err := store.Rehearse(ctx); err != nil {
		log.Warn("members' requests not rehearsed yet", "err", err)
		return
	}
	log.Info("members' requests rehearsed, their statements planned", "took", time.Since(start))
}

// pingWatch decides, ping by ping, what keepReady does. Neo4j that went away (connections refused
// or cut, its database unavailable) may have restarted and forgotten its plans, so its statements
// are planned again once it answers; Neo4j that is only slow to answer, as under load, has
// forgotten nothing, and planning every statement again would only load it more.
type pingWatch struct {
	gone    bool      // Neo4j went away since it last answered a ping
	told    bool      // the log said Neo4j does not answer, and has not been told otherwise since
	started time.Time // when Neo4j started, as the last ping that could tell said
}

// failed takes a ping that failed with err, and tells whether to log it: the first failure since
// Neo4j last answered.
func (w *pingWatch) failed(err error) (tell bool) {
	w.gone = w.gone || neo4jGone(err)
	tell, w.told = !w.told, true
	return tell
}

// answered takes a ping that Neo4j answered, saying when it started (zero if it would not say), and
// tells whether to have it plan reach's statements again: only when it went away or started again
// since it last answered, never after pings that were only slow.
func (w *pingWatch) answered(started time.Time) (replan bool) {
	restarted := !started.IsZero() && !w.started.IsZero() && !started.Equal(w.started)
	replan = w.gone || restarted
	if !started.IsZero() {
		w.started = started
	}
	w.gone, w.told = false, false
	return replan
}

// neo4jGone tells whether a failed ping says Neo4j went away: a connection refused, reset or
// closed by the server, or the database unavailable, as while it stops and starts. A ping that
// was not answered in time, for want of a connection or of an answer, says only that Neo4j is
// slow, and neither does anything else it cannot tell apart (a wrong password, say).
func neo4jGone(err error) bool {
	var dbErr *neo4j.Neo4jError
	if errors.As(err, &dbErr) {
		return dbErr.Code == "Neo.TransientError.General.DatabaseUnavailable"
	}
	var connErr *neo4j.ConnectivityError
	if errors.As(err, &connErr) {
		err = connErr.Inner // the driver's wrapper does not unwrap
	}
	var netErr net.Error
	switch {
	case err == nil, errors.Is(err, context.DeadlineExceeded), errors.As(err, &netErr) && netErr.Timeout():
		return false
	case errors.Is(err, syscall.ECONNREFUSED), errors.Is(err, syscall.ECONNRESET), errors.Is(err, syscall.EPIPE),
		errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, net.ErrClosed):
		return true
	}
	// Anything else, such as the driver's own timeouts (waiting for a connection from the pool,
	// or for an answer on one, which do not unwrap), is taken for slowness.
	return false
}

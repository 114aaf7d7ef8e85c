package main

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"syscall"
	"testing"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/reach-network/reach/graph/neo4jstore"
)

// TestOverloadIsNotARestart checks keepReady's decision: pings that fail for want of time, as
// under load, never have Neo4j plan its statements again once it answers; pings that find it gone
// (connections refused, its database unavailable) do, once.
func TestOverloadIsNotARestart(t *testing.T) {
	slow := fmt.Errorf("ping: %w", context.DeadlineExceeded)
	refused := &neo4j.ConnectivityError{Inner: &net.OpError{Op: "dial", Net: "tcp", Err: syscall.ECONNREFUSED}}
	stopping := &neo4j.Neo4jError{Code: "Neo.TransientError.General.DatabaseUnavailable"}
	for _, tc := range []struct {
		name   string
		pings  []error
		replan bool
	}{
		{"Slow", []error{slow, slow, slow}, false},
		{"Refused", []error{refused}, true},
		{"Restarting", []error{stopping, slow}, true},
		{"SlowThenRefused", []error{slow, refused, slow}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var w pingWatch
			for i, err := range tc.pings {
				if tell := w.failed(err); tell != (i == 0) {
					t.Errorf("failure %d logged: %t, want only the first", i+1, tell)
				}
			}
			if got := w.answered(time.Time{}); got != tc.replan {
				t.Errorf("statements planned again: %t, want %t", got, tc.replan)
			}
			if w.answered(time.Time{}) {
				t.Error("planned again at the next answer too")
			}
			if !w.failed(slow) {
				t.Error("a failure after an answer was not logged")
			}
		})
	}
}

// TestPingFailuresAsTheDriverGivesThem checks neo4jGone on real pings (bolt.DB.Started, as
// keepReady makes them): to a port nothing listens on (refused: gone), and to a server that
// accepts connections and never answers (slow: not).
func TestPingFailuresAsTheDriverGivesThem(t *testing.T) {
	silent, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { silent.Close() })
	go func() {
		var held []net.Conn
		defer func() {
			for _, c := range held {
				c.Close()
			}
		}()
		for {
			c, err := silent.Accept()
			if err != nil {
				return
			}
			held = append(held, c)
		}
	}()
	closed, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	refusing := closed.Addr().String()
	closed.Close()
	for addr, gone := range map[string]bool{refusing: true, silent.Addr().String(): false} {
		db, err := neo4jstore.NewDB(neo4jstore.Config{URI: "bolt://" + addr})
		if err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
		_, err = db.Started(ctx)
		cancel()
		_ = db.Close(context.Background())
		if err == nil || neo4jGone(err) != gone {
			t.Errorf("ping of %s failed with %v: gone %t, want %t", addr, err, neo4jGone(err), gone)
		}
	}
}

// TestRestartBetweenPings checks that keepReady has Neo4j plan reach's statements again when a
// ping answers with another start time than the last, though no ping failed in between (a restart
// quicker than the pings), and only then: not while the start time stays the same, nor when Neo4j
// does not say when it started.
func TestRestartBetweenPings(t *testing.T) {
	before := time.UnixMilli(1_700_000_000_000)
	after := before.Add(time.Minute)
	for _, tc := range []struct {
		name   string
		starts []time.Time
		warms  int
	}{
		{"Same", []time.Time{before, before, before, before}, 0},
		{"Restarted", []time.Time{before, before, after, after}, 1},
		{"RestartedTwice", []time.Time{before, after, after, before}, 2},
		{"NotSaid", []time.Time{{}, {}, {}, {}}, 0},
		{"SaidOnlyAfter", []time.Time{{}, {}, after, after}, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			pingEvery = time.Millisecond
			t.Cleanup(func() { pingEvery = time.Second })
			neo := &startingNeo4j{starts: tc.starts, done: make(chan struct{})}
			ctx, cancel := context.WithCancel(context.Background())
			go func() { <-neo.done; cancel() }()
			keepReady(ctx, neo, slog.New(slog.DiscardHandler))
			if neo.warms != tc.warms || neo.restarts != tc.warms {
				t.Errorf("statements planned again %d times after forgetting %d times, want %d each", neo.warms, neo.restarts, tc.warms)
			}
		})
	}
}

// startingNeo4j is a Neo4j already migrated and rehearsed whose pings answer the start times
// given, one each, and then end the test's keepReady.
type startingNeo4j struct {
	starts   []time.Time
	warms    int
	restarts int // what a restarted Neo4j no longer holds forgotten
	done     chan struct{}
}

func (n *startingNeo4j) Started(ctx context.Context) (time.Time, error) {
	if len(n.starts) == 0 {
		close(n.done)
		<-ctx.Done()
		return time.Time{}, ctx.Err()
	}
	started := n.starts[0]
	n.starts = n.starts[1:]
	return started, nil
}

func (n *startingNeo4j) Warm(context.Context) (int, time.Duration, error) {
	if n.restarts != n.warms+1 {
		panic("statements planned again before what the restarted Neo4j lost was forgotten")
	}
	n.warms++
	return 1, 0, nil
}
func (n *startingNeo4j) Restarted()                     { n.restarts++ }
func (n *startingNeo4j) Migrated() bool                 { return true }
func (n *startingNeo4j) Migrate(context.Context) error  { return nil }
func (n *startingNeo4j) Rehearse(context.Context) error { return nil }
func (n *startingNeo4j) Rehearsed() bool                { return true }

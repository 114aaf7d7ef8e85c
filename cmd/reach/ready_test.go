package main

import (
	"context"
	"fmt"
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
			if got := w.answered(); got != tc.replan {
				t.Errorf("statements planned again: %t, want %t", got, tc.replan)
			}
			if w.answered() {
				t.Error("planned again at the next answer too")
			}
			if !w.failed(slow) {
				t.Error("a failure after an answer was not logged")
			}
		})
	}
}

// TestPingFailuresAsTheDriverGivesThem checks neo4jGone on real pings: to a port nothing listens
// on (refused: gone), and to a server that accepts connections and never answers (slow: not).
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
		err = db.Ping(ctx)
		cancel()
		_ = db.Close(context.Background())
		if err == nil || neo4jGone(err) != gone {
			t.Errorf("ping of %s failed with %v: gone %t, want %t", addr, err, neo4jGone(err), gone)
		}
	}
}

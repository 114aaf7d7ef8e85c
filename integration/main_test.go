// Package integration tests reach end to end: its HTTP API, served in-process, against a real
// Neo4j. TestMain uses the server NEO4J_URI names (make test starts the local one), or else starts
// neo4j:5.26-community with testcontainers where Docker is available.
package integration

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/http/httptest"
	"os"
	"sync/atomic"
	"testing"
	"time"

	"github.com/reach-network/reach/api"
	"github.com/reach-network/reach/graph/answer"
	"github.com/reach-network/reach/graph/changelog"
	"github.com/reach-network/reach/graph/neo4jstore"
)

// testSecret signs the tokens of every test request.
var testSecret = []byte("integration-test-secret-0123456789")

// env is what every test shares: the store, the API served over it, and the store's clock.
var env struct {
	store    *answer.Service
	baseURL  string
	neo4jURI string
	clock    testClock
}

// testClock is the real time plus an offset that tests move forward (never back) to reach the end
// of a time window, such as a month of InMail credits or 90 days for a refund. Every test sees
// the same clock, so none runs in parallel with another.
type testClock struct{ offset atomic.Int64 }

func (c *testClock) now() time.Time { return time.Now().Add(time.Duration(c.offset.Load())) }

// advance moves the store's clock forward by d.
func (c *testClock) advance(d time.Duration) { c.offset.Add(int64(d)) }

func TestMain(m *testing.M) {
	os.Exit(runTests(m))
}

func runTests(m *testing.M) int {
	flag.Parse()
	ctx := context.Background()
	cfg := neo4jstore.Config{
		URI:      os.Getenv("NEO4J_URI"),
		User:     os.Getenv("NEO4J_USER"),
		Password: os.Getenv("NEO4J_PASSWORD"),
		Database: os.Getenv("NEO4J_DATABASE"),
		Clock:    env.clock.now,
		// Bulk loads of generated networks retry deadlocks between their parallel batches for
		// longer than a request may (TestOutage checks requests' bounds in a process of its own).
		Pool: neo4jstore.Pool{RetryTime: 30 * time.Second},
	}
	if cfg.URI == "" {
		uri, stop, err := startContainer(ctx)
		if err != nil {
			fmt.Fprintf(os.Stderr, "integration: NEO4J_URI is not set and no Neo4j container could be started (%v).\n"+
				"Run `make test`, which starts a local Neo4j, or set NEO4J_URI.\n", err)
			return 1
		}
		defer stop()
		cfg.URI = uri
	}
	openCtx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	store, err := neo4jstore.Open(openCtx, cfg)
	if err != nil {
		fmt.Fprintln(os.Stderr, "integration:", err)
		return 1
	}
	defer store.Close(ctx)
	if err := store.Migrate(openCtx); err != nil {
		fmt.Fprintln(os.Stderr, "integration:", err)
		return 1
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	if testing.Verbose() {
		log = slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	}
	tokens, err := api.HS256(testSecret)
	if err != nil {
		fmt.Fprintln(os.Stderr, "integration:", err)
		return 1
	}
	// Tests act as a few members at machine speed: per-member limits are tested on a server of
	// their own (TestRateLimit).
	unlimited := api.RateLimit{PerSecond: 1e6, Burst: 1e6}
	// Deadlines as generous: a loaded test machine is not an outage (TestOutage has its own).
	patient := api.Timeouts{Read: 30 * time.Second, Write: 30 * time.Second}
	if contract, err = newContractChecker(); err != nil {
		fmt.Fprintln(os.Stderr, "integration: api/openapi.yaml:", err)
		return 1
	}
	svc := answer.New(store, answer.Options{})
	events := api.NewEvents()
	srv := httptest.NewServer(contract.wrap(api.New(api.Everything(svc), api.Config{Tokens: tokens, Logger: log, RateLimit: unlimited,
		Timeouts: patient, Events: events})))
	defer srv.Close()
	env.store, env.baseURL, env.neo4jURI = svc, srv.URL, cfg.URI
	// The store keeps its in-memory projection, as `reach serve` does, so that reachability
	// reads in the default mode are answered from memory.
	keepCtx, stopKeeping := context.WithCancel(ctx)
	defer stopKeeping()
	go svc.KeepProjection(keepCtx, changelog.ProjectionEvents{Told: events.Tell,
		Failed: func(err error) { log.Warn("projection not current", "err", err) }})
	for deadline := time.Now().Add(time.Minute); !svc.ProjectionStats().Loaded; time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			fmt.Fprintln(os.Stderr, "integration: the projection did not load in a minute")
			return 1
		}
	}
	code := m.Run()
	// Exchanges no test claimed (requests sent without client.send) fail the run.
	if failures := contract.unclaimed(); len(failures) > 0 {
		for _, f := range failures {
			fmt.Fprintln(os.Stderr, "integration: not as api/openapi.yaml says:", f)
		}
		code = 1
	}
	return code
}

// openService opens a store of its own on the test Neo4j, with the answering service over it, as
// another replica would; its projection stays unloaded (every read asks Neo4j) until the test
// keeps it.
func openService(ctx context.Context, cfg neo4jstore.Config, opts ...answer.Options) (*answer.Service, error) {
	s, err := neo4jstore.Open(ctx, cfg)
	if err != nil {
		return nil, err
	}
	return answer.New(s, append(opts, answer.Options{})[0]), nil
}

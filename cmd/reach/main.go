// Command reach serves the reach API and runs its chores: schema migration, seeding (the demo
// network, or a generated one of any size) and token minting.
//
//	reach serve                         apply the schema, then serve the API
//	reach migrate                       apply the schema
//	reach seed                          load the demo network when the graph is empty
//	reach seed --members N [--avg-degree D] [--seed S] [--out DIR] [--batch B] [--workers W] [--prefix P]
//	                                    generate a network of N members and load it into an empty
//	                                    graph, or write it to DIR as CSV files for neo4j-admin import
//	reach token <member-id> [--admin]   print a signed token
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"net/http"
	"net/http/pprof"
	"os"
	"os/signal"
	"slices"
	"strings"
	"syscall"
	"time"

	"golang.org/x/term"

	"github.com/reach-network/reach/api"
	"github.com/reach-network/reach/graph/answer"
	"github.com/reach-network/reach/graph/changelog"
	"github.com/reach-network/reach/graph/neo4jstore"
	"github.com/reach-network/reach/seed"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout, os.Getenv); err != nil {
		fmt.Fprintln(os.Stderr, "reach:", err)
		os.Exit(1)
	}
}

const usage = `usage:
  reach serve                         apply the schema, then serve the API
  reach migrate                       apply the schema
  reach seed                          load the demo network when the graph is empty
  reach seed --members N [--avg-degree D] [--seed S] [--out DIR] [--batch B] [--workers W] [--prefix P]
                                      generate a network and load it, or write it as CSV files
  reach token <member-id> [--admin] [--ttl 24h]   print a signed token`

// run carries out one command; it returns when the command is done or ctx is cancelled.
func run(ctx context.Context, args []string, out io.Writer, getenv func(string) string) error {
	if len(args) == 0 {
		return errors.New(usage)
	}
	cfg, err := loadConfig(getenv)
	if err != nil {
		return err
	}
	log := slog.New(api.LogHandler(slog.NewJSONHandler(os.Stderr, &slog.HandlerOptions{Level: cfg.LogLevel})))
	switch args[0] {
	case "serve":
		return serve(ctx, cfg, log)
	case "migrate":
		return withStore(ctx, cfg, log, func(s *neo4jstore.Store) error { return s.Migrate(ctx) })
	case "seed":
		return seedCommand(ctx, cfg, log, args[1:], out)
	case "token":
		return token(cfg, args[1:], out)
	default:
		return fmt.Errorf("unknown command %q\n%s", args[0], usage)
	}
}

// serve serves the API until ctx is cancelled, then lets requests in flight finish before
// closing the driver. It starts whether or not Neo4j answers: until Neo4j has answered and the
// schema is applied, /readyz and every /v1 route answer 503, and reach recovers by itself once
// Neo4j is back. /readyz answers 503 until the projection is loaded too, unless
// REACH_SERVE_WHILE_LOADING is set.
func serve(ctx context.Context, cfg config, log *slog.Logger) error {
	tokens, err := cfg.TokenAuth.verifier(ctx)
	if err != nil {
		return err
	}
	log.Info("config", "settings", cfg.String())
	store, err := neo4jstore.New(cfg.Neo4j)
	if err != nil {
		return err
	}
	defer store.Close(context.WithoutCancel(ctx))
	// The projection's tailer and the pings have a driver and pool of their own: requests waiting
	// for the store's connections under load must not hold back the projection's freshness, nor
	// look like Neo4j going away.
	tail, err := neo4jstore.NewDB(cfg.tailNeo4j())
	if err != nil {
		return err
	}
	defer tail.Close(context.WithoutCancel(ctx))
	opts := cfg.Answer
	opts.Tail = tail
	svc := answer.New(store, opts)
	stopTracing, err := startTracing(ctx)
	if err != nil {
		return err
	}
	defer stopTracing()
	// keepReady applies the schema; the projection and the tending of the log wait for it.
	go keepReady(ctx, svc, log)
	go tendLog(ctx, svc, cfg.Retention, log)
	// The members' event streams hear of the events of the changes the tailer applies.
	events := api.NewEvents()
	kept := make(chan struct{})
	keepCtx, stopKeeping := context.WithCancel(ctx)
	go func() {
		defer close(kept)
		svc.KeepProjection(keepCtx, projectionEvents(log, events))
	}()
	// On the way out, the projection is saved (when there is a snapshot path) before the driver closes.
	defer func() {
		stopKeeping()
		select {
		case <-kept:
		case <-time.After(time.Minute):
			log.Warn("the projection was not saved within a minute")
		}
	}()
	dev, err := devTokens(cfg, log)
	if err != nil {
		return err
	}
	srv := &http.Server{
		Addr: cfg.Addr,
		Handler: api.New(api.Everything(svc), api.Config{Tokens: tokens, Logger: log,
			Timeouts: cfg.Timeouts, RateLimit: cfg.RateLimit, Events: events, DevTokens: dev,
			AwaitProjection: !cfg.ServeWhileLoading, StalenessBound: cfg.Answer.Freshness.OrDefaults().Bound}),
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       readTimeout,
		WriteTimeout:      cfg.writeTimeout(),
		IdleTimeout:       2 * time.Minute,
	}
	// Event streams last as long as their clients: Shutdown, which waits for requests to end,
	// ends them first.
	srv.RegisterOnShutdown(events.Close)
	errc := make(chan error, 1)
	go func() { errc <- srv.ListenAndServe() }()
	log.Info("serving", "addr", cfg.Addr)
	if cfg.DebugAddr != "" {
		go serveDebug(cfg.DebugAddr, log)
	}
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	log.Info("shutting down")
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	return srv.Shutdown(shutdownCtx)
}

// devTokens is what the console may mint tokens with when REACH_DEV_TOKENS is on: the shared
// secret, for the demo network's members; off otherwise. It needs REACH_JWT_SECRET, since reach
// signs tokens for no identity provider.
func devTokens(cfg config, log *slog.Logger) (api.DevTokens, error) {
	if !cfg.DevTokens {
		return api.DevTokens{}, nil
	}
	if cfg.TokenAuth.Secret == "" {
		return api.DevTokens{}, errors.New("REACH_DEV_TOKENS needs REACH_JWT_SECRET: reach mints development tokens with it")
	}
	log.Warn("development tokens are on: whoever reaches /console may act as any member")
	var members []api.DevMember
	for _, m := range seed.Demo().Members {
		members = append(members, api.DevMember{ID: m.ID, Name: m.Name})
	}
	mint := func(member string, ttl time.Duration) (string, error) { return cfg.TokenAuth.issue(member, false, ttl) }
	return api.DevTokens{Mint: mint, Members: members}, nil
}

// projectionEvents logs the projection's loads, failures and snapshots, and hands the events of
// the changes it applies to the streams; a load ends the streams, whose clients resume from the log.
func projectionEvents(log *slog.Logger, events *api.Events) changelog.ProjectionEvents {
	return changelog.ProjectionEvents{
		Loaded: func(l changelog.ProjectionLoad) {
			log.Info("projection loaded; reachability answers from memory", "from", l.From,
				"members", l.Members, "connections", l.Connections, "took", l.Took)
			events.EndAll()
		},
		Reloading: func(why error) {
			log.Info("projection reloading; reads answer from Neo4j until it is loaded", "why", why)
		},
		Told:   events.Tell,
		Failed: func(err error) { log.Warn("projection not current", "err", err) },
		Saved: func(path string, took time.Duration, err error) {
			if err != nil {
				log.Warn("projection snapshot not saved", "path", path, "err", err)
				return
			}
			log.Info("projection snapshot saved", "path", path, "took", took)
		},
	}
}

// serveDebug serves Go's profiler (net/http/pprof) on addr, apart from the API and with no token:
// bind it to loopback. It is how docs/performance.md profiles where a request's time goes.
func serveDebug(addr string, log *slog.Logger) {
	mux := http.NewServeMux()
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	log.Info("serving the profiler", "addr", addr)
	srv := &http.Server{Addr: addr, Handler: mux, ReadHeaderTimeout: 5 * time.Second}
	if err := srv.ListenAndServe(); err != nil {
		log.Warn("profiler stopped", "err", err)
	}
}

// abandonedImport is how long an online import may write no batch before serve takes it for
// abandoned (its process ended without ending it) and has replicas read everything again.
const abandonedImport = 5 * time.Minute

// tendLog, every minute once the schema is applied, deletes the changes of the log older than
// retention, and ends an online import abandoned for abandonedImport.
func tendLog(ctx context.Context, store *answer.Service, retention time.Duration, log *slog.Logger) {
	select {
	case <-store.SchemaApplied():
	case <-ctx.Done():
		return
	}
	tick := time.NewTicker(time.Minute)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
		if n, err := store.PruneChanges(ctx, retention); err != nil {
			log.Warn("change log not pruned", "err", err)
		} else if n > 0 {
			log.Info("change log pruned", "changes", n, "older_than", retention)
		}
		if ended, err := store.EndAbandonedImport(ctx, abandonedImport); err != nil {
			log.Warn("abandoned imports not looked for", "err", err)
		} else if ended {
			log.Warn("an online import wrote nothing for a while and was ended; replicas read everything again", "idle", abandonedImport)
		}
	}
}

// withStore opens the store, waiting up to a minute for Neo4j to come up, runs fn and closes it.
func withStore(ctx context.Context, cfg config, log *slog.Logger, fn func(*neo4jstore.Store) error) error {
	log.Info("config", "settings", cfg.String())
	store, err := neo4jstore.New(cfg.Neo4j)
	if err != nil {
		return err
	}
	defer store.Close(context.WithoutCancel(ctx))
	waitCtx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	for {
		if err = store.Ping(waitCtx); err == nil {
			break
		}
		log.Warn("neo4j not ready, retrying", "err", err)
		select {
		case <-waitCtx.Done():
			return fmt.Errorf("neo4j at %s did not answer: %w", cfg.Neo4j.URI, err)
		case <-time.After(2 * time.Second):
		}
	}
	return fn(store)
}

// seedCommand loads the demo network or, with --members, generates a network and loads it or
// writes it as CSV files. Progress goes to out: a bar on a terminal, a line every few seconds
// otherwise; at the end, each phase's rows per second.
func seedCommand(ctx context.Context, cfg config, log *slog.Logger, args []string, out io.Writer) error {
	fs := flag.NewFlagSet("seed", flag.ContinueOnError)
	members := fs.Int("members", 0, "generate a network of this many members instead of loading the demo network")
	degree := fs.Float64("avg-degree", 100, "mean number of connections per member of the generated network")
	seedValue := fs.Uint64("seed", 1, "seed of the generated network: the same seed makes the same network")
	dir := fs.String("out", "", "write the generated network into this directory as CSV files for neo4j-admin import, instead of loading it")
	batch := fs.Int("batch", seed.DefaultBatchSize, "rows per transaction when loading")
	workers := fs.Int("workers", seed.DefaultWorkers, "transactions in flight when loading")
	prefix := fs.String("prefix", "", "put before every generated id, to load beside members already in the graph")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("seed takes no arguments, only flags; got %q", fs.Args())
	}
	if *members == 0 {
		var set []string
		fs.Visit(func(f *flag.Flag) { set = append(set, "--"+f.Name) })
		if len(set) > 0 {
			return fmt.Errorf("%s only apply with --members", strings.Join(set, ", "))
		}
		return withStore(ctx, cfg, log, func(s *neo4jstore.Store) error { return seedDemo(ctx, s, out) })
	}
	meter := seed.NewMeter(out, isTerminal(out), 5*time.Second)
	spec := seed.Spec{Members: *members, AvgDegree: *degree, Seed: *seedValue, IDPrefix: *prefix}
	if *dir != "" {
		return writeGenerated(spec, *dir, meter, out)
	}
	// A bulk load's parallel batches deadlock now and then and are retried: give them longer than
	// a request's write timeout.
	cfg.Neo4j.Pool.RetryTime = max(cfg.Neo4j.Pool.RetryTime, bulkRetryTime)
	return withStore(ctx, cfg, log, func(s *neo4jstore.Store) error {
		return loadGenerated(ctx, s, spec, seed.ImportOptions{BatchSize: *batch, Workers: *workers, Progress: meter}, meter, out)
	})
}

// bulkRetryTime is how long a bulk load retries a batch after transient failures.
const bulkRetryTime = time.Minute

// writeGenerated generates a network and writes it into dir as CSV files.
func writeGenerated(spec seed.Spec, dir string, meter *seed.Meter, out io.Writer) error {
	g, err := seed.Generate(spec, meter)
	if err != nil {
		return err
	}
	files, err := g.WriteCSV(dir, meter)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "\nwrote %s:\n", dir)
	var total int64
	for _, f := range files {
		total += f.Bytes
		fmt.Fprintf(out, "  %-16s %12d rows %10.1f MiB\n", f.Name, f.Rows, float64(f.Bytes)/(1<<20))
	}
	fmt.Fprintf(out, "  %-16s %12s      %10.1f MiB\n\n", "total", "", float64(total)/(1<<20))
	meter.Summary(out)
	return nil
}

// loadGenerated generates a network and loads it through the store's bulk import, into an empty
// graph or, when the network's ids carry a prefix, beside the members already there.
func loadGenerated(ctx context.Context, store *neo4jstore.Store, spec seed.Spec, opts seed.ImportOptions, meter *seed.Meter, out io.Writer) error {
	if err := store.Migrate(ctx); err != nil {
		return err
	}
	n, err := store.CountMembers(ctx)
	if err != nil {
		return err
	}
	if n > 0 && spec.IDPrefix == "" {
		return fmt.Errorf("the graph already holds %d members; a generated network loads into an empty graph, or beside them with --prefix", n)
	}
	g, err := seed.Generate(spec, meter)
	if err != nil {
		return err
	}
	retries, err := g.Import(ctx, store, opts)
	if err != nil {
		return err
	}
	c := g.Counts()
	fmt.Fprintf(out, "\nloaded %d members, %d connections, %d blocks, %d invitations, %d messages, %d conversation sides archived or muted, "+
		"%d declines, %d reports, %d organisations, %d groups, %d positions, %d group memberships (batches of %d rows, %d workers)\n",
		c.Members, c.Connections, c.Blocks, c.Invitations, c.Messages, c.Sides, c.Declines, c.Reports,
		c.Organisations, c.Groups, c.Positions, c.Memberships, opts.BatchSize, opts.Workers)
	for _, name := range slices.Sorted(maps.Keys(retries)) {
		if retries[name] > 0 {
			fmt.Fprintf(out, "%s: %d transactions retried after transient errors (deadlocks)\n", name, retries[name])
		}
	}
	fmt.Fprintln(out)
	meter.Summary(out)
	return nil
}

// isTerminal reports whether w is a terminal.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// seedDemo loads the demo network when the graph has no members.
func seedDemo(ctx context.Context, store *neo4jstore.Store, out io.Writer) error {
	if err := store.Migrate(ctx); err != nil {
		return err
	}
	n, err := store.CountMembers(ctx)
	if err != nil {
		return err
	}
	if n > 0 {
		fmt.Fprintf(out, "graph already holds %d members; demo not loaded\n", n)
		return nil
	}
	demo := seed.Demo()
	if err := seed.Load(ctx, store, demo); err != nil {
		return err
	}
	fmt.Fprintf(out, "loaded the demo network: %d members, %d connections\n", len(demo.Members), len(demo.Connections))
	return nil
}

// token prints a signed token for a member.
func token(cfg config, args []string, out io.Writer) error {
	fs := flag.NewFlagSet("token", flag.ContinueOnError)
	admin := fs.Bool("admin", false, "give the token the admin role")
	ttl := fs.Duration("ttl", 24*time.Hour, "how long the token is valid")
	if len(args) == 0 {
		return errors.New("usage: reach token <member-id> [--admin] [--ttl 24h]")
	}
	id := args[0]
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	tok, err := cfg.TokenAuth.issue(id, *admin, *ttl)
	if err != nil {
		return err
	}
	fmt.Fprintln(out, tok)
	return nil
}

// Command reach serves the reach API and runs its chores: schema migration, demo seeding and
// token minting.
//
//	reach serve                         apply the schema, then serve the API
//	reach migrate                       apply the schema
//	reach seed                          load the demo network when the graph is empty
//	reach token <member-id> [--admin]   print a signed token
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/reach-network/reach/api"
	"github.com/reach-network/reach/graph"
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
	log := slog.New(slog.NewTextHandler(os.Stderr, nil))
	switch args[0] {
	case "serve":
		return serve(ctx, cfg, log)
	case "migrate":
		return withStore(ctx, cfg, log, func(s *graph.Store) error { return s.Migrate(ctx) })
	case "seed":
		return withStore(ctx, cfg, log, func(s *graph.Store) error { return seedDemo(ctx, s, out) })
	case "token":
		return token(cfg, args[1:], out)
	default:
		return fmt.Errorf("unknown command %q\n%s", args[0], usage)
	}
}

// serve applies the schema and serves the API until ctx is cancelled, then lets requests in
// flight finish before closing the driver.
func serve(ctx context.Context, cfg config, log *slog.Logger) error {
	if err := cfg.requireSecret(); err != nil {
		return err
	}
	return withStore(ctx, cfg, log, func(store *graph.Store) error {
		if err := store.Migrate(ctx); err != nil {
			return err
		}
		srv := &http.Server{
			Addr:              cfg.Addr,
			Handler:           api.New(store, api.Config{JWTSecret: []byte(cfg.JWTSecret), Logger: log}),
			ReadHeaderTimeout: 5 * time.Second,
			ReadTimeout:       15 * time.Second,
			WriteTimeout:      30 * time.Second,
			IdleTimeout:       2 * time.Minute,
		}
		errc := make(chan error, 1)
		go func() { errc <- srv.ListenAndServe() }()
		log.Info("serving", "addr", cfg.Addr)
		select {
		case err := <-errc:
			return err
		case <-ctx.Done():
		}
		log.Info("shutting down")
		shutdownCtx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
		defer cancel()
		return srv.Shutdown(shutdownCtx)
	})
}

// withStore opens the store, waiting up to a minute for Neo4j to come up, runs fn and closes it.
func withStore(ctx context.Context, cfg config, log *slog.Logger, fn func(*graph.Store) error) error {
	log.Info("config", "settings", cfg.String())
	waitCtx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	var store *graph.Store
	for {
		var err error
		if store, err = graph.Open(waitCtx, cfg.Neo4j); err == nil {
			break
		}
		log.Warn("neo4j not ready, retrying", "err", err)
		select {
		case <-waitCtx.Done():
			return fmt.Errorf("neo4j at %s did not answer: %w", cfg.Neo4j.URI, err)
		case <-time.After(2 * time.Second):
		}
	}
	defer store.Close(context.Background())
	return fn(store)
}

// seedDemo loads the demo network when the graph has no members.
func seedDemo(ctx context.Context, store *graph.Store, out io.Writer) error {
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
	if err := cfg.requireSecret(); err != nil {
		return err
	}
	tok, err := api.IssueToken([]byte(cfg.JWTSecret), id, *admin, *ttl)
	if err != nil {
		return err
	}
	fmt.Fprintln(out, tok)
	return nil
}

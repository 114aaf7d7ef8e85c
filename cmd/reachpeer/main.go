// Command reachpeer runs the benchmark's PostgreSQL peer (package bench/pgpeer): what a team
// would build instead of reach, on the same network and rules.
//
//	reachpeer load DIR   replace the peer's tables with the CSV files `reach seed --out DIR` wrote
//	reachpeer serve      serve reachability, sends, mailboxes and mutual connections behind reach's HTTP stack
//
// Environment: REACH_POSTGRES_URL (postgres://..., required), REACH_PEER_ADDR (127.0.0.1:8090),
// REACH_POSTGRES_POOL (pgpeer.DefaultPoolSize), and as for reach serve: REACH_JWT_SECRET,
// REACH_RATE_LIMIT, REACH_RATE_BURST, REACH_READ_TIMEOUT, REACH_LOG_LEVEL, REACH_REQUESTS_MONTHLY,
// REACH_INMAIL_DAILY_LIMIT, REACH_BLAST_LIMIT.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"os/signal"
	"strconv"
	"syscall"
	"time"

	"github.com/reach-network/reach/api"
	"github.com/reach-network/reach/bench/pgpeer"
)

const usage = `usage:
  reachpeer load DIR   replace the peer's tables with the CSV files of reach seed --out DIR
  reachpeer serve      serve reachability from PostgreSQL behind reach's HTTP stack`

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout, os.Getenv); err != nil {
		fmt.Fprintln(os.Stderr, "reachpeer:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string, out io.Writer, getenv func(string) string) error {
	url := getenv("REACH_POSTGRES_URL")
	switch {
	case len(args) == 0:
		return errors.New(usage)
	case url == "":
		return errors.New("REACH_POSTGRES_URL is not set")
	case args[0] == "load" && len(args) == 2:
		return pgpeer.LoadCSV(ctx, url, args[1], out)
	case args[0] == "serve" && len(args) == 1:
		cfg, err := loadConfig(getenv)
		if err != nil {
			return err
		}
		return serve(ctx, url, cfg)
	default:
		return errors.New(usage)
	}
}

// config is what serve reads from the environment, with reach serve's defaults.
type config struct {
	addr     string
	pool     int
	requests int // message requests a member may send a month
	inmails  int // InMails a member may send a day
	blast    int // members one InMail body may go to a day
	secret   []byte
	rate     api.RateLimit
	timeouts api.Timeouts
	logLevel slog.Level
}

func loadConfig(getenv func(string) string) (config, error) {
	c := config{addr: "127.0.0.1:8090", secret: []byte(getenv("REACH_JWT_SECRET"))}
	if v := getenv("REACH_PEER_ADDR"); v != "" {
		c.addr = v
	}
	var errs []error
	number := func(key string) float64 {
		v := getenv(key)
		if v == "" {
			return 0
		}
		n, err := strconv.ParseFloat(v, 64)
		if err != nil || n <= 0 {
			errs = append(errs, fmt.Errorf("%s must be a positive number, not %q", key, v))
		}
		return n
	}
	c.pool = int(number("REACH_POSTGRES_POOL"))
	c.requests = int(number("REACH_REQUESTS_MONTHLY"))
	c.inmails = int(number("REACH_INMAIL_DAILY_LIMIT"))
	c.blast = int(number("REACH_BLAST_LIMIT"))
	c.rate = api.RateLimit{PerSecond: number("REACH_RATE_LIMIT"), Burst: int(number("REACH_RATE_BURST"))}
	if v := getenv("REACH_READ_TIMEOUT"); v != "" {
		d, err := time.ParseDuration(v)
		errs = append(errs, err)
		c.timeouts.Read = d
	}
	if v := getenv("REACH_LOG_LEVEL"); v != "" {
		errs = append(errs, c.logLevel.UnmarshalText([]byte(v)))
	}
	return c, errors.Join(errs...)
}

// serve serves the peer until ctx is cancelled, then lets requests in flight finish.
func serve(ctx context.Context, url string, cfg config) error {
	tokens, err := api.HS256(cfg.secret)
	if err != nil {
		return fmt.Errorf("REACH_JWT_SECRET: %w", err)
	}
	log := slog.New(api.LogHandler(slog.NewJSONHandler(os.Stderr, &slog.HandlerOptions{Level: cfg.logLevel})))
	peer, err := pgpeer.Open(ctx, url, pgpeer.Options{PoolSize: cfg.pool, RequestsMonthly: cfg.requests,
		InMailsPerDay: cfg.inmails, BlastLimit: cfg.blast})
	if err != nil {
		return err
	}
	defer peer.Close()
	srv := &http.Server{
		Addr:              cfg.addr,
		Handler:           peer.Handler(api.Config{Tokens: tokens, Logger: log, RateLimit: cfg.rate, Timeouts: cfg.timeouts}),
		ReadHeaderTimeout: 5 * time.Second,
		IdleTimeout:       2 * time.Minute,
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.ListenAndServe() }()
	log.Info("serving", "addr", cfg.addr)
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	return srv.Shutdown(shutdownCtx)
}

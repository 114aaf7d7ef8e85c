package main

import (
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"time"

	"github.com/reach-network/reach/api"
	"github.com/reach-network/reach/graph"
	"github.com/reach-network/reach/graph/answer"
	"github.com/reach-network/reach/graph/changelog"
	"github.com/reach-network/reach/graph/neo4jstore"
	"github.com/reach-network/reach/graph/projection"
)

// config is everything reach reads from its environment.
type config struct {
	Addr      string // REACH_ADDR
	TokenAuth tokenConfig
	Neo4j     neo4jstore.Config
	Answer    answer.Options // REACH_PROJECTION_SNAPSHOT, REACH_CHANGELOG_INTERVAL, REACH_FALLBACK_CONCURRENCY, ...
	Timeouts  api.Timeouts   // REACH_READ_TIMEOUT, REACH_WRITE_TIMEOUT
	RateLimit api.RateLimit  // REACH_RATE_LIMIT, REACH_RATE_BURST
	LogLevel  slog.Level     // REACH_LOG_LEVEL
	Retention time.Duration  // REACH_CHANGELOG_RETENTION
	DebugAddr string         // REACH_DEBUG_ADDR: where Go's profiler listens; empty for nowhere
	// DevTokens (REACH_DEV_TOKENS=1) lets the console mint tokens for any member: make run only.
	DevTokens bool
	// ServeWhileLoading (REACH_SERVE_WHILE_LOADING=1) has /readyz answer 200 before the
	// projection is loaded, once Neo4j answers and the schema is applied: reads go to Neo4j
	// (within the fallback cap) until it is.
	ServeWhileLoading bool
}

// readTimeout bounds reading a request, body included; the server's write timeout is set past
// it and past the longest request deadline, so that every answer is delivered.
const readTimeout = 15 * time.Second

// writeTimeout is how long the server gives a request from its headers to its answer.
func (c config) writeTimeout() time.Duration {
	return readTimeout + c.Timeouts.Longest() + 5*time.Second
}

// tailPoolSize sizes the pool of the driver the projection's tailer and the pings use
// (answer.Options.Tail): a load reads two ranges of members at once; pruning the log, the pings
// and readiness checks take one each.
const tailPoolSize = 6

// tailNeo4j is the store's configuration with the tailer's small pool.
func (c config) tailNeo4j() neo4jstore.Config {
	out := c.Neo4j
	out.Pool.Size = tailPoolSize
	out.Pool.Reads, out.Pool.Writes = 0, 0 // the tail is never shed: it keeps memory answering
	return out
}

// localNeo4j is the Neo4j that `make up` starts when NEO4J_URI is not set.
const localNeo4j = "bolt://127.0.0.1:7687"

// loadConfig reads the environment through getenv, filling in defaults.
func loadConfig(getenv func(string) string) (config, error) {
	or := func(key, def string) string {
		if v := getenv(key); v != "" {
			return v
		}
		return def
	}
	var errs []error
	number := func(key string, def int) int {
		raw := getenv(key)
		if raw == "" {
			return def
		}
		n, err := strconv.Atoi(raw)
		if err != nil || n < 1 {
			errs = append(errs, fmt.Errorf("%s must be a whole number of at least 1, not %q", key, raw))
		}
		return n
	}
	duration := func(key string, def time.Duration) time.Duration {
		raw := getenv(key)
		if raw == "" {
			return def
		}
		d, err := time.ParseDuration(raw)
		if err != nil || d <= 0 || d > time.Minute {
			errs = append(errs, fmt.Errorf("%s must be a duration between 1ms and 1m, such as 5s, not %q", key, raw))
		}
		return d
	}
	hours := func(key string, def time.Duration) time.Duration {
		raw := getenv(key)
		if raw == "" {
			return def
		}
		d, err := time.ParseDuration(raw)
		if err != nil || d < time.Minute {
			errs = append(errs, fmt.Errorf("%s must be a duration of at least 1m, such as 1h, not %q", key, raw))
		}
		return d
	}
	boolean := func(key string) bool {
		switch raw := getenv(key); raw {
		case "", "0", "false":
			return false
		case "1", "true":
			return true
		default:
			errs = append(errs, fmt.Errorf("%s must be 1 or 0, not %q", key, raw))
			return false
		}
	}
	var level slog.Level
	if err := level.UnmarshalText([]byte(or("REACH_LOG_LEVEL", "info"))); err != nil {
		errs = append(errs, fmt.Errorf("REACH_LOG_LEVEL must be debug, info, warn or error, not %q", getenv("REACH_LOG_LEVEL")))
	}
	timeouts := api.Timeouts{
		Read:  duration("REACH_READ_TIMEOUT", api.DefaultTimeouts.Read),
		Write: duration("REACH_WRITE_TIMEOUT", api.DefaultTimeouts.Write),
	}
	cfg := config{
		Timeouts: timeouts,
		RateLimit: api.RateLimit{
			PerSecond: float64(number("REACH_RATE_LIMIT", int(api.DefaultRateLimit.PerSecond))),
			Burst:     number("REACH_RATE_BURST", api.DefaultRateLimit.Burst),
		},
		LogLevel:          level,
		Retention:         hours("REACH_CHANGELOG_RETENTION", time.Hour),
		Addr:              or("REACH_ADDR", ":8080"),
		DebugAddr:         getenv("REACH_DEBUG_ADDR"),
		DevTokens:         boolean("REACH_DEV_TOKENS"),
		ServeWhileLoading: boolean("REACH_SERVE_WHILE_LOADING"),
		TokenAuth:         loadTokenConfig(getenv),
		Answer: answer.Options{
			Snapshot:            getenv("REACH_PROJECTION_SNAPSHOT"),
			FallbackConcurrency: number("REACH_FALLBACK_CONCURRENCY", answer.DefaultFallbackConcurrency),
			Freshness: projection.Freshness{
				Interval: duration("REACH_CHANGELOG_INTERVAL", projection.DefaultFreshness.Interval),
				Bound:    duration("REACH_STALENESS_BOUND", projection.DefaultFreshness.Bound),
				Wait:     duration("REACH_FRESHNESS_WAIT", projection.DefaultFreshness.Wait),
			},
		},
		Neo4j: neo4jstore.Config{
			URI:               or("NEO4J_URI", localNeo4j),
			User:              getenv("NEO4J_USER"),
			Password:          getenv("NEO4J_PASSWORD"),
			Database:          getenv("NEO4J_DATABASE"),
			CachedConnections: number("REACH_CACHED_CONNECTIONS", neo4jstore.DefaultCachedConnections),
			LogShards:         number("REACH_CHANGELOG_SHARDS", changelog.DefaultShards),
			SendTransactions:  number("REACH_SEND_TRANSACTIONS", neo4jstore.DefaultSendTransactions),
			SendBatch:         number("REACH_SEND_BATCH", neo4jstore.DefaultSendBatch),
			Pool: neo4jstore.Pool{
				Size:           number("NEO4J_POOL_SIZE", neo4jstore.DefaultPool.Size),
				AcquireTimeout: duration("NEO4J_ACQUIRE_TIMEOUT", neo4jstore.DefaultPool.AcquireTimeout),
				RetryTime:      timeouts.Write,
				Reads:          number("REACH_NEO4J_READS", neo4jstore.DefaultReads),
				Writes:         number("REACH_NEO4J_WRITES", neo4jstore.DefaultWrites),
				Exports:        number("REACH_NEO4J_EXPORTS", neo4jstore.DefaultExports),
			},
			Limits: graph.Limits{
				InMailsPerDay:       number("REACH_INMAIL_DAILY_LIMIT", graph.DefaultLimits.InMailsPerDay),
				BlastLimit:          number("REACH_BLAST_LIMIT", graph.DefaultLimits.BlastLimit),
				ReportsToRestrict:   number("REACH_REPORTS_TO_RESTRICT", graph.DefaultLimits.ReportsToRestrict),
				RequestsMonthly:     number("REACH_REQUESTS_MONTHLY", graph.DefaultLimits.RequestsMonthly),
				OtherSameBody:       number("REACH_OTHER_SAME_BODY", graph.DefaultLimits.OtherSameBody),
				OtherDeclinePercent: number("REACH_OTHER_DECLINE_PERCENT", graph.DefaultLimits.OtherDeclinePercent),
				OtherMinSent:        number("REACH_OTHER_MIN_SENT", graph.DefaultLimits.OtherMinSent),
			},
		},
	}
	return cfg, errors.Join(errs...)
}

// String describes the configuration for the log, with secrets masked.
func (c config) String() string {
	mask := func(s string) string {
		if s == "" {
			return "(unset)"
		}
		return "***"
	}
	l, p := c.Neo4j.Limits, c.Neo4j.Pool
	return fmt.Sprintf("addr=%s neo4j=%s user=%q password=%s database=%q pool_size=%d acquire_timeout=%s neo4j_reads=%d neo4j_writes=%d "+
		"%s read_timeout=%s write_timeout=%s rate_limit=%g/s burst=%d log_level=%s "+
		"inmail_daily_limit=%d blast_limit=%d reports_to_restrict=%d requests_monthly=%d other_same_body=%d other_decline_percent=%d other_min_sent=%d cached_connections=%d projection_snapshot=%q fallback_concurrency=%d serve_while_loading=%t dev_tokens=%t",
		c.Addr, c.Neo4j.URI, c.Neo4j.User, mask(c.Neo4j.Password), c.Neo4j.Database, p.Size, p.AcquireTimeout, p.Reads, p.Writes,
		c.TokenAuth, c.Timeouts.Read, c.Timeouts.Write, c.RateLimit.PerSecond, c.RateLimit.Burst,
		strings.ToLower(c.LogLevel.String()),
		l.InMailsPerDay, l.BlastLimit, l.ReportsToRestrict, l.RequestsMonthly, l.OtherSameBody, l.OtherDeclinePercent, l.OtherMinSent, c.Neo4j.CachedConnections, c.Answer.Snapshot, c.Answer.FallbackConcurrency, c.ServeWhileLoading, c.DevTokens)
}

package main

import (
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/reach-network/reach/api"
	"github.com/reach-network/reach/graph"
	"github.com/reach-network/reach/graph/answer"
	"github.com/reach-network/reach/graph/neo4jstore"
	"github.com/reach-network/reach/graph/projection"
)

func TestLoadConfig(t *testing.T) {
	env := map[string]string{
		"REACH_JWT_SECRET":           "0123456789abcdef",
		"NEO4J_URI":                  "neo4j://cluster.internal:7687",
		"NEO4J_USER":                 "reach",
		"NEO4J_PASSWORD":             "s3cret",
		"REACH_INMAIL_DAILY_LIMIT":   "20",
		"REACH_REPORTS_TO_RESTRICT":  "5",
		"REACH_REQUESTS_MONTHLY":     "4",
		"REACH_OTHER_SAME_BODY":      "3",
		"REACH_CACHED_CONNECTIONS":   "1000",
		"REACH_WRITE_TIMEOUT":        "3s",
		"NEO4J_POOL_SIZE":            "20",
		"REACH_RATE_BURST":           "10",
		"REACH_LOG_LEVEL":            "debug",
		"REACH_FALLBACK_CONCURRENCY": "12",
		"REACH_SERVE_WHILE_LOADING":  "1",
		"REACH_NEO4J_WRITES":         "8",
		"REACH_NEO4J_EXPORTS":        "3",
		"REACH_CHANGELOG_SHARDS":     "16",
		"REACH_SEND_TRANSACTIONS":    "2",
	}
	cfg, err := loadConfig(func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	want := config{Addr: ":8080", TokenAuth: tokenConfig{Secret: "0123456789abcdef"}, Neo4j: neo4jstore.Config{
		URI: "neo4j://cluster.internal:7687", User: "reach", Password: "s3cret",
		Limits: graph.Limits{InMailsPerDay: 20, BlastLimit: 10, ReportsToRestrict: 5, RequestsMonthly: 4,
			OtherSameBody: 3, OtherDeclinePercent: 50, OtherMinSent: 5},
		CachedConnections: 1000,
		LogShards:         16,
		SendTransactions:  2,
		SendBatch:         neo4jstore.DefaultSendBatch,
		Pool: neo4jstore.Pool{Size: 20, AcquireTimeout: 2 * time.Second, RetryTime: 3 * time.Second,
			Reads: neo4jstore.DefaultReads, Writes: 8, Exports: 3},
	},
		Answer:            answer.Options{Freshness: projection.DefaultFreshness, FallbackConcurrency: 12},
		Timeouts:          api.Timeouts{Read: 2 * time.Second, Write: 3 * time.Second},
		RateLimit:         api.RateLimit{PerSecond: 50, Burst: 10},
		LogLevel:          slog.LevelDebug,
		Retention:         time.Hour,
		ServeWhileLoading: true,
	}
	if diff := cmp.Diff(want, cfg, cmp.FilterPath(func(p cmp.Path) bool { return p.Last().String() == ".Clock" }, cmp.Ignore())); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	if s := cfg.String(); strings.Contains(s, "s3cret") || strings.Contains(s, "0123456789abcdef") {
		t.Errorf("String() shows a secret: %s", s)
	}
	if _, err := loadConfig(func(k string) string { return map[string]string{"REACH_BLAST_LIMIT": "many"}[k] }); err == nil ||
		!strings.Contains(err.Error(), "REACH_BLAST_LIMIT") {
		t.Errorf("a bad limit gave %v, want an error naming REACH_BLAST_LIMIT", err)
	}
	for key, bad := range map[string]string{"REACH_WRITE_TIMEOUT": "soon", "REACH_READ_TIMEOUT": "2h", "REACH_LOG_LEVEL": "loud", "REACH_SERVE_WHILE_LOADING": "yes"} {
		if _, err := loadConfig(func(k string) string { return map[string]string{key: bad}[k] }); err == nil ||
			!strings.Contains(err.Error(), key) {
			t.Errorf("%s=%s gave %v, want an error naming it", key, bad, err)
		}
	}
	if cfg.writeTimeout() <= readTimeout+cfg.Timeouts.Longest() {
		t.Errorf("the server's write timeout %s does not outlast reading the request and its deadline", cfg.writeTimeout())
	}
	defaults, _ := loadConfig(func(string) string { return "" })
	if defaults.Neo4j.URI != localNeo4j || defaults.Addr != ":8080" || defaults.Neo4j.Limits != graph.DefaultLimits {
		t.Errorf("defaults: %+v", defaults)
	}
}

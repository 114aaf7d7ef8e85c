package main

import (
	"errors"
	"fmt"
	"strconv"

	"github.com/reach-network/reach/graph"
)

// config is everything reach reads from its environment.
type config struct {
	Addr      string // REACH_ADDR
	TokenAuth tokenConfig
	Neo4j     graph.Config
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
	cfg := config{
		Addr:      or("REACH_ADDR", ":8080"),
		TokenAuth: loadTokenConfig(getenv),
		Neo4j: graph.Config{
			URI:               or("NEO4J_URI", localNeo4j),
			User:              getenv("NEO4J_USER"),
			Password:          getenv("NEO4J_PASSWORD"),
			Database:          getenv("NEO4J_DATABASE"),
			CachedConnections: number("REACH_CACHED_CONNECTIONS", graph.DefaultCachedConnections),
			Limits: graph.Limits{
				InMailsPerDay:     number("REACH_INMAIL_DAILY_LIMIT", graph.DefaultLimits.InMailsPerDay),
				BlastLimit:        number("REACH_BLAST_LIMIT", graph.DefaultLimits.BlastLimit),
				ReportsToRestrict: number("REACH_REPORTS_TO_RESTRICT", graph.DefaultLimits.ReportsToRestrict),
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
	l := c.Neo4j.Limits
	return fmt.Sprintf("addr=%s neo4j=%s user=%q password=%s database=%q %s "+
		"inmail_daily_limit=%d blast_limit=%d reports_to_restrict=%d cached_connections=%d",
		c.Addr, c.Neo4j.URI, c.Neo4j.User, mask(c.Neo4j.Password), c.Neo4j.Database, c.TokenAuth,
		l.InMailsPerDay, l.BlastLimit, l.ReportsToRestrict, c.Neo4j.CachedConnections)
}

package main

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/reach-network/reach/graph"
)

func TestLoadConfig(t *testing.T) {
	env := map[string]string{
		"REACH_JWT_SECRET":          "0123456789abcdef",
		"NEO4J_URI":                 "neo4j://cluster.internal:7687",
		"NEO4J_USER":                "reach",
		"NEO4J_PASSWORD":            "s3cret",
		"REACH_INMAIL_DAILY_LIMIT":  "20",
		"REACH_REPORTS_TO_RESTRICT": "5",
		"REACH_CACHED_CONNECTIONS":  "1000",
	}
	cfg, err := loadConfig(func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	want := config{Addr: ":8080", TokenAuth: tokenConfig{Secret: "0123456789abcdef"}, Neo4j: graph.Config{
		URI: "neo4j://cluster.internal:7687", User: "reach", Password: "s3cret",
		Limits:            graph.Limits{InMailsPerDay: 20, BlastLimit: 10, ReportsToRestrict: 5},
		CachedConnections: 1000,
	}}
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
	defaults, _ := loadConfig(func(string) string { return "" })
	if defaults.Neo4j.URI != localNeo4j || defaults.Addr != ":8080" || defaults.Neo4j.Limits != graph.DefaultLimits {
		t.Errorf("defaults: %+v", defaults)
	}
}

package api

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/reach-network/reach/graph"
)

// TestUnservedRoutesAnswer501 builds a server with no areas at all: every route that needs one,
// development tokens included, answers 501 as a problem document naming the route, whatever
// token it carries, and the routes that need none still answer.
func TestUnservedRoutesAnswer501(t *testing.T) {
	dev := DevTokens{Mint: func(string, time.Duration) (string, error) { return "", nil }}
	e := New(Services{}, Config{Tokens: mustHS256(t), Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), DevTokens: dev})
	token := mustIssue(t, false)
	walked := 0
	for _, r := range e.Routes() {
		if r.Method == echo.RouteNotFound || !needsArea(r.Path) {
			continue
		}
		walked++
		t.Run(r.Method+" "+r.Path, func(t *testing.T) {
			rec := call(e, r.Method, r.Path, token, "")
			var p problem
			if err := json.Unmarshal(rec.Body.Bytes(), &p); err != nil || rec.Code != http.StatusNotImplemented ||
				rec.Header().Get(echo.HeaderContentType) != "application/problem+json" ||
				p.Type != problemBase+"not-implemented" || !strings.Contains(p.Detail, r.Method+" "+r.Path) {
				t.Errorf("answered %d %s: %s; want 501 problem+json of type not-implemented naming the route",
					rec.Code, rec.Header().Get(echo.HeaderContentType), rec.Body)
			}
		})
	}
	if walked < 40 {
		t.Errorf("walked %d routes; the route table was not found", walked)
	}
	for _, path := range []string{"/healthz", "/openapi.json", "/metrics"} {
		if rec := call(e, http.MethodGet, path, "", ""); rec.Code != http.StatusOK {
			t.Errorf("GET %s: %d, want 200", path, rec.Code)
		}
	}
}

// TestSomeAreasServed serves only authentication and reachability: the reachability route
// answers, and a route of another area answers 501.
func TestSomeAreasServed(t *testing.T) {
	g := &stubStore{}
	e := New(Services{Roster: g, Reach: g}, Config{Tokens: mustHS256(t), Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	token := mustIssue(t, false)
	if rec := call(e, http.MethodGet, "/v1/members/ann/reachability", token, ""); rec.Code != http.StatusOK {
		t.Errorf("reachability: %d %s, want 200", rec.Code, rec.Body)
	}
	if rec := call(e, http.MethodGet, "/v1/members/ann/path", token, ""); rec.Code != http.StatusNotImplemented {
		t.Errorf("path: %d %s, want 501", rec.Code, rec.Body)
	}
}

// needsArea reports whether a route is served by an area of Services, not by the API alone.
func needsArea(path string) bool {
	return strings.HasPrefix(path, "/v1/") || path == "/readyz" || path == devTokenRoute
}

// health is a Health whose Neo4j answers, whose schema is applied and whose projection is loaded
// when loaded says so. Its stats say nothing of the load: readiness must ask ProjectionLoaded, which
// takes no lock, not the stats, which wait for the projection's.
type health struct{ loaded bool }

func (health) Ping(context.Context) error             { return nil }
func (health) Migrated() bool                         { return true }
func (health) Rehearsed() bool                        { return true }
func (health) CacheStats() graph.CacheStats           { return graph.CacheStats{} }
func (health) ShedStats() graph.ShedStats             { return graph.ShedStats{} }
func (health) LockStats() graph.LockStats             { return graph.LockStats{} }
func (health) SendStats() graph.SendStats             { return graph.SendStats{} }
func (h health) ProjectionLoaded() bool               { return h.loaded }
func (health) ProjectionStats() graph.ProjectionStats { return graph.ProjectionStats{} }

// loadingCases are the projection's states the tests below try, each with or without
// AwaitProjection, and the status a request, or /readyz, should then get.
var loadingCases = []struct {
	name          string
	await, loaded bool
	want          int
}{
	{"Loading", true, false, http.StatusServiceUnavailable},
	{"Loaded", true, true, http.StatusOK},
	{"ServingWhileLoading", false, false, http.StatusOK},
}

// TestRequestsWaitForTheProjection checks that with AwaitProjection a member's request is
// answered 503 with Retry-After while the projection loads, without asking the graph anything,
// and served once it is loaded; without AwaitProjection it is served meanwhile.
func TestRequestsWaitForTheProjection(t *testing.T) {
	for _, tc := range loadingCases {
		t.Run(tc.name, func(t *testing.T) {
			g := &stubStore{}
			e := New(Services{Health: health{loaded: tc.loaded}, Roster: g, Reach: g}, Config{Tokens: mustHS256(t),
				Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), AwaitProjection: tc.await})
			rec := call(e, http.MethodGet, "/v1/members/ann/reachability", mustIssue(t, false), "")
			if rec.Code != tc.want {
				t.Fatalf("reachability %d %s, want %d", rec.Code, rec.Body, tc.want)
			}
			if rec.Code != http.StatusOK && rec.Header().Get("Retry-After") == "" {
				t.Error("503 without Retry-After")
			}
		})
	}
}

// TestReadyWaitsForTheProjection checks /readyz with AwaitProjection: 503 with Retry-After,
// naming the projection, until it is loaded; without it, ready while it loads.
func TestReadyWaitsForTheProjection(t *testing.T) {
	for _, tc := range loadingCases {
		t.Run(tc.name, func(t *testing.T) {
			e := New(Services{Health: health{loaded: tc.loaded}}, Config{Tokens: mustHS256(t),
				Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), AwaitProjection: tc.await})
			rec := call(e, http.MethodGet, "/readyz", "", "")
			var body struct{ Checks map[string]string }
			_ = json.Unmarshal(rec.Body.Bytes(), &body)
			if rec.Code != tc.want {
				t.Fatalf("/readyz %d %s, want %d", rec.Code, rec.Body, tc.want)
			}
			if want := map[bool]string{true: "loaded", false: "loading"}[tc.loaded]; body.Checks["projection"] != want {
				t.Errorf("checks %v, want projection %s", body.Checks, want)
			}
			if rec.Code != http.StatusOK && rec.Header().Get("Retry-After") == "" {
				t.Error("503 without Retry-After")
			}
		})
	}
}

package api

import (
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/labstack/echo/v4"
)

// newContractServer is the API as New builds it, over a graph that answers nothing but the
// routes that need none.
func newContractServer(t *testing.T) *echo.Echo {
	t.Helper()
	return New(newFakeGraph(), Config{Tokens: mustHS256(t), Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
}

func TestSpecIsValid(t *testing.T) {
	if _, err := Spec(); err != nil {
		t.Fatal(err)
	}
}

// echoParam is a path parameter as echo writes it (:id); the spec writes {id}.
var echoParam = regexp.MustCompile(`:([A-Za-z0-9_]+)`)

// TestSpecCoversEveryRoute fails when the server registers a route the spec does not describe,
// or the spec describes a route (path and method) the server does not register: the contract
// and the code cannot drift apart.
func TestSpecCoversEveryRoute(t *testing.T) {
	doc, err := Spec()
	if err != nil {
		t.Fatal(err)
	}
	served := map[string]bool{}
	for _, r := range newContractServer(t).Routes() {
		if r.Method == echo.RouteNotFound {
			continue
		}
		served[r.Method+" "+echoParam.ReplaceAllString(r.Path, "{$1}")] = true
	}
	described := map[string]bool{}
	for path, item := range doc.Paths.Map() {
		for method := range item.Operations() {
			described[method+" "+path] = true
		}
	}
	for _, route := range sortedKeys(served) {
		if !described[route] {
			t.Errorf("%s is served but not in api/openapi.yaml", route)
		}
	}
	for _, route := range sortedKeys(described) {
		if !served[route] {
			t.Errorf("%s is in api/openapi.yaml but not served", route)
		}
	}
}

// TestSpecIsServed checks /openapi.yaml answers the embedded document and /openapi.json the same
// document in JSON, both without a token.
func TestSpecIsServed(t *testing.T) {
	e := newContractServer(t)
	yaml := get(t, e, "/openapi.yaml", "application/yaml")
	if yaml != string(specYAML) {
		t.Error("/openapi.yaml is not the embedded document")
	}
	var doc struct {
		OpenAPI string         `json:"openapi"`
		Paths   map[string]any `json:"paths"`
	}
	if err := json.Unmarshal([]byte(get(t, e, "/openapi.json", "application/json")), &doc); err != nil {
		t.Fatal(err)
	}
	spec, _ := Spec()
	if doc.OpenAPI != "3.0.3" || len(doc.Paths) != spec.Paths.Len() {
		t.Errorf("/openapi.json: openapi %q with %d paths, want 3.0.3 with %d", doc.OpenAPI, len(doc.Paths), spec.Paths.Len())
	}
}

// TestDocsNameEveryPath checks /docs answers one HTML page, fetching nothing from elsewhere, that
// shows every path of the contract.
func TestDocsNameEveryPath(t *testing.T) {
	if _, err := docsPage(); err != nil {
		t.Fatal(err)
	}
	page := get(t, newContractServer(t), "/docs", "text/html")
	doc, _ := Spec()
	for _, path := range doc.Paths.InMatchingOrder() {
		if !strings.Contains(page, ">"+path+"<") {
			t.Errorf("/docs does not show %s", path)
		}
	}
	for _, external := range []string{"<script src", "<link ", "http-equiv", "@import", "url("} {
		if strings.Contains(page, external) {
			t.Errorf("/docs loads something from elsewhere: %q", external)
		}
	}
	for _, slug := range []string{"bad-request", "refused", "rate-limited", "unavailable", "recipient_inmail_off", "mass_blast"} {
		if !strings.Contains(page, slug) {
			t.Errorf("/docs does not name the problem type or reason %s", slug)
		}
	}
}

// get asks e for path without a token and returns the body, failing unless the answer is 200 of
// the media type want.
func get(t *testing.T, e *echo.Echo, path, want string) string {
	t.Helper()
	rec := httptest.NewRecorder()
	e.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
	ct := rec.Header().Get(echo.HeaderContentType)
	if rec.Code != http.StatusOK || !slices.Contains(strings.Split(ct, ";"), want) {
		t.Fatalf("GET %s: %d %q, want 200 %s; body: %.300s", path, rec.Code, ct, want, rec.Body)
	}
	return rec.Body.String()
}

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
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/labstack/echo/v4"
)

// newContractServer is the API as New builds it, development tokens included, over a graph that
// answers nothing but the routes that need none.
func newContractServer(t *testing.T) *echo.Echo {
	t.Helper()
	dev := DevTokens{Mint: func(member string, ttl time.Duration) (string, error) {
		return IssueToken(testSecret, member, false, ttl)
	}}
	return New(Everything(newFakeGraph()), Config{Tokens: mustHS256(t), Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), DevTokens: dev})
}

// outsideContract returns the routes the document lists under x-outside-contract, which reach
// serves but which are not part of the API, failing t unless each has a reason.
func outsideContract(t *testing.T, doc *openapi3.T) map[string]bool {
	t.Helper()
	raw, err := json.Marshal(doc.Extensions["x-outside-contract"])
	if err != nil {
		t.Fatal(err)
	}
	var listed []struct{ Route, Reason string }
	if err := json.Unmarshal(raw, &listed); err != nil {
		t.Fatalf("x-outside-contract: %v", err)
	}
	out := map[string]bool{}
	for _, l := range listed {
		if strings.TrimSpace(l.Reason) == "" {
			t.Errorf("x-outside-contract lists %s without a reason", l.Route)
		}
		out[l.Route] = true
	}
	return out
}

func TestSpecIsValid(t *testing.T) {
	if _, err := Spec(); err != nil {
		t.Fatal(err)
	}
}

// echoParam is a path parameter as echo writes it (:id); the spec writes {id}.
var echoParam = regexp.MustCompile(`:([A-Za-z0-9_]+)`)

// TestSpecCoversEveryRoute fails when the server registers a route the spec neither describes
// nor lists, with a reason, as outside the contract (x-outside-contract), or the spec describes
// or lists a route (path and method) the server does not register: the contract and the code
// cannot drift apart.
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
	outside := outsideContract(t, doc)
	for _, route := range sortedKeys(served) {
		if !described[route] && !outside[route] {
			t.Errorf("%s is served but not in api/openapi.yaml (describe it, or list it in x-outside-contract with a reason)", route)
		}
	}
	for _, route := range sortedKeys(outside) {
		switch {
		case described[route]:
			t.Errorf("%s is both described and listed in x-outside-contract", route)
		case !served[route]:
			t.Errorf("%s is listed in x-outside-contract but not served", route)
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

package pgpeer

import (
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/reach-network/reach/api"
)

// TestRoutesThePeerLacksAnswer501 asks the peer's server for routes it does not serve: each is
// answered 501 as a problem document naming the route, without touching the database (the peer
// here has none), never with a panic.
func TestRoutesThePeerLacksAnswer501(t *testing.T) {
	secret := []byte("pgpeer-test-secret-0123456789")
	tokens, err := api.HS256(secret)
	if err != nil {
		t.Fatal(err)
	}
	token, err := api.IssueToken(secret, "ann", false, time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	h := (&Peer{}).Handler(api.Config{Tokens: tokens, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	for _, route := range []struct{ method, path, pattern string }{
		{http.MethodGet, "/v1/me", "/v1/me"},
		{http.MethodGet, "/v1/blocks", "/v1/blocks"},
		{http.MethodPut, "/v1/admin/members/bob", "/v1/admin/members/:id"},
	} {
		req := httptest.NewRequest(route.method, route.path, strings.NewReader(`{}`))
		req.Header.Set("Authorization", "Bearer "+token)
		req.Header.Set("Content-Type", "application/json")
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		var p struct{ Type, Detail string }
		if err := json.Unmarshal(rec.Body.Bytes(), &p); err != nil || rec.Code != http.StatusNotImplemented ||
			rec.Header().Get("Content-Type") != "application/problem+json" ||
			!strings.HasSuffix(p.Type, "#not-implemented") || !strings.Contains(p.Detail, route.method+" "+route.pattern) {
			t.Errorf("%s %s: %d %s %s, want 501 problem+json naming the route", route.method, route.path,
				rec.Code, rec.Header().Get("Content-Type"), rec.Body)
		}
	}
}

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
)

// devServer is the API with development tokens on (dev) or off, over a graph where only ann
// exists.
func devServer(t *testing.T, dev bool) *echo.Echo {
	t.Helper()
	cfg := Config{Tokens: mustHS256(t), Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}
	if dev {
		cfg.DevTokens = DevTokens{
			Mint: func(member string, ttl time.Duration) (string, error) {
				return IssueToken(testSecret, member, false, ttl)
			},
			Members: []DevMember{{ID: "ann", Name: "Ann"}},
		}
	}
	return New(Everything(newFakeGraph("ann")), cfg)
}

// TestDevTokens checks that with development tokens on the console gets a short-lived token the
// server accepts for a member who exists, and 404 for anyone else.
func TestDevTokens(t *testing.T) {
	e := devServer(t, true)
	if got := get(t, e, "/console/dev-token", "application/json"); !strings.Contains(got, `"id":"ann"`) {
		t.Errorf("members offered: %s", got)
	}
	rec := call(e, http.MethodPost, "/console/dev-token", "", `{"member": "ann"}`)
	var tok devTokenView
	if err := json.Unmarshal(rec.Body.Bytes(), &tok); rec.Code != http.StatusOK || err != nil {
		t.Fatalf("mint: %d %s", rec.Code, rec.Body)
	}
	cl, err := mustHS256(t).verify(context.Background(), tok.Token)
	if err != nil || cl.Subject != "ann" || time.Until(cl.ExpiresAt.Time) > DevTokenTTL {
		t.Errorf("token for %q until %v: %v", cl.Subject, cl.ExpiresAt, err)
	}
	if rec := call(e, http.MethodPost, "/console/dev-token", "", `{"member": "nobody"}`); rec.Code != http.StatusNotFound {
		t.Errorf("a member who does not exist: %d, want 404", rec.Code)
	}
}

// TestDevTokensOffByDefault checks that without development tokens their routes are not served,
// while the console is.
func TestDevTokensOffByDefault(t *testing.T) {
	e := devServer(t, false)
	for _, method := range []string{http.MethodGet, http.MethodPost} {
		if rec := call(e, method, "/console/dev-token", "", `{"member": "ann"}`); rec.Code != http.StatusNotFound && rec.Code != http.StatusMethodNotAllowed {
			t.Errorf("%s /console/dev-token: %d, want no such route", method, rec.Code)
		}
	}
	page := get(t, e, "/console", "text/html")
	for _, external := range []string{"http://", "https://", "//cdn"} {
		if strings.Contains(page, external) {
			t.Errorf("the console's page loads something from elsewhere: %q", external)
		}
	}
	get(t, e, "/console/console.js", "text/javascript")
	get(t, e, "/console/console.css", "text/css")
}

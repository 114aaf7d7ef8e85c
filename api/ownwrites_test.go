package api

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"testing"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/reach-network/reach/graph"
)

// writingGraph answers a block as a write whose token is wrote, and reachability with what it
// notes of the read's consistency; its log never made a change of the epoch "restored".
type writingGraph struct {
	stubStore
	wrote graph.Token
	asked graph.Consistency
}

func (g *writingGraph) Block(ctx context.Context, _, _ string) error {
	graph.RecordWrite(ctx, g.wrote)
	return nil
}

func (g *writingGraph) Reachability(ctx context.Context, _, _ string) (graph.Reach, error) {
	g.asked = graph.ConsistencyOf(ctx)
	return graph.Reach{}, nil
}

func (g *writingGraph) CheckToken(_ context.Context, t graph.Token) error {
	if t.Epoch == "restored" {
		return graph.Fail(graph.ErrInvalidToken, "never made")
	}
	return nil
}

// ownWritesServer serves blocks and reachability from g, with a staleness bound of 3 s.
func ownWritesServer(t *testing.T, g *writingGraph) *echo.Echo {
	t.Helper()
	return New(Services{Roster: g, Reach: g, Safety: g, Consistency: g},
		Config{Tokens: mustHS256(t), Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), StalenessBound: 3 * time.Second})
}

// withCookie sends a request as jane, with the reach_written cookie when value is not empty and
// the extra header h.
func withCookie(t *testing.T, e *echo.Echo, method, path, value string, h http.Header) *httptest.ResponseRecorder {
	t.Helper()
	req := httptest.NewRequest(method, path, nil)
	req.Header.Set("Authorization", "Bearer "+mustIssue(t, false))
	if value != "" {
		req.AddCookie(&http.Cookie{Name: cookieWritten, Value: value})
	}
	for k, v := range h {
		req.Header[k] = v
	}
	rec := httptest.NewRecorder()
	e.ServeHTTP(rec, req)
	if rec.Code >= 300 {
		t.Fatalf("%s %s: %d %s", method, path, rec.Code, rec.Body)
	}
	return rec
}

// writtenSet returns the reach_written cookie an answer set, nil when it set none.
func writtenSet(rec *httptest.ResponseRecorder) *http.Cookie {
	for _, c := range (&http.Response{Header: rec.Header()}).Cookies() {
		if c.Name == cookieWritten {
			return c
		}
	}
	return nil
}

// TestOwnWritesCookie checks the reach_written cookie: a write sets it for its member, bound to
// them, and that member's later reads ask at_least_as_fresh its token unless they name a
// consistency of their own; another member's cookie is ignored, and a cookie reach cannot use is
// expired and the read made in the default mode, never refused.
func TestOwnWritesCookie(t *testing.T) {
	written := graph.NewToken("e1", []int64{7, 0, 2})
	jane := "jane." + written.String()
	const reach = "/v1/members/ann/reachability"
	read := func(t *testing.T, value, query string, h http.Header) (graph.Consistency, *http.Cookie) {
		g := &writingGraph{}
		rec := withCookie(t, ownWritesServer(t, g), http.MethodGet, reach+query, value, h)
		return g.asked, writtenSet(rec)
	}
	t.Run("WriteSetsIt", func(t *testing.T) {
		g := &writingGraph{wrote: graph.Token{Epoch: "e1", Seq: 9, Heads: []int64{7, 0, 2}, Bookmarks: []string{"FB:x"}}}
		c := writtenSet(withCookie(t, ownWritesServer(t, g), http.MethodPut, "/v1/blocks/ann", "", nil))
		if c == nil || c.Value != jane || c.MaxAge != 4 || !c.HttpOnly || c.SameSite != http.SameSiteLaxMode || c.Path != "/" {
			t.Fatalf("a write set %v; want %s=%s, Max-Age 4, HttpOnly, SameSite=Lax, Path=/", c, cookieWritten, jane)
		}
	})
	t.Run("ReadsAtLeastAsFresh", func(t *testing.T) {
		asked, set := read(t, jane, "", nil)
		if asked.Mode != graph.AtLeastAsFresh || !slices.Equal(asked.Token.Heads, written.Heads) || set != nil {
			t.Errorf("a read with jane's cookie asked %+v and set %v; want at_least_as_fresh %v, no cookie", asked, set, written.Heads)
		}
	})
	t.Run("WritesJoin", func(t *testing.T) {
		g := &writingGraph{wrote: graph.NewToken("e1", []int64{3, 4, 0})}
		c := writtenSet(withCookie(t, ownWritesServer(t, g), http.MethodPut, "/v1/blocks/ann", jane, nil))
		if want := "jane." + graph.NewToken("e1", []int64{7, 4, 2}).String(); c == nil || c.Value != want {
			t.Errorf("a write with a cookie set %v; want both writes' positions, %s", c, want)
		}
	})
	t.Run("OtherMembersIgnored", func(t *testing.T) {
		if asked, set := read(t, "ben."+written.String(), "", nil); asked.Mode != graph.MinimizeLatency || set != nil {
			t.Errorf("jane's read with ben's cookie asked %+v and set %v; want the default and no cookie", asked, set)
		}
	})
	for name, value := range map[string]string{"Malformed": "garbage", "NoMember": written.String(), "BadToken": "jane.r1.e30",
		"NotAnID": "j%20ne." + written.String(), "NeverMade": "jane." + graph.NewToken("restored", []int64{1}).String()} {
		t.Run(name+"Expired", func(t *testing.T) {
			if asked, set := read(t, value, "", nil); asked.Mode != graph.MinimizeLatency || set == nil || set.MaxAge >= 0 {
				t.Errorf("cookie %q: the read asked %+v and set %v; want the default, the cookie expired", value, asked, set)
			}
		})
	}
	other := graph.NewToken("e1", []int64{1})
	for name, tc := range map[string]struct {
		query string
		h     http.Header
		want  graph.Mode
	}{
		"ExplicitDefaultWins": {"?consistency=minimize_latency", nil, graph.MinimizeLatency},
		"FullyConsistentWins": {"?consistency=fully_consistent", nil, graph.FullyConsistent},
		"TokenWins":           {"?token=" + other.String(), nil, graph.AtLeastAsFresh},
		"HeaderWins":          {"", http.Header{headerToken: {other.String()}}, graph.AtLeastAsFresh},
	} {
		t.Run(name, func(t *testing.T) {
			asked, _ := read(t, jane, tc.query, tc.h)
			if asked.Mode != tc.want || asked.Token.Seq != other.Seq && tc.want == graph.AtLeastAsFresh {
				t.Errorf("asked %+v; want %s with the client's token, not the cookie's", asked, tc.want)
			}
		})
	}
}

func TestWrittenLife(t *testing.T) {
	for bound, want := range map[time.Duration]time.Duration{0: 2 * time.Second, time.Second: 2 * time.Second,
		500 * time.Millisecond: 2 * time.Second, 3 * time.Second: 4 * time.Second, 2500 * time.Millisecond: 4 * time.Second} {
		if got := writtenLife(bound); got != want {
			t.Errorf("writtenLife(%s) = %s, want %s", bound, got, want)
		}
	}
}

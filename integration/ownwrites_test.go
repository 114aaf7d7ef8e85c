package integration

import (
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/reach-network/reach/graph"
	"github.com/reach-network/reach/internal/apitest"
)

// TestOwnWritesOnEveryReplica puts two replicas behind a proxy that sends requests to each in
// turn, and a member behind it with a cookie jar, as a browser keeps, sending no consistency
// token: 40 times, the member blocks or unblocks another through the first replica and at once
// asks the second how they stand. Every answer must show the member's own write, though the
// staleness bound (3 s) lets a default read miss it. Meanwhile a third member's default reads of
// the same member through the second replica are answered from memory: the cookie holds back
// its own member alone. A cookie naming a change the database never made, or none at all, is
// expired and the read answered, never refused.
func TestOwnWritesOnEveryReplica(t *testing.T) {
	const trials = 40
	id := ids(t)
	ann, ben, cat := id("ann"), id("ben"), id("cat")
	network(t, id, [2]string{"ann", "ben"}, [2]string{"cat", "ben"})
	r1, r2 := startReplicas(t, 3*time.Second)
	proxy := alternate(t, r1, r2)
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	browser := apitest.Client{T: t, Base: proxy, Token: token(t, ann), HTTP: &http.Client{Jar: jar}}
	stale := 0
	for trial := range trials {
		blocks := trial%2 == 0
		method, want := http.MethodDelete, http.StatusOK
		if blocks {
			method, want = http.MethodPut, http.StatusNotFound
		}
		served(t, browser.Do(method, "/v1/blocks/"+ben, nil).Expect(http.StatusNoContent), r1)
		read := served(t, browser.Get("/v1/members/"+ben+"/reachability"), r2)
		if read.Status != want {
			stale++
			t.Logf("trial %d: after %s ben through one replica, ann's read through the other answered %d", trial, method, read.Status)
		}
		others(t, r2, cat, ben)
	}
	if stale > 0 {
		t.Errorf("%d of %d reads through the second replica missed the member's own write through the first", stale, trials)
	}
	t.Run("ForgedCookieExpired", func(t *testing.T) {
		for _, value := range []string{ann + ".garbage", ann + "." + past(t, jar, proxy)} {
			jar.SetCookies(mustURL(t, proxy), []*http.Cookie{{Name: "reach_written", Value: value, Path: "/"}})
			read := browser.Get("/v1/members/" + ben + "/reachability").Expect(http.StatusOK)
			if c := writtenCookie(read); c == nil || c.MaxAge >= 0 {
				t.Errorf("cookie %.40s…: answered with cookie %v, want it expired", value, c)
			}
		}
	})
}

// alternate starts a proxy sending requests to a and b in turn, first to a, and naming the one
// that answered in X-Replica; it returns the proxy's address.
func alternate(t *testing.T, a, b *reachProcess) string {
	t.Helper()
	var n atomic.Int64
	backends := []*reachProcess{a, b}
	p := &httputil.ReverseProxy{
		Rewrite: func(r *httputil.ProxyRequest) {
			to := backends[(n.Add(1)-1)%2]
			r.SetURL(mustURL(t, to.url))
			r.Out.Header.Set("X-Replica", to.url)
		},
		ModifyResponse: func(res *http.Response) error {
			res.Header.Set("X-Replica", res.Request.Header.Get("X-Replica"))
			return nil
		},
	}
	s := httptest.NewServer(p)
	t.Cleanup(s.Close)
	return s.URL
}

// served fails the test unless the answer came from replica p, and returns it.
func served(t *testing.T, r *apitest.Response, p *reachProcess) *apitest.Response {
	t.Helper()
	if got := r.Header.Get("X-Replica"); got != p.url {
		t.Fatalf("%s was answered by %s, want %s", r.Req, got, p.url)
	}
	return r
}

// others asks, as member, how they stand to target through replica p, in the default mode, and
// fails the test unless memory answered.
func others(t *testing.T, p *reachProcess, member, target string) {
	t.Helper()
	before := metric(t, p, "reach_reads_from_neo4j_total")
	if c := p.do(t, token(t, member), http.MethodGet, "/v1/members/"+target+"/reachability", nil, nil); c.Status != http.StatusOK {
		t.Fatalf("%s → %s: %d %s", member, target, c.Status, c.Body)
	}
	if after := metric(t, p, "reach_reads_from_neo4j_total"); after != before {
		t.Errorf("another member's default read went to Neo4j: their reads were held back by someone else's write")
	}
}

// past is the token of the jar's reach_written cookie for base with a change past the log's head
// added in its first shard: a token the database never gave.
func past(t *testing.T, jar http.CookieJar, base string) string {
	t.Helper()
	for _, c := range jar.Cookies(mustURL(t, base)) {
		if _, raw, ok := strings.Cut(c.Value, "."); c.Name == "reach_written" && ok {
			tk, err := graph.ParseToken(raw)
			if err != nil {
				t.Fatal(err)
			}
			heads := append([]int64(nil), tk.Positions()...)
			heads[0] += 1000
			return graph.NewToken(tk.Epoch, heads).String()
		}
	}
	t.Fatal("the jar holds no reach_written cookie: the member's writes set none")
	return ""
}

// writtenCookie is the reach_written cookie an answer set, nil when none.
func writtenCookie(r *apitest.Response) *http.Cookie {
	for _, c := range (&http.Response{Header: r.Header}).Cookies() {
		if c.Name == "reach_written" {
			return c
		}
	}
	return nil
}

func mustURL(t *testing.T, raw string) *url.URL {
	t.Helper()
	u, err := url.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

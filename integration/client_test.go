package integration

import (
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/reach-network/reach/api"
	"github.com/reach-network/reach/internal/apitest"
)

// client calls the API as one member (or as an administrator), through the request helper the
// browser tests share (internal/apitest), and claims what the contract checker found wrong with
// each exchange.
type client struct {
	t     testing.TB
	token string
}

// as returns a client acting as member id.
func as(t testing.TB, id string) *client {
	t.Helper()
	tok, err := api.IssueToken(testSecret, id, false, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	return &client{t: t, token: tok}
}

// admin returns a client with the admin role.
func admin(t testing.TB) *client {
	t.Helper()
	tok, err := api.IssueToken(testSecret, "admin", true, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	return &client{t: t, token: tok}
}

// response is what one request answered.
type response struct{ *apitest.Response }

// problem is the error body every failure answers with.
type problem = apitest.Problem

// do sends one request; body is marshalled to JSON unless it is a string, a []byte or nil.
func (c *client) do(method, path string, body any) *response {
	c.t.Helper()
	return c.send(method, path, body, nil)
}

// send is do with extra request headers.
func (c *client) send(method, path string, body any, header http.Header) *response {
	c.t.Helper()
	h := apitest.Client{T: c.t, Base: env.baseURL, Token: c.token, Answered: contract.claim}
	return &response{h.Send(method, path, body, header)}
}

func (c *client) get(path string) *response { c.t.Helper(); return c.do(http.MethodGet, path, nil) }

// expect fails the test unless the response has the given status.
func (r *response) expect(status int) *response { r.T.Helper(); r.Expect(status); return r }

// into decodes the body into v.
func (r *response) into(v any) { r.T.Helper(); r.Into(v) }

// expectProblem checks that the response is a problem document with the given status, and
// returns it.
func (r *response) expectProblem(status int) problem { r.T.Helper(); return r.ExpectProblem(status) }

var prefixes atomic.Int64

// ids returns a function naming members uniquely for one test, so tests share one database
// without seeing each other's data.
func ids(t testing.TB) func(string) string {
	p := fmt.Sprintf("t%d%d_", time.Now().UnixNano()%1e9, prefixes.Add(1))
	return func(name string) string { return p + name }
}

// member creates a member through the admin API.
func member(t testing.TB, id, name string) {
	t.Helper()
	admin(t).do(http.MethodPut, "/v1/admin/members/"+id, map[string]any{"name": name}).expect(http.StatusCreated)
}

// connect connects two members through the admin API.
func connect(t testing.TB, a, b string) {
	t.Helper()
	admin(t).do(http.MethodPost, "/v1/admin/connections", map[string]string{"a": a, "b": b}).expect(http.StatusNoContent)
}

// network creates members named by the edges' ends and connects them.
func network(t testing.TB, id func(string) string, edges ...[2]string) {
	t.Helper()
	seen := map[string]bool{}
	for _, e := range edges {
		for _, n := range e {
			if !seen[n] {
				seen[n] = true
				member(t, id(n), strings.ToUpper(n[:1])+n[1:])
			}
		}
	}
	for _, e := range edges {
		connect(t, id(e[0]), id(e[1]))
	}
}

// reach is the reachability answer.
type reach struct {
	Degree      *int   `json:"degree"`
	Label       string `json:"label"`
	MutualCount int    `json:"mutualCount"`
}

func reachability(t testing.TB, from, to string) reach {
	t.Helper()
	var r reach
	as(t, from).get("/v1/members/" + to + "/reachability").expect(http.StatusOK).into(&r)
	return r
}

// rawPost sends a JSON body with a bearer token and an optional Idempotency-Key. It reports
// failures instead of failing a test, so goroutines may call it.
func rawPost(token, path, body, key string) (status int, data []byte, err error) {
	req, err := http.NewRequest(http.MethodPost, env.baseURL+path, strings.NewReader(body))
	if err != nil {
		return 0, nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+token)
	if key != "" {
		req.Header.Set("Idempotency-Key", key)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer res.Body.Close()
	data, err = io.ReadAll(res.Body)
	return res.StatusCode, data, err
}

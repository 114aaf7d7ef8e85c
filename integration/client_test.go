package integration

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/reach-network/reach/api"
)

// client calls the API as one member (or as an administrator).
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
type response struct {
	t      testing.TB
	req    string
	Status int
	Header http.Header
	Body   []byte
}

// do sends one request; body is marshalled to JSON unless it is a string or nil.
func (c *client) do(method, path string, body any) *response {
	c.t.Helper()
	return c.send(method, path, body, nil)
}

// send is do with extra request headers.
func (c *client) send(method, path string, body any, header http.Header) *response {
	c.t.Helper()
	var r io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		r = strings.NewReader(b)
	case []byte:
		r = bytes.NewReader(b)
	default:
		buf, err := json.Marshal(b)
		if err != nil {
			c.t.Fatal(err)
		}
		r = bytes.NewReader(buf)
	}
	req, err := http.NewRequest(method, env.baseURL+path, r)
	if err != nil {
		c.t.Fatal(err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	for k, v := range header {
		req.Header[k] = v
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer res.Body.Close()
	data, err := io.ReadAll(res.Body)
	if err != nil {
		c.t.Fatal(err)
	}
	contract.claim(c.t, res.Header.Get("X-Request-Id"))
	return &response{t: c.t, req: method + " " + path, Status: res.StatusCode, Header: res.Header, Body: data}
}

func (c *client) get(path string) *response { c.t.Helper(); return c.do(http.MethodGet, path, nil) }

// expect fails the test unless the response has the given status.
func (r *response) expect(status int) *response {
	r.t.Helper()
	if r.Status != status {
		r.t.Fatalf("%s: status %d, want %d; body: %s", r.req, r.Status, status, r.Body)
	}
	return r
}

// into decodes the body into v.
func (r *response) into(v any) {
	r.t.Helper()
	if err := json.Unmarshal(r.Body, v); err != nil {
		r.t.Fatalf("%s: decode %s: %v", r.req, r.Body, err)
	}
}

// problem is the error body every failure answers with.
type problem struct {
	Type   string `json:"type"`
	Title  string `json:"title"`
	Status int    `json:"status"`
	Detail string `json:"detail"`
	Field  string `json:"field"`
	Reason string `json:"reason"`
}

// expectProblem checks that the response is a problem document with the given status, and
// returns it.
func (r *response) expectProblem(status int) problem {
	r.t.Helper()
	r.expect(status)
	if ct := r.Header.Get("Content-Type"); ct != "application/problem+json" {
		r.t.Fatalf("%s: Content-Type %q, want application/problem+json", r.req, ct)
	}
	var p problem
	r.into(&p)
	if p.Status != status || p.Type == "" || p.Title == "" || p.Detail == "" {
		r.t.Fatalf("%s: incomplete problem %s", r.req, r.Body)
	}
	return p
}

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

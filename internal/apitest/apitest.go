// Package apitest is the request helper reach's integration and browser tests share: a client
// that calls the API over HTTP with a bearer token, and checks of what it answers. Only tests
// import it.
package apitest

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
)

// Client calls the API of the reach at Base as the holder of Token.
type Client struct {
	T     testing.TB
	Base  string // reach's address, such as http://127.0.0.1:8080, without a trailing slash
	Token string // sent as a bearer token; none when empty
	// Answered, when set, hears the request id of every answer once it is in: the integration
	// tests claim there what their contract checker found wrong with the exchange.
	Answered func(t testing.TB, requestID string)
	// HTTP sends the requests, such as a client with a cookie jar as a browser keeps;
	// http.DefaultClient when nil.
	HTTP *http.Client
}

// Do sends one request and returns its answer, failing the test when there is none. The body is
// sent as it is when it is a string or a []byte, and marshalled to JSON otherwise; nil sends
// none.
func (c *Client) Do(method, path string, body any) *Response {
	c.T.Helper()
	return c.Send(method, path, body, nil)
}

// Get is Do of a GET.
func (c *Client) Get(path string) *Response {
	c.T.Helper()
	return c.Send(http.MethodGet, path, nil, nil)
}

// Send is Do with extra request headers.
func (c *Client) Send(method, path string, body any, header http.Header) *Response {
	c.T.Helper()
	var r io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		r = strings.NewReader(b)
	case []byte:
		r = bytes.NewReader(b)
	default:
		data, err := json.Marshal(b)
		if err != nil {
			c.T.Fatal(err)
		}
		r = bytes.NewReader(data)
	}
	req, err := http.NewRequest(method, c.Base+path, r)
	if err != nil {
		c.T.Fatal(err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if c.Token != "" {
		req.Header.Set("Authorization", "Bearer "+c.Token)
	}
	for k, v := range header {
		req.Header[k] = v
	}
	hc := c.HTTP
	if hc == nil {
		hc = http.DefaultClient
	}
	res, err := hc.Do(req)
	if err != nil {
		c.T.Fatal(err)
	}
	defer res.Body.Close()
	data, err := io.ReadAll(res.Body)
	if err != nil {
		c.T.Fatal(err)
	}
	if c.Answered != nil {
		c.Answered(c.T, res.Header.Get("X-Request-Id"))
	}
	return &Response{T: c.T, Req: method + " " + path, Status: res.StatusCode, Header: res.Header, Body: data}
}

// Response is what one request answered.
type Response struct {
	T      testing.TB
	Req    string // the request's method and path
	Status int
	Header http.Header
	Body   []byte
}

// Expect fails the test unless the answer has the given status.
func (r *Response) Expect(status int) *Response {
	r.T.Helper()
	if r.Status != status {
		r.T.Fatalf("%s: status %d, want %d; body: %s", r.Req, r.Status, status, r.Body)
	}
	return r
}

// Into decodes the body into v, failing the test when it cannot.
func (r *Response) Into(v any) {
	r.T.Helper()
	if err := json.Unmarshal(r.Body, v); err != nil {
		r.T.Fatalf("%s: decode %s: %v", r.Req, r.Body, err)
	}
}

// Problem is the problem document every failure answers with.
type Problem struct {
	Type   string `json:"type"`
	Title  string `json:"title"`
	Status int    `json:"status"`
	Detail string `json:"detail"`
	Field  string `json:"field"`
	Reason string `json:"reason"`
}

// ExpectProblem fails the test unless the answer is a complete problem document with the given
// status, and returns it.
func (r *Response) ExpectProblem(status int) Problem {
	r.T.Helper()
	r.Expect(status)
	if ct := r.Header.Get("Content-Type"); ct != "application/problem+json" {
		r.T.Fatalf("%s: Content-Type %q, want application/problem+json", r.Req, ct)
	}
	var p Problem
	r.Into(&p)
	if p.Status != status || p.Type == "" || p.Title == "" || p.Detail == "" {
		r.T.Fatalf("%s: incomplete problem %s", r.Req, r.Body)
	}
	return p
}

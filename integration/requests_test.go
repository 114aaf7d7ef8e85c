package integration

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"

	"github.com/reach-network/reach/api"
	"github.com/reach-network/reach/cypher"
)

// TestRateLimit checks per-member request limits on a server of its own with a small bucket: a
// member past it gets 429 problem+json with Retry-After; another member, and an administrator,
// are not held back by it.
func TestRateLimit(t *testing.T) {
	id := ids(t)
	network(t, id, [2]string{"ann", "ben"})
	tokens, err := api.HS256(testSecret)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(contract.wrap(api.New(api.Everything(env.store), api.Config{Tokens: tokens, RateLimit: api.RateLimit{PerSecond: 0.2, Burst: 3}})))
	defer srv.Close()
	get := func(tok, path string) *http.Response {
		req, _ := http.NewRequest(http.MethodGet, srv.URL+path, nil)
		req.Header.Set("Authorization", "Bearer "+tok)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		return res
	}
	ann, ben := token(t, id("ann")), token(t, id("ben"))
	for i := range 3 {
		if res := get(ann, "/v1/me"); res.StatusCode != http.StatusOK {
			t.Fatalf("request %d within the burst: status %d", i+1, res.StatusCode)
		}
	}
	res := get(ann, "/v1/me")
	if res.StatusCode != http.StatusTooManyRequests || res.Header.Get("Content-Type") != "application/problem+json" {
		t.Fatalf("request past the burst: status %d %s, want 429 problem+json", res.StatusCode, res.Header.Get("Content-Type"))
	}
	if s, err := strconv.Atoi(res.Header.Get("Retry-After")); err != nil || s < 1 || s > 5 {
		t.Errorf("Retry-After %q, want the seconds until a token is back (5 at 0.2/s)", res.Header.Get("Retry-After"))
	}
	if res := get(ben, "/v1/me"); res.StatusCode != http.StatusOK {
		t.Errorf("another member was held back by ann's limit: status %d", res.StatusCode)
	}
	for range 5 {
		if res := get(adminToken(t), "/v1/members?q=x"); res.StatusCode == http.StatusTooManyRequests {
			t.Fatal("an administrator's token was rate limited")
		}
	}
}

// TestUndecodableQuery checks that a query string that cannot be decoded is refused with a
// problem naming the parameter, never answered as if the parameter had not been sent.
func TestUndecodableQuery(t *testing.T) {
	id := ids(t)
	network(t, id, [2]string{"ann", "ben"})
	for _, tc := range []struct{ query, field string }{
		{"cursor=%%garbage", "cursor"},
		{"limit=5&cursor=%zz", "cursor"},
		{"q=an%2", "q"},
		{"li%mit=5", "li%mit"},
		{"limit=5;cursor=x", "limit"},
	} {
		path := "/v1/members/" + id("ben") + "/mutual-connections?" + tc.query
		if strings.HasPrefix(tc.query, "q=") {
			path = "/v1/members?" + tc.query
		}
		p := as(t, id("ann")).get(path).expectProblem(http.StatusBadRequest)
		if p.Field != tc.field {
			t.Errorf("%s: field %q, want %q", tc.query, p.Field, tc.field)
		}
	}
	as(t, id("ann")).get("/v1/members/" + id("ben") + "/mutual-connections?limit=5&cursor=").expect(http.StatusOK)
}

// TestRequestIDs checks that every answer carries X-Request-Id, the client's own when it sends a
// sensible one, and that a problem document names it.
func TestRequestIDs(t *testing.T) {
	id := ids(t)
	member(t, id("ann"), "Ann")
	res := as(t, id("ann")).send(http.MethodGet, "/v1/members/"+id("nobody"), nil, http.Header{"X-Request-Id": {"client-chosen-42"}})
	if got := res.Header.Get("X-Request-Id"); got != "client-chosen-42" {
		t.Errorf("X-Request-Id %q, want the client's", got)
	}
	var p struct{ RequestID string }
	_ = json.Unmarshal(res.Body, &p)
	if p.RequestID != "client-chosen-42" {
		t.Errorf("problem %s does not name the request id", res.Body)
	}
	generated := as(t, id("ann")).send(http.MethodGet, "/v1/me", nil, http.Header{"X-Request-Id": {"has space"}}).Header.Get("X-Request-Id")
	if len(generated) != 32 || generated == "has space" {
		t.Errorf("X-Request-Id %q for an unusable client id, want a new one", generated)
	}
}

// TestTraces checks that a traced request has a span named by its route, with a span for each
// Cypher statement inside it named by the statement's file.
func TestTraces(t *testing.T) {
	recorder, _ := statementSpans()
	t.Cleanup(recorder.Reset)
	id := ids(t)
	network(t, id, [2]string{"ann", "ben"}, [2]string{"ben", "cat"})
	// A profile comes from Neo4j, so its statements are traced.
	as(t, id("ann")).get("/v1/members/" + id("cat")).expect(http.StatusOK)
	var request sdktrace.ReadOnlySpan
	for _, s := range recorder.Ended() {
		if s.Name() == "GET /v1/members/:id" {
			request = s
		}
	}
	if request == nil {
		t.Fatal("no span for the request")
	}
	var statements []string
	for _, s := range recorder.Ended() {
		if s.Parent().SpanID() == request.SpanContext().SpanID() {
			statements = append(statements, s.Name())
		}
	}
	if !slices.Contains(statements, "cypher Relations") {
		t.Errorf("the request's statements were traced as %v, want cypher Relations among them", statements)
	}
	for _, s := range statements {
		if s == "cypher statement" {
			t.Errorf("a statement span has no file name: %v", statements)
		}
	}
}

// TestStreamedStatementsAreTraced checks that a statement whose rows are streamed (bolt.DB.Stream,
// as a projection's load reads members and connections) has its span in the caller's trace.
func TestStreamedStatementsAreTraced(t *testing.T) {
	recorder, tracer := statementSpans()
	t.Cleanup(recorder.Reset)
	ctx, span := tracer.Start(context.Background(), "load")
	err := env.store.DB().Stream(ctx, cypher.CountMembers, nil, func(*neo4j.Record) error { return nil })
	span.End()
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range recorder.Ended() {
		if s.Name() == "cypher CountMembers" && s.Parent().SpanID() == span.SpanContext().SpanID() {
			return
		}
	}
	t.Errorf("no span cypher CountMembers in the caller's trace among %d spans", len(recorder.Ended()))
}

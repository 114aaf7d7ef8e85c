package api

import (
	"bytes"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/reach-network/reach/graph"
)

// bodyTargets are the request bodies the handlers decode, each made fresh for one decode, with
// the names of their fields as the contract spells them.
var bodyTargets = []struct {
	make   func() any
	fields []string
}{
	{func() any { return new(sendRequest) }, []string{"to", "subject", "body", "attachments"}},
	{func() any { return new(putMemberRequest) }, []string{"name", "headline", "company", "inmailCredits", "plan"}},
	{func() any { return new(settingsRequest) }, []string{"inmail", "openProfile", "profileVisibility", "connectionsVisibility", "searchable"}},
	{func() any { return new(inviteRequest) }, []string{"to", "note"}},
	{func() any { return new(reportRequest) }, []string{"member", "message", "reason", "block"}},
	{func() any { return new(connectRequest) }, []string{"a", "b"}},
	{func() any { return new(batchReachRequest) }, []string{"members"}},
	{func() any { return new(declineRequest) }, []string{"note"}},
}

// FuzzBindJSON decodes arbitrary bodies, with arbitrary content types, into every request body
// the handlers take: the decoder never panics, and either fills the value from a JSON object or
// fails with a 4xx problem; a body that is a well-formed JSON object is refused naming one of its
// fields.
func FuzzBindJSON(f *testing.F) {
	for i, body := range []string{`{"to":"maria","body":"hi"}`, `{"name":1}`, `[]`, `{"a":"x"} x`, ``, `{"x"`,
		`{"attachments":[{"name":"a","contentType":"a/b","size":"x","url":"http://h"}]}`, `{"members":["a",7]}`, `{"TO":"a"}`} {
		f.Add(uint8(i), "application/json", []byte(body))
	}
	f.Add(uint8(2), "application/merge-patch+json; charset=utf-8", []byte(`{"inmail":"off"}`))
	f.Add(uint8(3), "text/plain", []byte(`{"to":"a"}`))
	f.Fuzz(func(t *testing.T, target uint8, contentType string, body []byte) {
		e := echo.New()
		req := httptest.NewRequest(http.MethodPost, "/", bytes.NewReader(body))
		req.Header.Set(echo.HeaderContentType, contentType)
		c := e.NewContext(req, httptest.NewRecorder())
		bt := bodyTargets[int(target)%len(bodyTargets)]
		dst := bt.make()
		err := bindJSON(c, dst)
		object := isJSONObject(body)
		if err == nil {
			if !object {
				t.Fatalf("body %q was accepted into %T though it is no JSON object", body, dst)
			}
			checkAccepted(t, body, bt.fields)
			return
		}
		p, known := toProblem(err)
		if !known || p.Status < 400 || p.Status > 499 || p.Detail == "" {
			t.Fatalf("body %q: %v answered %d %q, want a 4xx problem", body, err, p.Status, p.Detail)
		}
		if p.Status == http.StatusBadRequest && object && !namesKey(p.Field, body) && !hasEmptyKey(body) {
			t.Fatalf("body %q: %q names field %q, which is not one of the body's", body, p.Detail, p.Field)
		}
	})
}

// checkAccepted checks that an accepted body names only fields of its request, spelt exactly,
// and gives none of them null.
func checkAccepted(t *testing.T, body []byte, fields []string) {
	t.Helper()
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(body, &obj); err != nil {
		t.Fatalf("accepted body %q: %v", body, err)
	}
	for k, v := range obj {
		if !slices.Contains(fields, k) || string(v) == "null" {
			t.Fatalf("body %q was accepted with %q: %s", body, k, v)
		}
	}
}

// isJSONObject reports whether body is exactly one well-formed JSON object.
func isJSONObject(body []byte) bool {
	return json.Valid(body) && bytes.HasPrefix(bytes.TrimLeft(body, " \t\r\n"), []byte("{"))
}

// namesKey reports whether field names a key of the JSON object that body starts with: the whole
// field, or its first step (before any '.' or '['), is one of the object's keys, ignoring case as
// encoding/json does.
func namesKey(field string, body []byte) bool {
	var obj map[string]json.RawMessage
	if field == "" || json.NewDecoder(bytes.NewReader(body)).Decode(&obj) != nil {
		return false
	}
	for k := range obj {
		if strings.EqualFold(k, field) || strings.EqualFold(k, fieldRoot(field)) {
			return true
		}
	}
	return false
}

// hasEmptyKey reports whether the JSON object body has the key "", which a refusal cannot name.
func hasEmptyKey(body []byte) bool {
	var obj map[string]json.RawMessage
	_ = json.Unmarshal(body, &obj)
	_, ok := obj[""]
	return ok
}

// fuzzRoute is one route the request fuzzer calls: the fields its body and query may name.
type fuzzRoute struct {
	method, path string
	admin        bool
	fields       []string
}

var fuzzRoutes = []fuzzRoute{
	{http.MethodGet, "/v1/me", false, nil},
	{http.MethodPatch, "/v1/me/settings", false, []string{"inmail", "openProfile", "profileVisibility", "connectionsVisibility", "searchable"}},
	{http.MethodPost, "/v1/invitations", false, []string{"to", "note"}},
	{http.MethodGet, "/v1/invitations", false, []string{"box"}},
	{http.MethodPost, "/v1/invitations/:id/accept", false, nil},
	{http.MethodDelete, "/v1/invitations/:id", false, nil},
	{http.MethodDelete, "/v1/connections/:memberId", false, nil},
	{http.MethodGet, "/v1/members/:id", false, nil},
	{http.MethodGet, "/v1/members/:id/connections", false, nil},
	{http.MethodGet, "/v1/members/:id/reachability", false, nil},
	{http.MethodPost, "/v1/members/reachability", false, []string{"members"}},
	{http.MethodGet, "/v1/members/:id/mutual-connections", false, nil},
	{http.MethodGet, "/v1/members/:id/path", false, nil},
	{http.MethodGet, "/v1/members", false, []string{"q"}},
	{http.MethodPost, "/v1/messages", false, []string{"to", "subject", "body", "attachments", "Idempotency-Key"}},
	{http.MethodGet, "/v1/messages/:id", false, nil},
	{http.MethodPost, "/v1/messages/:id/decline", false, []string{"note"}},
	{http.MethodGet, "/v1/inbox", false, []string{"kind", "unread"}},
	{http.MethodGet, "/v1/threads/:threadId", false, nil},
	{http.MethodGet, "/v1/blocks", false, nil},
	{http.MethodPut, "/v1/blocks/:memberId", false, nil},
	{http.MethodPost, "/v1/reports", false, []string{"member", "message", "reason", "block"}},
	{http.MethodPut, "/v1/admin/members/:id", true, []string{"name", "headline", "company", "inmailCredits", "plan"}},
	{http.MethodPost, "/v1/admin/connections", true, []string{"a", "b"}},
	{http.MethodDelete, "/v1/admin/members/:id/restriction", true, nil},
}

// commonFields are the names any route's refusal may give: its path parameters, the paging and
// consistency parameters, and the body as a whole.
var commonFields = []string{"id", "memberId", "threadId", "limit", "cursor", "consistency", "token", "Consistency-Token"}

// FuzzRequest sends arbitrary path ids, query strings and bodies through the whole API, every
// request decoder included, to a store that accepts everything. No request is answered 5xx; every
// refusal is a 4xx problem document naming a field of the route, or, for a body that is not a
// JSON object, the body as a whole; and only well-formed ids and pages reach the store.
func FuzzRequest(f *testing.F) {
	for i, r := range fuzzRoutes {
		body := ""
		if r.method != http.MethodGet && r.method != http.MethodDelete {
			body = `{}`
		}
		f.Add(uint8(i), "jane", "limit=5&cursor=abc", []byte(body))
	}
	f.Add(uint8(14), "x", "", []byte(`{"to":"maria","body":"hi","attachments":[{"name":"a","contentType":"a/b","size":1,"url":"http://h","x":1}]}`))
	f.Add(uint8(10), "x", "consistency=fully_consistent", []byte(`{"members":["a","b c"]}`))
	f.Add(uint8(8), "a/b", "cursor=%%garbage", []byte(nil))
	f.Add(uint8(17), "", "kind=inmail;unread=true&token=r1.e30", []byte(nil))
	store := &stubStore{}
	e := New(fuzzedServices(store), Config{Tokens: mustHS256(f), Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
		RateLimit: RateLimit{PerSecond: 1e9, Burst: 1e9}})
	member, admin := mustIssue(f, false), mustIssue(f, true)
	f.Fuzz(func(t *testing.T, route uint8, id, query string, body []byte) {
		r := fuzzRoutes[int(route)%len(fuzzRoutes)]
		token := member
		if r.admin {
			token = admin
		}
		rec := httptest.NewRecorder()
		e.ServeHTTP(rec, fuzzedRequest(r, id, query, body, token))
		checkAnswer(t, r, query, body, rec)
		ids, pages := store.taken()
		for _, id := range ids {
			if !graph.ValidMemberID(id) {
				t.Fatalf("%s %s: id %q reached the store", r.method, r.path, id)
			}
		}
		for _, p := range pages {
			if p.Limit < 1 || p.Limit > maxLimit || len(p.After) > 1024 {
				t.Fatalf("%s %s: page %+v reached the store", r.method, r.path, p)
			}
		}
	})
}

func mustIssue(tb testing.TB, admin bool) string {
	tb.Helper()
	tok, err := IssueToken(testSecret, "jane", admin, time.Hour)
	if err != nil {
		tb.Fatal(err)
	}
	return tok
}

// fuzzedRequest builds the request for route r with id in its path parameter, the raw query and
// the body, sent as JSON.
func fuzzedRequest(r fuzzRoute, id, query string, body []byte, token string) *http.Request {
	req := httptest.NewRequest(r.method, "/", bytes.NewReader(body))
	params := strings.NewReplacer(":id", "\x00", ":memberId", "\x00", ":threadId", "\x00")
	path := params.Replace(r.path)
	req.URL.Path = strings.ReplaceAll(path, "\x00", id)
	req.URL.RawPath = strings.ReplaceAll(path, "\x00", url.PathEscape(id))
	req.URL.RawQuery = query
	req.RequestURI = req.URL.RequestURI()
	if len(body) > 0 {
		req.Header.Set(echo.HeaderContentType, echo.MIMEApplicationJSON)
	}
	req.Header.Set(echo.HeaderAuthorization, "Bearer "+token)
	return req
}

// checkAnswer checks that rec is a success or a 4xx problem document that names a field of the
// route, the query or the body, or the body as a whole when it is not a JSON object.
func checkAnswer(t *testing.T, r fuzzRoute, query string, body []byte, rec *httptest.ResponseRecorder) {
	t.Helper()
	if rec.Code < 300 {
		return
	}
	what := r.method + " " + r.path + "?" + query + " " + string(body)
	if rec.Code >= 500 || rec.Code < 400 {
		t.Fatalf("%s: answered %d: %s", what, rec.Code, rec.Body)
	}
	if ct := rec.Header().Get(echo.HeaderContentType); ct != "application/problem+json" {
		t.Fatalf("%s: answered %d as %q, not a problem document", what, rec.Code, ct)
	}
	var p problem
	if err := json.Unmarshal(rec.Body.Bytes(), &p); err != nil || p.Status != rec.Code || p.Type == "" || p.Title == "" || p.Detail == "" ||
		p.RequestID != rec.Header().Get(headerRequestID) {
		t.Fatalf("%s: problem document %s (%v) does not describe the %d answer", what, rec.Body, err, rec.Code)
	}
	if rec.Code != http.StatusBadRequest {
		return
	}
	switch {
	case p.Field == "" && takesBody(r.method) && (!isJSONObject(body) || hasEmptyKey(body)):
		// The body as a whole is at fault, or a key it cannot name.
	case p.Field == "" && hasUnnamedParameter(query):
		// A query parameter without a name, which it cannot name.
	case p.Field == "":
		t.Fatalf("%s: 400 %q names no field", what, p.Detail)
	case !slices.Contains(r.fields, fieldRoot(p.Field)) && !slices.Contains(commonFields, p.Field) &&
		!queryHas(query, p.Field) && !namesKey(p.Field, body):
		t.Fatalf("%s: 400 %q names %q, which is none of the route's fields", what, p.Detail, p.Field)
	}
}

func takesBody(method string) bool {
	return method == http.MethodPost || method == http.MethodPut || method == http.MethodPatch
}

// fieldRoot is the first step of a field's name: attachments of attachments[0].url.
func fieldRoot(field string) string {
	root, _, _ := strings.Cut(field, ".")
	root, _, _ = strings.Cut(root, "[")
	return root
}

// queryHas reports whether name is the raw or decoded name of a parameter of the raw query, as a
// JSON document carries it (invalid UTF-8 replaced).
func queryHas(query, name string) bool {
	for part := range strings.SplitSeq(query, "&") {
		key, _, _ := strings.Cut(part, "=")
		decoded, err := url.QueryUnescape(key)
		if asJSON(key) == name || (err == nil && asJSON(decoded) == name) {
			return true
		}
	}
	return false
}

// hasUnnamedParameter reports whether the raw query has a parameter with a value but no name.
func hasUnnamedParameter(query string) bool {
	for part := range strings.SplitSeq(query, "&") {
		if strings.HasPrefix(part, "=") {
			return true
		}
	}
	return false
}

// asJSON is s as it comes back from a JSON document.
func asJSON(s string) string {
	b, _ := json.Marshal(s)
	var out string
	_ = json.Unmarshal(b, &out)
	return out
}

package api

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers/gorillamux"
)

// badRequests are requests reach's binding refuses before the graph is asked, each with the
// field it names. The contract must refuse every one of them too, so that a client (or a
// generated one, or schemathesis) learns the same limits from it.
//
// Not in the list, since OpenAPI cannot say them: a consistency token reach did not give, a
// cursor the list did not give out (both opaque strings), and at_least_as_fresh without a token.
var badRequests = []struct {
	name, method, path, body string
	header                   map[string]string
	field                    string
}{
	{"UnknownField", "POST", "/v1/invitations", `{"to": "bob", "message": "hi"}`, nil, "message"},
	{"WrongType", "POST", "/v1/invitations", `{"to": 7}`, nil, "to"},
	{"NoTo", "POST", "/v1/invitations", `{"note": "hi"}`, nil, "to"},
	{"BadTo", "POST", "/v1/invitations", `{"to": "x' OR 1=1 //"}`, nil, "to"},
	{"NoteTooLong", "POST", "/v1/invitations", `{"to": "bob", "note": "` + strings.Repeat("é", 301) + `"}`, nil, "note"},
	{"BadInvitationID", "POST", "/v1/invitations/a.b/accept", ``, nil, "id"},
	{"BadBox", "GET", "/v1/invitations?box=trash", ``, nil, "box"},
	{"LimitZero", "GET", "/v1/invitations?limit=0", ``, nil, "limit"},
	{"LimitTooBig", "GET", "/v1/blocks?limit=101", ``, nil, "limit"},
	{"LimitNotNumber", "GET", "/v1/inbox?limit=ten", ``, nil, "limit"},
	{"CursorTooLong", "GET", "/v1/sent?cursor=" + strings.Repeat("c", 1025), ``, nil, "cursor"},
	{"BadKind", "GET", "/v1/inbox?kind=letter", ``, nil, "kind"},
	{"BadUnread", "GET", "/v1/inbox?unread=maybe", ``, nil, "unread"},
	{"BadConsistency", "GET", "/v1/members/maria?consistency=eventual", ``, nil, "consistency"},
	{"BadMemberID", "GET", "/v1/members/a.b/reachability", ``, nil, "id"},
	{"MemberIDTooLong", "GET", "/v1/members/" + strings.Repeat("m", 65) + "/path", ``, nil, "id"},
	{"BadThreadID", "GET", "/v1/threads/th.x", ``, nil, "threadId"},
	{"NoQuery", "GET", "/v1/members", ``, nil, "q"},
	{"QueryTooLong", "GET", "/v1/members?q=" + strings.Repeat("q", 101), ``, nil, "q"},
	{"BatchMissing", "POST", "/v1/members/reachability", `{}`, nil, "members"},
	{"BatchEmpty", "POST", "/v1/members/reachability", `{"members": []}`, nil, "members"},
	{"BatchTooMany", "POST", "/v1/members/reachability", `{"members": [` + strings.Repeat(`"m",`, 100) + `"m"]}`, nil, "members"},
	{"BatchBadID", "POST", "/v1/members/reachability", `{"members": ["alex", 7]}`, nil, "members[1]"},
	{"SendNoBody", "POST", "/v1/messages", `{"to": "lena"}`, nil, "body"},
	{"SendBlankBody", "POST", "/v1/messages", `{"to": "lena", "body": "   "}`, nil, "body"},
	{"SendBodyTooLong", "POST", "/v1/messages", `{"to": "lena", "body": "` + strings.Repeat("é", 8001) + `"}`, nil, "body"},
	{"SendSubjectTooLong", "POST", "/v1/messages", `{"to": "lena", "body": "Hi", "subject": "` + strings.Repeat("s", 201) + `"}`, nil, "subject"},
	{"SendTooManyAttachments", "POST", "/v1/messages", `{"to": "lena", "body": "Hi", "attachments": [` +
		strings.Repeat(`{"name": "a", "contentType": "text/plain", "url": "https://x.example/a"},`, 10) +
		`{"name": "a", "contentType": "text/plain", "url": "https://x.example/a"}]}`, nil, "attachments"},
	{"AttachmentURL", "POST", "/v1/messages", `{"to": "lena", "body": "Hi", "attachments": [{"name": "a", "contentType": "text/plain", "url": "javascript:alert(1)"}]}`, nil, "attachments[0].url"},
	{"AttachmentType", "POST", "/v1/messages", `{"to": "lena", "body": "Hi", "attachments": [{"name": "a", "contentType": "pdf", "url": "https://x.example/a"}]}`, nil, "attachments[0].contentType"},
	{"AttachmentSize", "POST", "/v1/messages", `{"to": "lena", "body": "Hi", "attachments": [{"name": "a", "contentType": "text/plain", "size": -1, "url": "https://x.example/a"}]}`, nil, "attachments[0].size"},
	{"AttachmentBlankName", "POST", "/v1/messages", `{"to": "lena", "body": "Hi", "attachments": [{"name": " ", "contentType": "text/plain", "url": "https://x.example/a"}]}`, nil, "attachments[0].name"},
	{"IdempotencyKeySpace", "POST", "/v1/messages", `{"to": "lena", "body": "Hi"}`, map[string]string{"Idempotency-Key": "a b"}, "Idempotency-Key"},
	{"DeclineNoteTooLong", "POST", "/v1/messages/m1/decline", `{"note": "` + strings.Repeat("n", 301) + `"}`, nil, "note"},
	{"SettingsInMail", "PATCH", "/v1/me/settings", `{"inmail": "sometimes"}`, nil, "inmail"},
	{"SettingsVisibility", "PATCH", "/v1/me/settings", `{"profileVisibility": "friends"}`, nil, "profileVisibility"},
	{"SettingsConnections", "PATCH", "/v1/me/settings", `{"connectionsVisibility": "everyone"}`, nil, "connectionsVisibility"},
	{"SettingsWrongType", "PATCH", "/v1/me/settings", `{"searchable": "yes"}`, nil, "searchable"},
	{"ReportReason", "POST", "/v1/reports", `{"member": "omar", "reason": "boring"}`, nil, "reason"},
	{"ReportNoMember", "POST", "/v1/reports", `{"reason": "spam"}`, nil, "member"},
	{"ReportBadMessage", "POST", "/v1/reports", `{"member": "omar", "reason": "spam", "message": "m.1"}`, nil, "message"},
	{"BlockBadID", "PUT", "/v1/blocks/a.b", ``, nil, "memberId"},
	{"PutMemberNoName", "PUT", "/v1/admin/members/ravi", `{"headline": "Staff Engineer"}`, nil, "name"},
	{"PutMemberBlankName", "PUT", "/v1/admin/members/ravi", `{"name": "  "}`, nil, "name"},
	{"PutMemberHeadlineTooLong", "PUT", "/v1/admin/members/ravi", `{"name": "Ravi", "headline": "` + strings.Repeat("h", 221) + `"}`, nil, "headline"},
	{"PutMemberCredits", "PUT", "/v1/admin/members/ravi", `{"name": "Ravi", "inmailCredits": -1}`, nil, "inmailCredits"},
	{"PutMemberPlan", "PUT", "/v1/admin/members/ravi", `{"name": "Ravi", "plan": "gold"}`, nil, "plan"},
	{"ConnectBadID", "POST", "/v1/admin/connections", `{"a": "ravi", "b": "a b"}`, nil, "b"},
}

// TestContractRefusesWhatHandlersRefuse sends each bad request to the server, which must answer
// 400 naming the field, and checks that the contract refuses the same request.
func TestContractRefusesWhatHandlersRefuse(t *testing.T) {
	doc, err := openapi3.NewLoader().LoadFromData(specYAML)
	if err != nil {
		t.Fatal(err)
	}
	doc.Servers = nil
	router, err := gorillamux.NewRouter(doc)
	if err != nil {
		t.Fatal(err)
	}
	e := New(Everything(newFakeGraph("jane")), Config{Tokens: mustHS256(t), Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	member, _ := IssueToken(testSecret, "jane", false, time.Hour)
	admin, _ := IssueToken(testSecret, "admin", true, time.Hour)
	for _, tc := range badRequests {
		t.Run(tc.name, func(t *testing.T) {
			token := member
			if strings.HasPrefix(tc.path, "/v1/admin/") {
				token = admin
			}
			newRequest := func() *http.Request {
				r := httptest.NewRequest(tc.method, "http://reach.test"+tc.path, strings.NewReader(tc.body))
				if tc.body != "" {
					r.Header.Set("Content-Type", "application/json")
				}
				r.Header.Set("Authorization", "Bearer "+token)
				for k, v := range tc.header {
					r.Header.Set(k, v)
				}
				return r
			}
			rec := httptest.NewRecorder()
			e.ServeHTTP(rec, newRequest())
			var p problem
			_ = json.Unmarshal(rec.Body.Bytes(), &p)
			if rec.Code != http.StatusBadRequest || p.Field != tc.field {
				t.Fatalf("reach answered %d naming %q, want 400 naming %q: %s", rec.Code, p.Field, tc.field, rec.Body)
			}
			req := newRequest()
			route, params, err := router.FindRoute(req)
			if err != nil {
				t.Fatal(err)
			}
			err = openapi3filter.ValidateRequest(context.Background(), &openapi3filter.RequestValidationInput{
				Request: req, PathParams: params, Route: route,
				Options: &openapi3filter.Options{AuthenticationFunc: openapi3filter.NoopAuthenticationFunc},
			})
			if err == nil {
				t.Errorf("api/openapi.yaml takes this request, which reach refuses: %s", p.Detail)
			}
		})
	}
}

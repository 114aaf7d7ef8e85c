package api

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers/gorillamux"
	"github.com/reach-network/reach/graph"
)

// TestPositionsAreCheckedByField checks that each bad position is refused naming the field at
// fault, by position in the list, and that positions left out stay nil.
func TestPositionsAreCheckedByField(t *testing.T) {
	if got, err := toPositions(nil); got != nil || err != nil {
		t.Errorf("no positions: %v, %v; want nil, nil", got, err)
	}
	for body, field := range map[string]string{
		`[{"org": "acme"}]`:                               "positions[0].from",
		`[{"org": "acme", "from": 1899}]`:                 "positions[0].from",
		`[{"org": "acme", "from": 2020, "to": 2019}]`:     "positions[0].to",
		`[{"org": "acme", "from": 2020, "to": 2101}]`:     "positions[0].to",
		`[{"org": "acme", "from": 2020}, {"from": 2020}]`: "positions[1].org",
		`[{"org": "a b", "from": 2020}]`:                  "positions[0].org",
		`[{"org": "acme", "from": "2020"}]`:               "positions[0].from",
		`[{"org": "acme", "from": 2020, "to": null}]`:     "positions[0].to",
		`[{"org": "acme", "from": 2020, "since": 2020}]`:  "positions[0].since",
		`[null]`: "positions[0]",
		`[{"org": "acme", "from": 2020, "title": 7}]`:    "positions[0].title",
		`[{"org": "acme", "from": 2020.5}]`:              "positions[0].from",
		`[{"org": "acme", "from": 2020, "to": 2020}, 3]`: "positions[1]",
	} {
		var raw []json.RawMessage
		if err := json.Unmarshal([]byte(body), &raw); err != nil {
			t.Fatal(err)
		}
		_, err := toPositions(&raw)
		p, _ := toProblem(err)
		if err == nil || p.Field != field || p.Status != 400 {
			t.Errorf("%s: %v (field %q, status %d), want 400 naming %s", body, err, p.Field, p.Status, field)
		}
	}
	raw := []json.RawMessage{json.RawMessage(`{"org": "acme", "title": "CTO", "from": 2019}`), json.RawMessage(`{"org": "mit", "from": 2010, "to": 2014}`)}
	got, err := toPositions(&raw)
	if err != nil || len(*got) != 2 || (*got)[0].To != nil || *(*got)[1].To != 2014 {
		t.Errorf("good positions: %+v, %v", got, err)
	}
}

// TestOrganisationKindIsChecked checks that an organisation is a company or a school: a kind left
// out is a 400 and any other kind, the empty one too, a 422, each naming kind and each an answer
// api/openapi.yaml lists for the route.
func TestOrganisationKindIsChecked(t *testing.T) {
	doc, err := openapi3.NewLoader().LoadFromData(specYAML)
	if err != nil {
		t.Fatal(err)
	}
	doc.Servers = nil
	router, err := gorillamux.NewRouter(doc)
	if err != nil {
		t.Fatal(err)
	}
	e := New(Services{Roster: &stubStore{}, Affiliations: newOrganisations{}}, Config{Tokens: mustHS256(t), Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	admin := mustIssue(t, true)
	for _, tc := range []struct {
		name, body string
		status     int
	}{
		{"Company", `{"name": "Acme", "kind": "company"}`, http.StatusCreated},
		{"School", `{"name": "MIT", "kind": "school"}`, http.StatusCreated},
		{"Unknown", `{"name": "Chess Club", "kind": "club"}`, http.StatusUnprocessableEntity},
		{"Empty", `{"name": "Acme", "kind": ""}`, http.StatusUnprocessableEntity},
		{"Capitalised", `{"name": "Acme", "kind": "Company"}`, http.StatusUnprocessableEntity},
		{"Missing", `{"name": "Acme"}`, http.StatusBadRequest},
		{"Null", `{"name": "Acme", "kind": null}`, http.StatusBadRequest},
		{"NotAString", `{"name": "Acme", "kind": 1}`, http.StatusBadRequest},
	} {
		t.Run(tc.name, func(t *testing.T) {
			req := httptest.NewRequest(http.MethodPut, "http://reach.test/v1/admin/organisations/acme", strings.NewReader(tc.body))
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("Authorization", "Bearer "+admin)
			rec := httptest.NewRecorder()
			e.ServeHTTP(rec, req)
			if rec.Code != tc.status {
				t.Fatalf("answered %d, want %d: %s", rec.Code, tc.status, rec.Body)
			}
			if tc.status >= 400 {
				var p problem
				if err := json.Unmarshal(rec.Body.Bytes(), &p); err != nil || p.Field != "kind" || p.Status != tc.status {
					t.Errorf("problem %s (%v), want one naming kind", rec.Body, err)
				}
			}
			route, params, err := router.FindRoute(req)
			if err != nil {
				t.Fatal(err)
			}
			err = openapi3filter.ValidateResponse(context.Background(), &openapi3filter.ResponseValidationInput{
				RequestValidationInput: &openapi3filter.RequestValidationInput{Request: req, PathParams: params, Route: route},
				Status:                 rec.Code, Header: rec.Header(), Body: io.NopCloser(bytes.NewReader(rec.Body.Bytes())),
				Options: &openapi3filter.Options{IncludeResponseStatus: true},
			})
			if err != nil {
				t.Errorf("not as api/openapi.yaml says: %v", err)
			}
		})
	}
}

// newOrganisations creates every organisation it is given; the rest of Affiliations is not served.
type newOrganisations struct{ Affiliations }

func (newOrganisations) PutOrganisation(context.Context, graph.Organisation) (bool, error) {
	return true, nil
}

package integration

import (
	"math/rand/v2"
	"net/http"
	"strings"
	"testing"
)

func TestBadInput(t *testing.T) {
	id := ids(t)
	member(t, id("me"), "Me")
	c := as(t, id("me"))
	path := "/v1/invitations"
	for _, tc := range []struct {
		name   string
		body   string
		status int
		field  string
	}{
		{"MalformedJSON", `{"to": `, http.StatusBadRequest, ""},
		{"NotJSON", `to=bob`, http.StatusBadRequest, ""},
		{"Empty", ``, http.StatusBadRequest, ""},
		{"Array", `[{"to": "bob"}]`, http.StatusBadRequest, ""},
		{"TwoObjects", `{"to": "bob"} {"to": "bob"}`, http.StatusBadRequest, ""},
		{"UnknownField", `{"to": "bob", "message": "hi"}`, http.StatusBadRequest, "message"},
		{"WrongType", `{"to": 7}`, http.StatusBadRequest, "to"},
		{"NullTo", `{"to": null}`, http.StatusBadRequest, "to"},
		{"NullNote", `{"to": "bob", "note": null}`, http.StatusBadRequest, "note"},
		{"Null", `null`, http.StatusBadRequest, ""},
		{"CypherInID", `{"to": "x' OR 1=1 //"}`, http.StatusBadRequest, "to"},
		{"TooLarge", `{"to": "bob", "note": "` + strings.Repeat("a", 65<<10) + `"}`, http.StatusRequestEntityTooLarge, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := as(t, id("me")).do(http.MethodPost, path, tc.body).expectProblem(tc.status)
			if p.Field != tc.field {
				t.Errorf("field %q, want %q (%s)", p.Field, tc.field, p.Detail)
			}
		})
	}
	t.Run("TooLargeWithoutLength", func(t *testing.T) {
		// A chunked body declares no length; reading stops at the limit all the same.
		body := strings.NewReader(`{"name": "` + strings.Repeat("a", 70<<10) + `"}`)
		req, _ := http.NewRequest(http.MethodPut, env.baseURL+"/v1/admin/members/"+id("big"), struct{ *strings.Reader }{body})
		req.ContentLength = -1
		req.Header.Set("Authorization", "Bearer "+admin(t).token)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != http.StatusRequestEntityTooLarge {
			t.Fatalf("status %d, want 413", res.StatusCode)
		}
	})
	t.Run("WrongContentType", func(t *testing.T) {
		req, _ := http.NewRequest(http.MethodPost, env.baseURL+path, strings.NewReader(`{"to": "bob"}`))
		req.Header.Set("Content-Type", "text/plain")
		req.Header.Set("Authorization", "Bearer "+c.token)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != http.StatusUnsupportedMediaType {
			t.Fatalf("status %d, want 415", res.StatusCode)
		}
	})
	t.Run("UnknownRoute", func(t *testing.T) {
		as(t, id("me")).get("/v1/nothing-here").expectProblem(http.StatusNotFound)
	})
	t.Run("WrongMethod", func(t *testing.T) {
		as(t, id("me")).do(http.MethodPut, "/v1/me", `{}`).expectProblem(http.StatusMethodNotAllowed)
	})
	t.Run("OddPaths", func(t *testing.T) {
		for _, p := range []string{
			"/v1/members/%00/reachability", "/v1/members/" + strings.Repeat("x", 65),
			"/v1/members/a%27%20OR%201%3D1/path", "/v1/members/%E2%80%AE/mutual-connections",
		} {
			if r := as(t, id("me")).get(p); r.Status != http.StatusBadRequest {
				t.Errorf("GET %s: status %d, want 400", p, r.Status)
			}
		}
	})
}

// TestNoServerErrors sends random bodies and query strings to every route that takes input and
// checks that none is answered with a 5xx.
func TestNoServerErrors(t *testing.T) {
	id := ids(t)
	member(t, id("me"), "Me")
	c, a := as(t, id("me")), admin(t)
	rng := rand.New(rand.NewPCG(1, 2))
	pieces := []string{`{`, `}`, `"to"`, `"name"`, `:`, `,`, `null`, `true`, `1e999`, `-1`, `"\u0000"`, `[`, `]`,
		`"inmail"`, `"off"`, `"a"`, `"b"`, `"` + id("me") + `"`, `"note"`, `9223372036854775808`, `"\ud800"`}
	randomBody := func() string {
		var b strings.Builder
		for range rng.IntN(12) {
			b.WriteString(pieces[rng.IntN(len(pieces))])
		}
		return b.String()
	}
	routes := []struct {
		c            *client
		method, path string
	}{
		{c, http.MethodPost, "/v1/invitations"},
		{c, http.MethodPatch, "/v1/me/settings"},
		{a, http.MethodPut, "/v1/admin/members/" + id("x")},
		{a, http.MethodPost, "/v1/admin/connections"},
		{c, http.MethodGet, "/v1/members/" + id("me") + "/mutual-connections?limit=%s&cursor=%s"},
		{c, http.MethodGet, "/v1/invitations?box=%s&cursor=%s"},
	}
	for i := range 300 {
		r := routes[i%len(routes)]
		var res *response
		if r.method == http.MethodGet {
			p := strings.Replace(strings.Replace(r.path, "%s", randomQuery(rng), 1), "%s", randomQuery(rng), 1)
			res = r.c.get(p)
		} else {
			res = r.c.do(r.method, r.path, randomBody())
		}
		if res.Status >= 500 {
			t.Errorf("%s: status %d: %s", res.Req, res.Status, res.Body)
		}
	}
}

func randomQuery(rng *rand.Rand) string {
	options := []string{"", "0", "1", "100", "101", "-5", "abc", "eyJuIjoiIiwiaSI6IngifQ", "%FF", "eyJ0IjoiYWJjIiwiaSI6IngifQ", "e30"}
	return options[rng.IntN(len(options))]
}

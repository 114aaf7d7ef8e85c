package integration

import (
	"net/http"
	"testing"

	"github.com/google/go-cmp/cmp"
)

type settings struct {
	InMail                string `json:"inmail"`
	OpenProfile           bool   `json:"openProfile"`
	ProfileVisibility     string `json:"profileVisibility"`
	ConnectionsVisibility string `json:"connectionsVisibility"`
	Searchable            bool   `json:"searchable"`
}

type me struct {
	ID            string   `json:"id"`
	Name          string   `json:"name"`
	Headline      string   `json:"headline"`
	Company       string   `json:"company"`
	Settings      settings `json:"settings"`
	InMailCredits int      `json:"inmailCredits"`
}

var defaultSettings = settings{InMail: "anyone", ProfileVisibility: "everyone", ConnectionsVisibility: "connections", Searchable: true}

func TestPutMember(t *testing.T) {
	id := ids(t)
	path := "/v1/admin/members/" + id("jane")
	admin(t).do(http.MethodPut, path, map[string]any{
		"name": "Jane Smith", "headline": "Engineering Manager", "company": "Acme", "inmailCredits": 4,
	}).expect(http.StatusCreated)

	var got me
	as(t, id("jane")).get("/v1/me").expect(http.StatusOK).into(&got)
	want := me{ID: id("jane"), Name: "Jane Smith", Headline: "Engineering Manager", Company: "Acme",
		Settings: defaultSettings, InMailCredits: 4}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Fatalf("GET /v1/me (-want +got):\n%s", diff)
	}

	t.Run("UpdateKeepsCreditsAndSettings", func(t *testing.T) {
		as(t, id("jane")).do(http.MethodPatch, "/v1/me/settings", map[string]any{"inmail": "off"}).expect(http.StatusOK)
		admin(t).do(http.MethodPut, path, map[string]any{"name": "Jane Doe", "headline": "VP Engineering"}).
			expect(http.StatusOK)
		var got me
		as(t, id("jane")).get("/v1/me").expect(http.StatusOK).into(&got)
		want := me{ID: id("jane"), Name: "Jane Doe", Headline: "VP Engineering", InMailCredits: 4,
			Settings: settings{InMail: "off", ProfileVisibility: "everyone", ConnectionsVisibility: "connections", Searchable: true}}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Fatalf("after update (-want +got):\n%s", diff)
		}
	})
	t.Run("SetCredits", func(t *testing.T) {
		admin(t).do(http.MethodPut, path, map[string]any{"name": "Jane Doe", "inmailCredits": 0}).expect(http.StatusOK)
		var got me
		as(t, id("jane")).get("/v1/me").expect(http.StatusOK).into(&got)
		if got.InMailCredits != 0 {
			t.Fatalf("inmailCredits %d, want 0", got.InMailCredits)
		}
	})
	t.Run("Invalid", func(t *testing.T) {
		cases := []struct {
			name, path string
			body       any
			field      string
		}{
			{"NameMissing", path, map[string]any{"headline": "x"}, "name"},
			{"NameBlank", path, map[string]any{"name": "  "}, "name"},
			{"NameWrongType", path, map[string]any{"name": 42}, "name"},
			{"CreditsNegative", path, map[string]any{"name": "J", "inmailCredits": -1}, "inmailCredits"},
			{"CreditsNotWhole", path, map[string]any{"name": "J", "inmailCredits": 1.5}, "inmailCredits"},
			{"UnknownField", path, map[string]any{"name": "J", "title": "CEO"}, "title"},
			{"HeadlineTooLong", path, map[string]any{"name": "J", "headline": string(make([]rune, 221))}, "headline"},
			{"BadID", "/v1/admin/members/has.dot", map[string]any{"name": "J"}, "id"},
			{"IDTooLong", "/v1/admin/members/" + string(repeat('a', 65)), map[string]any{"name": "J"}, "id"},
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				p := admin(t).do(http.MethodPut, tc.path, tc.body).expectProblem(http.StatusBadRequest)
				if p.Field != tc.field {
					t.Errorf("field %q, want %q (%s)", p.Field, tc.field, p.Detail)
				}
			})
		}
	})
}

func repeat(r rune, n int) []rune {
	out := make([]rune, n)
	for i := range out {
		out[i] = r
	}
	return out
}

func TestSettings(t *testing.T) {
	id := ids(t)
	member(t, id("me"), "Me")
	c := as(t, id("me"))

	var got settings
	c.do(http.MethodPatch, "/v1/me/settings", map[string]any{}).expect(http.StatusOK).into(&got)
	if diff := cmp.Diff(defaultSettings, got); diff != "" {
		t.Fatalf("defaults (-want +got):\n%s", diff)
	}
	c.do(http.MethodPatch, "/v1/me/settings", map[string]any{
		"inmail": "network", "openProfile": true, "profileVisibility": "connections",
		"connectionsVisibility": "only_me", "searchable": false,
	}).expect(http.StatusOK).into(&got)
	want := settings{InMail: "network", OpenProfile: true, ProfileVisibility: "connections", ConnectionsVisibility: "only_me"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Fatalf("after change (-want +got):\n%s", diff)
	}
	// A partial change leaves the rest alone.
	c.do(http.MethodPatch, "/v1/me/settings", map[string]any{"searchable": true}).expect(http.StatusOK).into(&got)
	want.Searchable = true
	if diff := cmp.Diff(want, got); diff != "" {
		t.Fatalf("after partial change (-want +got):\n%s", diff)
	}

	for _, tc := range []struct {
		name  string
		body  any
		field string
	}{
		{"InMail", map[string]any{"inmail": "everyone"}, "inmail"},
		{"ProfileVisibility", map[string]any{"profileVisibility": "public"}, "profileVisibility"},
		{"ConnectionsVisibility", map[string]any{"connectionsVisibility": "all"}, "connectionsVisibility"},
		{"OpenProfileType", map[string]any{"openProfile": "yes"}, "openProfile"},
		{"Unknown", map[string]any{"darkMode": true}, "darkMode"},
	} {
		t.Run("Invalid"+tc.name, func(t *testing.T) {
			p := as(t, id("me")).do(http.MethodPatch, "/v1/me/settings", tc.body).expectProblem(http.StatusBadRequest)
			if p.Field != tc.field {
				t.Errorf("field %q, want %q", p.Field, tc.field)
			}
		})
	}
	t.Run("UnknownCaller", func(t *testing.T) {
		as(t, id("ghost")).get("/v1/me").expectProblem(http.StatusUnauthorized)
	})
}

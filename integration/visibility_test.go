package integration

import (
	"net/http"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestProfileVisibility checks GET /v1/members/{id} against each profileVisibility setting, seen
// from every distance: the whole profile, or only id, name, headline, degree and label.
func TestProfileVisibility(t *testing.T) {
	id := ids(t)
	// p - first - second - third - fourth; stranger stands apart.
	network(t, id, [2]string{"p", "first"}, [2]string{"first", "second"}, [2]string{"second", "third"},
		[2]string{"third", "fourth"})
	member(t, id("stranger"), "Stranger")
	admin(t).do(http.MethodPut, "/v1/admin/members/"+id("p"), map[string]any{
		"name": "Pat Private", "headline": "Head of Secrets", "company": "Initech",
	}).expect(http.StatusOK)

	none := func() map[string]any { return map[string]any{"total": float64(0), "items": []any{}} }
	full := func(degree any, label string, mutual float64) map[string]any {
		return map[string]any{
			"id": id("p"), "name": "Pat Private", "headline": "Head of Secrets", "company": "Initech",
			"connectionsCount": float64(1), "degree": degree, "label": label, "mutualCount": mutual,
			"shared": map[string]any{"companies": none(), "schools": none(), "groups": none()},
		}
	}
	limited := func(degree any, label string) map[string]any {
		return map[string]any{"id": id("p"), "name": "Pat Private", "headline": "Head of Secrets", "degree": degree, "label": label}
	}
	viewers := []struct {
		name, id string
		degree   any // as JSON decodes it
		label    string
		mutual   float64
	}{
		{"Self", id("p"), float64(0), "you", 0},
		{"FirstDegree", id("first"), float64(1), "1st", 0},
		{"SecondDegree", id("second"), float64(2), "2nd", 1},
		{"ThirdDegree", id("third"), float64(3), "3rd", 0},
		{"FourHops", id("fourth"), nil, "out_of_network", 0},
		{"OutOfNetwork", id("stranger"), nil, "out_of_network", 0},
	}
	for _, tc := range []struct {
		setting string
		sees    []string // the viewers who see the whole profile
	}{
		{"everyone", []string{"Self", "FirstDegree", "SecondDegree", "ThirdDegree", "FourHops", "OutOfNetwork"}},
		{"network", []string{"Self", "FirstDegree", "SecondDegree", "ThirdDegree"}},
		{"connections", []string{"Self", "FirstDegree"}},
	} {
		t.Run(tc.setting, func(t *testing.T) {
			var s settings
			as(t, id("p")).do(http.MethodPatch, "/v1/me/settings", map[string]string{"profileVisibility": tc.setting}).
				expect(http.StatusOK).into(&s)
			if s.ProfileVisibility != tc.setting {
				t.Fatalf("profileVisibility %q after setting %q", s.ProfileVisibility, tc.setting)
			}
			for _, v := range viewers {
				name, want := v.name+"SeesLimited", limited(v.degree, v.label)
				if slices.Contains(tc.sees, v.name) {
					name, want = v.name+"SeesFull", full(v.degree, v.label, v.mutual)
				}
				t.Run(name, func(t *testing.T) {
					var got map[string]any
					as(t, v.id).get("/v1/members/" + id("p")).expect(http.StatusOK).into(&got)
					if diff := cmp.Diff(want, got); diff != "" {
						t.Errorf("profile of a member with profileVisibility %s (-want +got):\n%s", tc.setting, diff)
					}
				})
			}
		})
	}
}

package integration

import (
	"net/http"
	"testing"
)

func TestDegreeLabels(t *testing.T) {
	id := ids(t)
	// me - a - b - c - d ; x - y stands apart. a and a2 are both 1st degree and both know b.
	network(t, id,
		[2]string{"me", "a"}, [2]string{"me", "a2"}, [2]string{"a", "b"}, [2]string{"a2", "b"},
		[2]string{"b", "c"}, [2]string{"c", "d"}, [2]string{"x", "y"},
	)
	deg := func(n int) *int { return &n }
	cases := []struct {
		name   string
		target string
		want   reach
	}{
		{"Self", "me", reach{Degree: deg(0), Label: "you"}},
		{"First", "a", reach{Degree: deg(1), Label: "1st"}},
		{"Second", "b", reach{Degree: deg(2), Label: "2nd", MutualCount: 2}},
		{"Third", "c", reach{Degree: deg(3), Label: "3rd"}},
		{"FourHops", "d", reach{Label: "out_of_network"}},
		{"Unconnected", "x", reach{Label: "out_of_network"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := reachability(t, id("me"), id(tc.target))
			if (got.Degree == nil) != (tc.want.Degree == nil) || (got.Degree != nil && *got.Degree != *tc.want.Degree) ||
				got.Label != tc.want.Label || got.MutualCount != tc.want.MutualCount {
				t.Errorf("reachability of %s: got %+v (degree %v), want %+v (degree %v)",
					tc.target, got, deref(got.Degree), tc.want, deref(tc.want.Degree))
			}
		})
	}
	t.Run("UnknownMember", func(t *testing.T) {
		as(t, id("me")).get("/v1/members/" + id("nobody") + "/reachability").expectProblem(http.StatusNotFound)
	})
}

func deref(p *int) any {
	if p == nil {
		return nil
	}
	return *p
}

package seed

import (
	"reflect"
	"slices"
	"testing"
)

// TestGeneratedAffiliations checks the shape of positions and groups: every member holds one
// current position at their company and one at their school, past positions end before the
// current one begins; groups are many and mostly small with a few huge ones, a handful per
// member on average; and the same seed makes the same affiliations, another seed others.
func TestGeneratedAffiliations(t *testing.T) {
	spec := Spec{Members: 20000, AvgDegree: 10, Seed: 3}
	g := generate(t, spec)
	current := make([]int, len(g.members))
	for k := range g.Counts().Positions {
		p := g.Position(k)
		if p.To != nil && *p.To < p.From {
			t.Fatalf("position %+v ends before it begins", p)
		}
		if p.To == nil {
			current[g.positions[k].member]++
			if int(g.positions[k].org) != int(g.members[g.positions[k].member].company) {
				t.Fatalf("member %d's current position is at %s, not their company", g.positions[k].member, p.Org)
			}
		}
	}
	for i, n := range current {
		if n != 1 {
			t.Fatalf("member %d holds %d current positions, want 1", i, n)
		}
	}
	c := g.Counts()
	perMember := float64(c.Memberships) / float64(c.Members)
	sizes := g.GroupSizes()
	slices.Sort(sizes)
	largest, median := sizes[len(sizes)-1], sizes[len(sizes)/2]
	t.Logf("%d organisations, %d positions; %d groups, %.2f per member, largest %d members, median %d",
		c.Organisations, c.Positions, c.Groups, perMember, largest, median)
	switch {
	case perMember < 2 || perMember > 4:
		t.Errorf("%.2f groups per member, want a handful (2 to 4)", perMember)
	case largest < c.Members/100:
		t.Errorf("the largest group holds %d members, want a huge one (at least 1%% of %d)", largest, c.Members)
	case float64(median) > perMember*float64(c.Members)/float64(c.Groups)/2:
		t.Errorf("the median group holds %d members, want most groups small: under half the mean", median)
	case c.Groups < c.Members/20:
		t.Errorf("%d groups for %d members, want many", c.Groups, c.Members)
	}
	again := generate(t, spec)
	if !reflect.DeepEqual(g.positions, again.positions) || !slices.Equal(g.memberships, again.memberships) {
		t.Error("the same seed made different positions or groups")
	}
	other := spec
	other.Seed = 4
	if slices.Equal(g.memberships, generate(t, other).memberships) {
		t.Error("seeds 3 and 4 made the same groups")
	}
}

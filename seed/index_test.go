package seed

import (
	"strconv"
	"testing"
)

// TestIndexViews checks the index-level views against the rows made with ids.
func TestIndexViews(t *testing.T) {
	g := generate(t, Spec{Members: 2000, AvgDegree: 20, Seed: 3})
	index := func(id string) int {
		i, err := strconv.Atoi(id[1:])
		if err != nil {
			t.Fatal(err)
		}
		return i
	}
	for k := range g.Counts().Connections {
		a, b := g.Ends(k)
		c := g.Connection(k)
		if a >= b || !g.Connected(a, b) || (min(index(c.A), index(c.B)) != a || max(index(c.A), index(c.B)) != b) {
			t.Fatalf("connection %d: Ends %d, %d; row %+v", k, a, b, c)
		}
	}
	for k := range g.Counts().Blocks {
		by, member := g.BlockEnds(k)
		if b := g.Block(k); g.ID(by) != b.By || g.ID(member) != b.Member {
			t.Fatalf("block %d: BlockEnds %d, %d; row %+v", k, by, member, b)
		}
	}
	for i := range g.Counts().Members {
		if c := g.Company(i); c < 0 || c >= g.Companies() || companyName(c) != g.Member(i).Company {
			t.Fatalf("member %d: company %d of %d, row says %q", i, c, g.Companies(), g.Member(i).Company)
		}
	}
}

package answer

import (
	"context"
	"testing"
	"time"

	"github.com/reach-network/reach/graph"
	"github.com/reach-network/reach/graph/projection"
)

// neo4jPages is the chain's next link as far as mutual pages go: it counts the pages handed to it
// and answers each with one member named as Neo4j holds the name.
type neo4jPages struct {
	blocking
	asked int
}

func (n *neo4jPages) MutualConnections(context.Context, string, string, graph.PageRequest) (graph.Page[graph.MemberSummary], error) {
	n.asked++
	return graph.Page[graph.MemberSummary]{Items: []graph.MemberSummary{{ID: "x", Name: "Xavier"}}, Total: 1}, nil
}

// TestUnnamedMutualConnectionsGoToNeo4j: when a change without names (a replica of a version
// before names were kept in memory wrote it) leaves a mutual connection's name unknown to memory,
// the memory link hands the page to the next link rather than answer with a name it may not hold
// or fail the read; pages with every name known it answers itself.
func TestUnnamedMutualConnectionsGoToNeo4j(t *testing.T) {
	p := projection.NewProjection()
	st := projection.NewState("e", []int64{0})
	p.Publish(st, time.Now())
	connected := int64(1) // the pair bit of a connection
	apply := func(seq int64, members []any, names []any) {
		t.Helper()
		c := map[string]any{"seq": seq, "reload": false, "members": members, "present": []any{true, true, true}[:len(members)],
			"pairA": []any{"a", "b"}, "pairB": []any{"x", "x"}, "pairBits": []any{connected, connected}}
		if names != nil {
			c["names"], c["headlines"] = names, []any{"", "", ""}[:len(names)]
		}
		if _, err := p.Apply(st, []any{c}); err != nil {
			t.Fatal(err)
		}
		p.CaughtUp(time.Now(), true)
	}
	apply(1, []any{"a", "b", "x"}, []any{"Ann", "Bob", "Xena"})
	next := &neo4jPages{}
	m := &memory{projection: p, freshness: projection.DefaultFreshness, next: next}
	page, err := m.MutualConnections(context.Background(), "a", "b", graph.PageRequest{Limit: 10})
	if err != nil || next.asked != 0 || len(page.Items) != 1 || page.Items[0].Name != "Xena" {
		t.Fatalf("every name known: %+v, %v, %d pages to Neo4j; want Xena from memory", page, err, next.asked)
	}
	apply(2, []any{"x"}, nil)
	page, err = m.MutualConnections(context.Background(), "a", "b", graph.PageRequest{Limit: 10})
	if err != nil || next.asked != 1 || len(page.Items) != 1 || page.Items[0].Name != "Xavier" {
		t.Errorf("x unnamed: %+v, %v, %d pages to Neo4j; want Neo4j's page", page, err, next.asked)
	}
}

package integration

import (
	"context"
	"fmt"
	"net/http"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/reach-network/reach/bench/baseline"
)

// TestBaselineAgrees checks that the benchmark's baseline (shortestPath and separate queries)
// answers what reach answers on a network without blocks, so the benchmark compares like with
// like.
func TestBaselineAgrees(t *testing.T) {
	id := ids(t)
	network(t, id,
		[2]string{"a", "b"}, [2]string{"b", "c"}, [2]string{"c", "d"}, [2]string{"d", "e"},
		[2]string{"a", "f"}, [2]string{"f", "c"}, [2]string{"x", "y"},
	)
	credits(t, id("a"), 2)
	set(t, id("d"), map[string]any{"inmail": "off"})
	set(t, id("e"), map[string]any{"openProfile": true})
	ctx := context.Background()
	base := baseline.NewBaseline(env.store.Store)
	names := []string{"a", "b", "c", "d", "e", "f", "x"}
	for _, from := range names {
		for _, to := range names {
			r, err := env.store.Relation(ctx, id(from), id(to))
			if err != nil {
				t.Fatal(err)
			}
			b, err := base.Reachability(ctx, id(from), id(to))
			if err != nil {
				t.Fatal(err)
			}
			got := fmt.Sprint(b.Degree, b.MutualCount, b.Messaging)
			want := fmt.Sprint(r.Degree, r.MutualCount, r.Messaging)
			if got != want {
				t.Errorf("%s → %s: baseline %s, reach %s", from, to, got, want)
			}
		}
	}
	page, err := base.MutualConnections(ctx, id("a"), id("c"), 20)
	if err != nil {
		t.Fatal(err)
	}
	var want summaryPage
	as(t, id("a")).get("/v1/members/" + id("c") + "/mutual-connections").expect(http.StatusOK).into(&want)
	var got []summary
	for _, m := range page.Items {
		got = append(got, summary{ID: m.ID, Name: m.Name, Headline: m.Headline})
	}
	if diff := cmp.Diff(want.Items, got); diff != "" || page.Total != *want.Total {
		t.Errorf("baseline mutual connections (-reach +baseline):\n%s total %d vs %d", diff, page.Total, *want.Total)
	}
}

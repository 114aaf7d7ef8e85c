package integration

import (
	"context"
	"net/http"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/reach-network/reach/bench/baseline"
)

// TestBaselineMutualConnections checks that the benchmark's baseline answers the first page of
// mutual connections, and their total, as reach's API does, so that the benchmark compares like
// with like. How the baseline answers reachability is TestConformance's.
func TestBaselineMutualConnections(t *testing.T) {
	id := ids(t)
	network(t, id, [2]string{"a", "b"}, [2]string{"b", "c"}, [2]string{"a", "f"}, [2]string{"f", "c"}, [2]string{"c", "d"})
	page, err := baseline.NewBaseline(env.store.Store).MutualConnections(context.Background(), id("a"), id("c"), 20)
	if err != nil {
		t.Fatal(err)
	}
	var want summaryPage
	as(t, id("a")).get("/v1/members/" + id("c") + "/mutual-connections").expect(http.StatusOK).into(&want)
	var got []summary
	for _, m := range page.Items {
		got = append(got, summary{ID: m.ID, Name: m.Name, Headline: m.Headline})
	}
	if diff := cmp.Diff(want.Items, got); diff != "" || page.Total != *want.Total || page.Total != 2 {
		t.Errorf("baseline mutual connections (-reach +baseline):\n%s total %d vs %d, want 2", diff, page.Total, *want.Total)
	}
}

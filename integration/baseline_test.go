package integration

import (
	"context"
	"net/http"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
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

// TestBenchMedianMailboxes checks whom the benchmark pages as the median mailbox: members whose
// inbox fills a page, holding at most the median number of conversations among such members, so
// that their page is as long as the largest mailboxes' and the two differ by mailbox size only.
func TestBenchMedianMailboxes(t *testing.T) {
	const page = 20
	id := ids(t)
	for who, conversations := range map[string]int{"short": page - 1, "full": page, "fuller": page + 2} {
		member(t, id(who), who)
		importConversations(t, id, who, conversations)
	}
	ctx := context.Background()
	drawn, err := baseline.NewBaseline(env.store.Store).MedianMailboxes(ctx, 100_000, page)
	if err != nil {
		t.Fatal(err)
	}
	res, err := neo4j.ExecuteQuery(ctx, env.store.DB().Driver, `
		MATCH (m:Member)
		WITH m.id AS id, COUNT { (m)-[s:IN]->(:Conversation) WHERE s.boxKey STARTS WITH m.id + ' inbox ' } AS inbox
		WHERE inbox > 0
		RETURN id, inbox`, nil, neo4j.EagerResultTransformer, neo4j.ExecuteQueryWithReadersRouting())
	if err != nil {
		t.Fatal(err)
	}
	inbox := map[string]int64{}
	var full []int64
	for _, rec := range res.Records {
		n := rec.Values[1].(int64)
		inbox[rec.Values[0].(string)] = n
		if n >= page {
			full = append(full, n)
		}
	}
	slices.Sort(full)
	median := full[len(full)/2] // the upper median: Neo4j's percentileDisc answers it or the one below
	if len(drawn) == 0 || !slices.Contains(drawn, id("full")) {
		t.Errorf("drew %d members, want at least %s, whose inbox fills one page", len(drawn), id("full"))
	}
	for _, m := range drawn {
		if inbox[m] < page || inbox[m] > median {
			t.Errorf("drew %s with %d conversations in the inbox, want %d to %d", m, inbox[m], page, median)
		}
	}
}

package integration

import (
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"testing"

	"github.com/google/go-cmp/cmp"
)

type summary struct {
	ID       string `json:"id"`
	Name     string `json:"name"`
	Headline string `json:"headline"`
}

type summaryPage struct {
	Total      *int      `json:"total"`
	Items      []summary `json:"items"`
	NextCursor *string   `json:"nextCursor"`
}

// pageAll follows nextCursor from the first page to the last and returns every item in order,
// checking that each page reports the same total.
func pageAll(t *testing.T, c *client, path string, limit int) ([]summary, int) {
	t.Helper()
	var all []summary
	total, cursor := -1, ""
	for pages := 0; ; pages++ {
		if pages > 1000 {
			t.Fatal("paging does not end")
		}
		q := url.Values{"limit": {fmt.Sprint(limit)}}
		if cursor != "" {
			q.Set("cursor", cursor)
		}
		var p summaryPage
		c.get(path + "?" + q.Encode()).expect(http.StatusOK).into(&p)
		if p.Total == nil {
			t.Fatal("page without total")
		}
		if total >= 0 && *p.Total != total {
			t.Fatalf("total changed from %d to %d between pages", total, *p.Total)
		}
		total = *p.Total
		if len(p.Items) > limit {
			t.Fatalf("page of %d items, limit %d", len(p.Items), limit)
		}
		all = append(all, p.Items...)
		if p.NextCursor == nil {
			return all, total
		}
		if len(p.Items) != limit {
			t.Fatalf("a page of %d items before the last, want %d", len(p.Items), limit)
		}
		cursor = *p.NextCursor
	}
}

func TestMutualConnections(t *testing.T) {
	id := ids(t)
	member(t, id("me"), "Me")
	member(t, id("them"), "Them")
	var want []summary
	// 45 mutual connections, some sharing a name so the order must fall back to the id.
	for i := range 45 {
		mid := id(fmt.Sprintf("m%02d", i))
		name := fmt.Sprintf("Mutual %02d", i%30)
		member(t, mid, name)
		connect(t, id("me"), mid)
		connect(t, id("them"), mid)
		want = append(want, summary{ID: mid, Name: name})
	}
	// Connections of only one side are not mutual.
	for i := range 5 {
		member(t, id(fmt.Sprintf("mine%d", i)), "Mine")
		connect(t, id("me"), id(fmt.Sprintf("mine%d", i)))
		member(t, id(fmt.Sprintf("theirs%d", i)), "Theirs")
		connect(t, id("them"), id(fmt.Sprintf("theirs%d", i)))
	}
	sort.Slice(want, func(i, j int) bool {
		if want[i].Name != want[j].Name {
			return want[i].Name < want[j].Name
		}
		return want[i].ID < want[j].ID
	})
	path := "/v1/members/" + id("them") + "/mutual-connections"

	for _, limit := range []int{1, 7, 20, 45, 100} {
		t.Run(fmt.Sprintf("Limit%d", limit), func(t *testing.T) {
			got, total := pageAll(t, as(t, id("me")), path, limit)
			if total != 45 {
				t.Errorf("total %d, want 45", total)
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("mutual connections, every one once and in order (-want +got):\n%s", diff)
			}
		})
	}
	t.Run("Symmetric", func(t *testing.T) {
		got, _ := pageAll(t, as(t, id("them")), "/v1/members/"+id("me")+"/mutual-connections", 50)
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("(-want +got):\n%s", diff)
		}
	})
	t.Run("DefaultLimit", func(t *testing.T) {
		var p summaryPage
		as(t, id("me")).get(path).expect(http.StatusOK).into(&p)
		if len(p.Items) != 20 || p.NextCursor == nil {
			t.Errorf("first page has %d items (next %v), want 20 and a cursor", len(p.Items), p.NextCursor)
		}
	})
	t.Run("MatchesReachability", func(t *testing.T) {
		if r := reachability(t, id("me"), id("them")); r.MutualCount != 45 || r.Label != "2nd" {
			t.Errorf("reachability %+v, want 2nd with 45 mutual connections", r)
		}
	})
	t.Run("None", func(t *testing.T) {
		var p summaryPage
		as(t, id("me")).get("/v1/members/" + id("theirs0") + "/mutual-connections").expect(http.StatusOK).into(&p)
		if *p.Total != 0 || len(p.Items) != 0 || p.NextCursor != nil {
			t.Errorf("got %+v, want an empty last page", p)
		}
	})
	t.Run("BadInput", func(t *testing.T) {
		c := as(t, id("me"))
		for _, q := range []string{"limit=0", "limit=101", "limit=ten", "limit=-3", "cursor=not-a-cursor", "cursor=eyJ4IjoxfQ"} {
			p := c.get(path + "?" + q).expectProblem(http.StatusBadRequest)
			if want := q[:len("limit")]; q[0] == 'l' && p.Field != want {
				t.Errorf("%s: field %q, want limit", q, p.Field)
			}
			if q[0] == 'c' && p.Field != "cursor" {
				t.Errorf("%s: field %q, want cursor", q, p.Field)
			}
		}
		c.get("/v1/members/" + id("nobody") + "/mutual-connections").expectProblem(http.StatusNotFound)
	})
}

func TestPath(t *testing.T) {
	id := ids(t)
	// Two routes of length 3 from me to d, one of length 2 to b2; e is 4 hops away.
	edges := [][2]string{
		{"me", "a"}, {"a", "b"}, {"b", "d"},
		{"me", "a2"}, {"a2", "b2"}, {"b2", "d"},
		{"d", "e"}, {"x", "y"},
	}
	network(t, id, edges...)
	connected := map[[2]string]bool{}
	for _, e := range edges {
		connected[[2]string{id(e[0]), id(e[1])}] = true
		connected[[2]string{id(e[1]), id(e[0])}] = true
	}
	type step struct{ ID, Name string }
	get := func(t *testing.T, to string) []step {
		var out struct{ Path []step }
		as(t, id("me")).get("/v1/members/" + id(to) + "/path").expect(http.StatusOK).into(&out)
		return out.Path
	}
	for _, tc := range []struct {
		to   string
		hops int
	}{{"me", 0}, {"a", 1}, {"b2", 2}, {"d", 3}} {
		t.Run(tc.to, func(t *testing.T) {
			p := get(t, tc.to)
			if len(p) != tc.hops+1 {
				t.Fatalf("path %v has %d hops, want %d", p, len(p)-1, tc.hops)
			}
			if p[0].ID != id("me") || p[len(p)-1].ID != id(tc.to) {
				t.Fatalf("path %v does not run from me to %s", p, tc.to)
			}
			for i := 1; i < len(p); i++ {
				if !connected[[2]string{p[i-1].ID, p[i].ID}] {
					t.Fatalf("path %v: %s and %s are not connected", p, p[i-1].ID, p[i].ID)
				}
				if p[i].Name == "" {
					t.Fatalf("path %v: step without a name", p)
				}
			}
		})
	}
	t.Run("BeyondThreeHops", func(t *testing.T) {
		as(t, id("me")).get("/v1/members/" + id("e") + "/path").expectProblem(http.StatusNotFound)
	})
	t.Run("Unconnected", func(t *testing.T) {
		as(t, id("me")).get("/v1/members/" + id("x") + "/path").expectProblem(http.StatusNotFound)
	})
	t.Run("UnknownMember", func(t *testing.T) {
		as(t, id("me")).get("/v1/members/" + id("nobody") + "/path").expectProblem(http.StatusNotFound)
	})
}

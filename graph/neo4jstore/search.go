package neo4jstore

import (
	"context"
	"slices"
	"strings"

	"github.com/reach-network/reach/cypher"
	"github.com/reach-network/reach/graph"
	"github.com/reach-network/reach/graph/bolt"
)

// SearchCap bounds how many name matches outside the caller's connections are ranked: the first
// of the whole network in name order.
const SearchCap = 500

// Search finds members whose name starts with query, case-insensitively, ranked by how close they
// are to the caller. Every match among the caller's connections is ranked, and the first
// SearchCap matches of the whole network, so that its cost is bounded whatever the caller's second
// degree (cypher/SearchMembers.cypher); members who are not searchable are found only by their
// connections, and members in a block relation with the caller never.
func (s *Store) Search(ctx context.Context, caller, query string, page graph.PageRequest) (_ graph.Page[graph.Found], err error) {
	defer bolt.Wrap(&err, "Search(%q, %q)", caller, query)
	var after graph.RankKey
	hasAfter, err := graph.DecodeCursor(page.After, &after)
	if err != nil {
		return graph.Page[graph.Found]{}, err
	}
	recs, err := s.db.Read(ctx, cypher.SearchMembers, map[string]any{
		"caller": caller, "prefix": strings.ToLower(query), "cap": int64(SearchCap),
	})
	if err != nil {
		return graph.Page[graph.Found]{}, err
	}
	if len(recs) == 0 {
		return graph.Page[graph.Found]{}, graph.MemberNotFound(caller)
	}
	ids, err := bolt.Value[[]any](recs[0], "ids")
	if err != nil {
		return graph.Page[graph.Found]{}, err
	}
	candidates := make([]string, 0, len(ids))
	for _, id := range ids {
		if s, ok := id.(string); ok {
			candidates = append(candidates, s)
		}
	}
	relations, err := s.Relations(ctx, caller, candidates)
	if err != nil {
		return graph.Page[graph.Found]{}, err
	}
	found := make([]graph.Found, 0, len(relations))
	for _, r := range relations {
		f := graph.Found{
			Member: graph.MemberSummary{ID: r.Member.ID, Name: r.Member.Name, Headline: r.Member.Headline},
			Degree: r.Degree, MutualCount: r.MutualCount,
		}
		if !hasAfter || graph.KeyOf(f).Compare(after) > 0 {
			found = append(found, f)
		}
	}
	slices.SortFunc(found, func(a, b graph.Found) int { return graph.KeyOf(a).Compare(graph.KeyOf(b)) })
	return graph.PageOf(found, page.Limit, func(f graph.Found) any { return graph.KeyOf(f) }), nil
}

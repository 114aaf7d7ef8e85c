package neo4jstore

import (
	"context"
	"strings"

	"github.com/reach-network/reach/cypher"
	"github.com/reach-network/reach/graph"
	"github.com/reach-network/reach/graph/bolt"
)

// SearchCap bounds how many name matches outside the caller's connections are ranked: the first
// of the whole network in name order.
const SearchCap = 500

// SearchCandidates finds the members whose name starts with query, case-insensitively, for the
// caller to rank (graph.RankPage): every match among the caller's connections, and the first
// SearchCap matches of the whole network, so that its cost is bounded whatever the caller's
// second degree (cypher/SearchMembers.cypher). Members who are not searchable are found only by
// their connections, and members in a block relation with the caller never.
func (s *Store) SearchCandidates(ctx context.Context, caller, query string) (_ []graph.MemberSummary, err error) {
	defer bolt.Wrap(&err, "SearchCandidates(%q, %q)", caller, query)
	recs, err := s.db.Read(ctx, cypher.SearchMembers, map[string]any{
		"caller": caller, "prefix": strings.ToLower(query), "cap": int64(SearchCap),
	})
	if err != nil {
		return nil, err
	}
	if len(recs) == 0 {
		return nil, graph.MemberNotFound(caller)
	}
	rows, err := bolt.Value[[]any](recs[0], "found")
	if err != nil {
		return nil, err
	}
	found := make([]graph.MemberSummary, 0, len(rows))
	for _, row := range rows {
		m, _ := row.(map[string]any)
		id, _ := m["id"].(string)
		name, _ := m["name"].(string)
		headline, _ := m["headline"].(string)
		found = append(found, graph.MemberSummary{ID: id, Name: name, Headline: headline})
	}
	return found, nil
}

package neo4jstore

import (
	"context"
	"errors"
	"fmt"

	"github.com/reach-network/reach/cypher"
	"github.com/reach-network/reach/graph"
	"github.com/reach-network/reach/graph/bolt"
)

// sharedFromNeo4j works out what the caller shares with each of members from Neo4j, with the
// rule the projection applies; members who do not exist are left out.
func (s *Store) sharedFromNeo4j(ctx context.Context, caller string, members []string) (map[string]graph.Shared, error) {
	recs, err := s.db.Read(ctx, cypher.SharedAffiliations, map[string]any{"caller": caller, "batch": map[string]any{"members": members}})
	if err != nil {
		return nil, err
	}
	out := make(map[string]graph.Shared, len(recs))
	for _, rec := range recs {
		id, e1 := bolt.Value[string](rec, "id")
		orgs, e2 := bolt.Value[[]any](rec, "organisations")
		groups, e3 := bolt.Value[[]any](rec, "groups")
		if e1 != nil || e2 != nil || e3 != nil {
			return nil, fmt.Errorf("shared: %w", errors.Join(e1, e2, e3))
		}
		var byKind [3][]graph.Affiliate // companies, schools, groups
		for _, v := range append(orgs, groups...) {
			m, _ := v.(map[string]any)
			a := graph.Affiliate{}
			a.ID, _ = bolt.Field[string](m, "id")
			a.Name, _ = bolt.Field[string](m, "name")
			kind, _ := bolt.Field[string](m, "kind")
			i := map[string]int{string(graph.School): 1, "group": 2}[kind]
			byKind[i] = append(byKind[i], a)
		}
		out[id] = graph.Shared{Companies: graph.NewSharedList(byKind[0]), Schools: graph.NewSharedList(byKind[1]), Groups: graph.NewSharedList(byKind[2])}
	}
	return out, nil
}

package neo4jstore

import (
	"context"

	"github.com/reach-network/reach/graph"
	"github.com/reach-network/reach/graph/bolt"
)

// Reachability returns how the caller stands to a member from Neo4j, with what they share.
// Returns ErrNotFound if either does not exist, or the member is in a block relation with the
// caller.
func (s *Store) Reachability(ctx context.Context, caller, member string) (graph.Reach, error) {
	r, err := s.Relation(ctx, caller, member)
	return r.Reach, err
}

// Reachabilities is Reachability for many members at once; members not found or in a block
// relation with the caller are left out, as Relations leaves them out.
func (s *Store) Reachabilities(ctx context.Context, caller string, members []string) (_ map[string]graph.Reach, err error) {
	defer bolt.Wrap(&err, "Reachabilities(%q, %d members)", caller, len(members))
	rels, err := s.Relations(ctx, caller, members)
	if err != nil || len(rels) == 0 {
		return nil, err
	}
	found := make([]string, 0, len(rels))
	for id := range rels {
		found = append(found, id)
	}
	shared, err := s.sharedFromNeo4j(ctx, caller, found)
	if err != nil {
		return nil, err
	}
	out := make(map[string]graph.Reach, len(rels))
	for id, r := range rels {
		r.Shared = shared[id]
		out[id] = r.Reach
	}
	return out, nil
}

// Standings is Reachabilities as a list's rows show it, from Neo4j (Relations), without what the
// two share.
func (s *Store) Standings(ctx context.Context, caller string, members []string) (_ map[string]graph.Standing, err error) {
	defer bolt.Wrap(&err, "Standings(%q, %d members)", caller, len(members))
	relations, err := s.Relations(ctx, caller, members)
	out := make(map[string]graph.Standing, len(relations))
	for id, r := range relations {
		out[id] = r.Standing()
	}
	return out, err
}

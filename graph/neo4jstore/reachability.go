package neo4jstore

import (
	"context"

	"github.com/reach-network/reach/graph"
	"github.com/reach-network/reach/graph/bolt"
)

// Reachability returns how the caller stands to a member from Neo4j, as Relation does, with what
// they share. Returns ErrNotFound if either does not exist, or the member is in a block relation
// with the caller.
func (s *Store) Reachability(ctx context.Context, caller, member string) (_ graph.Relation, err error) {
	defer bolt.Wrap(&err, "Reachability(%q, %q)", caller, member)
	r, err := s.Relation(ctx, caller, member)
	if err != nil {
		return graph.Relation{}, err
	}
	shared, err := s.sharedFromNeo4j(ctx, caller, []string{member})
	r.Shared = shared[member]
	return r, err
}

// Reachabilities is Reachability for many members at once; members not found or in a block
// relation with the caller are left out, as Relations leaves them out.
func (s *Store) Reachabilities(ctx context.Context, caller string, members []string) (_ map[string]graph.Relation, err error) {
	defer bolt.Wrap(&err, "Reachabilities(%q, %d members)", caller, len(members))
	return s.relationsWithShared(ctx, caller, members)
}

// relationsWithShared is Reachabilities from Neo4j: Relations, and what the caller shares with
// each member found.
func (s *Store) relationsWithShared(ctx context.Context, caller string, members []string) (map[string]graph.Relation, error) {
	rels, err := s.Relations(ctx, caller, members)
	if err != nil || len(rels) == 0 {
		return rels, err
	}
	found := make([]string, 0, len(rels))
	for id := range rels {
		found = append(found, id)
	}
	shared, err := s.sharedFromNeo4j(ctx, caller, found)
	if err != nil {
		return nil, err
	}
	for id, r := range rels {
		r.Shared = shared[id]
		rels[id] = r
	}
	return rels, nil
}

// Shared returns what the caller and a member share, from Neo4j; nothing when either does not
// exist.
func (s *Store) Shared(ctx context.Context, caller, member string) (_ graph.Shared, err error) {
	defer bolt.Wrap(&err, "Shared(%q, %q)", caller, member)
	shared, err := s.sharedFromNeo4j(ctx, caller, []string{member})
	return shared[member], err
}

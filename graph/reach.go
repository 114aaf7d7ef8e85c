package graph

import (
	"context"
	"fmt"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/reach-network/reach/cypher"
)

// Relation returns how the caller stands to a member: the member's profile, degree and mutual
// connection count, computed over connections in one round trip.
func (s *Store) Relation(ctx context.Context, caller, member string) (_ Relation, err error) {
	defer wrap(&err, "Relation(%q, %q)", caller, member)
	recs, err := s.read(ctx, cypher.Relation, map[string]any{"caller": caller, "member": member})
	if err != nil {
		return Relation{}, err
	}
	if len(recs) == 0 {
		return Relation{}, s.missing(ctx, caller, member)
	}
	rec := recs[0]
	m, err := value[map[string]any](rec, "member")
	if err != nil {
		return Relation{}, err
	}
	r := Relation{Degree: OutOfNetwork}
	if r.Member, err = toMember(m); err != nil {
		return Relation{}, err
	}
	connections, err1 := value[int64](rec, "connections")
	mutual, err2 := value[int64](rec, "mutual")
	degree, isNull, err3 := neo4j.GetRecordValue[int64](rec, "degree")
	for _, err := range []error{err1, err2, err3} {
		if err != nil {
			return Relation{}, fmt.Errorf("relation: %w", err)
		}
	}
	r.Connections, r.MutualCount = int(connections), int(mutual)
	if !isNull {
		r.Degree = Degree(degree)
	}
	return r, nil
}

// MutualConnections returns one page of the connections the caller and a member share, ordered by
// name, with their total.
func (s *Store) MutualConnections(ctx context.Context, caller, member string, page PageRequest) (_ Page[MemberSummary], err error) {
	defer wrap(&err, "MutualConnections(%q, %q)", caller, member)
	params, err := nameParams(page)
	if err != nil {
		return Page[MemberSummary]{}, err
	}
	params["caller"], params["member"] = caller, member
	recs, err := s.read(ctx, cypher.MutualConnections, params)
	if err != nil {
		return Page[MemberSummary]{}, err
	}
	if len(recs) == 0 {
		return Page[MemberSummary]{}, s.missing(ctx, caller, member)
	}
	return summaryPage(recs[0], page.Limit)
}

// Path returns one shortest chain of connections from the caller to a member, both ends included.
// It fails with ErrNotFound when the member is further than 3 hops away or not connected at all.
func (s *Store) Path(ctx context.Context, caller, member string) (_ []PathStep, err error) {
	defer wrap(&err, "Path(%q, %q)", caller, member)
	recs, err := s.read(ctx, cypher.Path, map[string]any{"caller": caller, "member": member})
	if err != nil {
		return nil, err
	}
	if len(recs) == 0 {
		return nil, s.missing(ctx, caller, member)
	}
	list, err := value[[]any](recs[0], "path")
	if err != nil {
		return nil, err
	}
	if list == nil {
		return nil, fail(ErrNotFound, "no chain of 3 connections or fewer leads to member %q", member)
	}
	steps := make([]PathStep, 0, len(list))
	for _, v := range list {
		sum, err := toSummary(v)
		if err != nil {
			return nil, err
		}
		steps = append(steps, PathStep{ID: sum.ID, Name: sum.Name})
	}
	return steps, nil
}

// missing names which of two members a statement that answered nothing could not find.
func (s *Store) missing(ctx context.Context, caller, member string) error {
	if _, err := s.Member(ctx, caller); err != nil {
		return err
	}
	return memberNotFound(member)
}

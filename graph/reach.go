package graph

import (
	"context"
	"fmt"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/reach-network/reach/cypher"
)

// Relation returns how the caller stands to a member: the member's profile, degree, mutual
// connection count and whether and how the caller may message them, computed in one round trip.
// A member in a block relation with the caller, either way, is not found.
func (s *Store) Relation(ctx context.Context, caller, member string) (_ Relation, err error) {
	defer wrap(&err, "Relation(%q, %q)", caller, member)
	recs, err := s.read(ctx, cypher.Relations, map[string]any{"caller": caller, "members": []any{member}})
	if err != nil {
		return Relation{}, err
	}
	if len(recs) == 0 {
		return Relation{}, s.missing(ctx, caller, member)
	}
	return s.toRelation(recs[0])
}

// Relations returns how the caller stands to each of members, as Relation does, in one round
// trip. Members not found or in a block relation with the caller are left out.
func (s *Store) Relations(ctx context.Context, caller string, members []string) (_ map[string]Relation, err error) {
	defer wrap(&err, "Relations(%q, %d members)", caller, len(members))
	ids := make([]any, len(members))
	for i, m := range members {
		ids[i] = m
	}
	recs, err := s.read(ctx, cypher.Relations, map[string]any{"caller": caller, "members": ids})
	if err != nil {
		return nil, err
	}
	out := make(map[string]Relation, len(recs))
	for _, rec := range recs {
		r, err := s.toRelation(rec)
		if err != nil {
			return nil, err
		}
		out[r.Member.ID] = r
	}
	return out, nil
}

// degreesReach bounds the caller's two-hop neighbourhood that Degrees reads whole.
const degreesReach = 200_000

// Degrees returns how far the caller stands from each of members, for lists that show many
// members to one caller; it reads the caller's neighbourhood once for all of them. Members not
// found or in a block relation with the caller are left out.
func (s *Store) Degrees(ctx context.Context, caller string, members []string) (_ map[string]Degree, err error) {
	defer wrap(&err, "Degrees(%q, %d members)", caller, len(members))
	ids := make([]any, len(members))
	for i, m := range members {
		ids[i] = m
	}
	recs, err := s.read(ctx, cypher.Degrees, map[string]any{"caller": caller, "members": ids, "reach": int64(degreesReach)})
	if err != nil {
		return nil, err
	}
	out := make(map[string]Degree, len(recs))
	for _, rec := range recs {
		id, err := value[string](rec, "id")
		if err != nil {
			return nil, err
		}
		d, isNull, err := neo4j.GetRecordValue[int64](rec, "degree")
		if err != nil {
			return nil, err
		}
		out[id] = OutOfNetwork
		if !isNull {
			out[id] = Degree(d)
		}
	}
	return out, nil
}

// relationInTx computes the relation inside a write transaction, after the caller and member
// have been locked, so that the decision holds when the message is written.
func (s *Store) relationInTx(ctx context.Context, tx neo4j.ManagedTransaction, caller, member string) (Relation, error) {
	recs, err := collect(ctx, tx, cypher.Relations, map[string]any{"caller": caller, "members": []any{member}})
	if err != nil {
		return Relation{}, err
	}
	if len(recs) == 0 {
		return Relation{}, memberNotFound(member)
	}
	return s.toRelation(recs[0])
}

// toRelation reads one row of the Relations statement and decides on messaging.
func (s *Store) toRelation(rec *neo4j.Record) (Relation, error) {
	var errs []error
	mapOf := func(key string) map[string]any {
		v, err := value[map[string]any](rec, key)
		errs = append(errs, err)
		return v
	}
	flag := func(key string) bool {
		v, err := value[bool](rec, key)
		errs = append(errs, err)
		return v
	}
	member, err1 := toMember(mapOf("member"))
	caller, err2 := toMember(mapOf("caller"))
	connections, err3 := value[int64](rec, "connections")
	mutual, err4 := value[int64](rec, "mutual")
	degree, isNull, err5 := neo4j.GetRecordValue[int64](rec, "degree")
	errs = append(errs, err1, err2, err3, err4, err5)
	r := Relation{Member: member, Connections: int(connections), MutualCount: int(mutual), Degree: OutOfNetwork, caller: caller}
	if !isNull {
		r.Degree = Degree(degree)
	}
	credits, _ := renew(caller.Plan, caller.InMailCredits, caller.planGrantedAt, s.clock())
	r.Facts = Facts{
		Self:           r.Degree == Self,
		Degree:         r.Degree,
		TheyWroteFirst: flag("theyWroteFirst"),
		Restricted:     caller.Restricted,
		Declined:       flag("declined"),
		AwaitingReply:  flag("awaitingReply"),
		InMail:         member.Settings.InMail,
		OpenProfile:    member.Settings.OpenProfile,
		Credits:        credits,
	}
	r.Messaging = Decide(r.Facts)
	r.Member = s.withCurrentCredits(r.Member)
	for _, err := range errs {
		if err != nil {
			return Relation{}, fmt.Errorf("relation: %w", err)
		}
	}
	return r, nil
}

// withCurrentCredits applies the monthly grants that fell due since the last one the store wrote.
func (s *Store) withCurrentCredits(m Member) Member {
	m.InMailCredits, m.planGrantedAt = renew(m.Plan, m.InMailCredits, m.planGrantedAt, s.clock())
	return m
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

// missing names which of two members a statement that answered nothing could not find. A member
// hidden by a block is reported exactly as one that does not exist.
func (s *Store) missing(ctx context.Context, caller, member string) error {
	if _, err := s.Member(ctx, caller); err != nil {
		return err
	}
	return memberNotFound(member)
}

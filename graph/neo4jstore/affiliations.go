package neo4jstore

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
	"github.com/reach-network/reach/cypher"
	"github.com/reach-network/reach/graph"
	"github.com/reach-network/reach/graph/bolt"
	"github.com/reach-network/reach/graph/changelog"
)

// PutOrganisation creates the organisation o or updates its name and kind, and reports whether
// it was created.
func (s *Store) PutOrganisation(ctx context.Context, o graph.Organisation) (created bool, err error) {
	defer bolt.Wrap(&err, "PutOrganisation(%q)", o.ID)
	if err := o.Kind.Check(); err != nil {
		return false, err
	}
	return write(ctx, s, func(tx neo4j.ManagedTransaction) (bool, error) {
		changelog.TouchOrganisation(tx, o.ID)
		recs, err := bolt.Collect(ctx, tx, cypher.PutOrganisation, map[string]any{
			"id": o.ID, "name": o.Name, "kind": string(o.Kind), "now": s.now(),
		})
		if err != nil {
			return false, err
		}
		return bolt.Value[bool](recs[0], "created")
	})
}

// PutGroup creates the group g or renames it, and reports whether it was created.
func (s *Store) PutGroup(ctx context.Context, g graph.Group) (created bool, err error) {
	defer bolt.Wrap(&err, "PutGroup(%q)", g.ID)
	return write(ctx, s, func(tx neo4j.ManagedTransaction) (bool, error) {
		changelog.TouchGroup(tx, g.ID)
		recs, err := bolt.Collect(ctx, tx, cypher.PutGroup, map[string]any{"id": g.ID, "name": g.Name, "now": s.now()})
		if err != nil {
			return false, err
		}
		return bolt.Value[bool](recs[0], "created")
	})
}

// setPositions replaces a member's positions, inside PutMember's transaction. Returns ErrUnprocessable,
// naming the field (positions[i].org), when a position is at an organisation that does not exist.
func setPositions(ctx context.Context, tx neo4j.ManagedTransaction, member string, positions []graph.Position) error {
	ids := make([]string, len(positions))
	rows := make([]any, len(positions))
	for i, p := range positions {
		ids[i] = p.Org
		row := map[string]any{"org": p.Org, "title": p.Title, "from": int64(p.From), "to": nil}
		if p.To != nil {
			row["to"] = int64(*p.To)
		}
		rows[i] = row
	}
	recs, err := bolt.Collect(ctx, tx, cypher.MissingOrganisations, map[string]any{"batch": map[string]any{"ids": ids}})
	if err != nil {
		return err
	}
	missing, err := bolt.Value[[]any](recs[0], "missing")
	if err != nil {
		return err
	}
	if len(missing) > 0 {
		i := slices.Index(ids, fmt.Sprint(missing[0]))
		return &graph.Error{Kind: graph.ErrUnprocessable, Field: "positions[" + strconv.Itoa(i) + "].org",
			Detail: fmt.Sprintf("organisation %q does not exist", missing[0])}
	}
	changelog.Touch(tx, member)
	_, err = bolt.Collect(ctx, tx, cypher.SetPositions, map[string]any{"member": member, "batch": map[string]any{"positions": rows}})
	return err
}

// JoinGroup makes the caller a member of a group; joining again changes nothing. Returns
// ErrNotFound if the group does not exist.
func (s *Store) JoinGroup(ctx context.Context, caller, group string) (err error) {
	defer bolt.Wrap(&err, "JoinGroup(%q, %q)", caller, group)
	return s.changeGroup(ctx, cypher.JoinGroup, caller, group)
}

// LeaveGroup takes the caller out of a group, if they are in it. Returns ErrNotFound if the group
// does not exist.
func (s *Store) LeaveGroup(ctx context.Context, caller, group string) (err error) {
	defer bolt.Wrap(&err, "LeaveGroup(%q, %q)", caller, group)
	return s.changeGroup(ctx, cypher.LeaveGroup, caller, group)
}

// changeGroup runs JoinGroup or LeaveGroup, recording the caller's changed affiliations.
func (s *Store) changeGroup(ctx context.Context, statement, caller, group string) error {
	_, err := write(ctx, s, func(tx neo4j.ManagedTransaction) (struct{}, error) {
		changelog.Touch(tx, caller)
		recs, err := bolt.Collect(ctx, tx, statement, map[string]any{"member": caller, "group": group, "now": s.now()})
		if err == nil && len(recs) == 0 {
			err = groupNotFound(group)
		}
		return struct{}{}, err
	})
	return err
}

func groupNotFound(id string) error { return graph.Fail(graph.ErrNotFound, "group %q not found", id) }

// GroupMembers returns one page of a group's members, by name, with their total, leaving out
// members in a block relation with the caller. Returns ErrNotFound if the group does not exist
// and ErrForbidden if the caller is not in it: only fellow members see who is in a group.
func (s *Store) GroupMembers(ctx context.Context, caller, group string, page graph.PageRequest) (_ graph.Page[graph.MemberSummary], err error) {
	defer bolt.Wrap(&err, "GroupMembers(%q, %q)", caller, group)
	params, err := nameParams(page)
	if err != nil {
		return graph.Page[graph.MemberSummary]{}, err
	}
	params["caller"], params["group"] = caller, group
	recs, err := s.db.Read(ctx, cypher.GroupMembers, params)
	if err != nil {
		return graph.Page[graph.MemberSummary]{}, err
	}
	if len(recs) == 0 {
		return graph.Page[graph.MemberSummary]{}, groupNotFound(group)
	}
	if in, err := bolt.Value[bool](recs[0], "member"); err != nil || !in {
		if err == nil {
			err = graph.Fail(graph.ErrForbidden, "only members of group %q see who is in it", group)
		}
		return graph.Page[graph.MemberSummary]{}, err
	}
	return summaryPage(recs[0], page.Limit)
}

// MemberGroups returns one page of the groups a member is in, by name, with their total.
func (s *Store) MemberGroups(ctx context.Context, member string, page graph.PageRequest) (_ graph.Page[graph.Group], err error) {
	defer bolt.Wrap(&err, "MemberGroups(%q)", member)
	params, err := nameParams(page)
	if err != nil {
		return graph.Page[graph.Group]{}, err
	}
	params["member"] = member
	recs, err := s.db.Read(ctx, cypher.MemberGroups, params)
	if err != nil {
		return graph.Page[graph.Group]{}, err
	}
	if len(recs) == 0 {
		return graph.Page[graph.Group]{}, graph.MemberNotFound(member)
	}
	total, err := bolt.Value[int64](recs[0], "total")
	if err != nil {
		return graph.Page[graph.Group]{}, err
	}
	list, err := bolt.Value[[]any](recs[0], "items")
	if err != nil {
		return graph.Page[graph.Group]{}, err
	}
	items := make([]graph.Group, 0, len(list))
	for _, v := range list {
		m, _ := v.(map[string]any)
		id, e1 := bolt.Field[string](m, "id")
		name, e2 := bolt.Field[string](m, "name")
		if e1 != nil || e2 != nil {
			return graph.Page[graph.Group]{}, fmt.Errorf("group: %w", errors.Join(e1, e2))
		}
		items = append(items, graph.Group{ID: id, Name: name})
	}
	p := graph.PageOf(items, page.Limit, func(g graph.Group) any { return graph.NameKey{Name: g.Name, ID: g.ID} })
	p.Total = int(total)
	return p, nil
}

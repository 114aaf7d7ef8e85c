package graph

import (
	"context"
	"fmt"
	"slices"
	"strconv"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/reach-network/reach/cypher"
)

// OrgKind says whether an organisation is a company or a school.
type OrgKind string

// The kinds of organisation.
const (
	Company OrgKind = "company"
	School  OrgKind = "school"
)

// Valid reports whether k is one of the kinds of organisation.
func (k OrgKind) Valid() bool { return k == Company || k == School }

// Organisation is a company or a school members hold positions at.
type Organisation struct {
	ID   string
	Name string
	Kind OrgKind
}

// Group is a group members join and leave.
type Group struct {
	ID   string
	Name string
}

// Position is a member's position at an organisation, from one year to another; To is nil while
// the position is current.
type Position struct {
	Org   string
	Title string
	From  int
	To    *int
}

// The years a position may start and end in.
const (
	FirstYear = 1900
	LastYear  = 2100
)

// ValidID reports whether id has the form every id reach is given takes (members,
// organisations, groups): 1 to 64 letters, digits, '_' or '-'.
func ValidID(id string) bool { return ValidMemberID(id) }

// PutOrganisation creates the organisation o or updates its name and kind, and reports whether
// it was created.
func (s *Store) PutOrganisation(ctx context.Context, o Organisation) (created bool, err error) {
	defer wrap(&err, "PutOrganisation(%q)", o.ID)
	return write(ctx, s, func(tx neo4j.ManagedTransaction) (bool, error) {
		touchOrganisation(tx, o.ID)
		recs, err := collect(ctx, tx, cypher.PutOrganisation, map[string]any{
			"id": o.ID, "name": o.Name, "kind": string(o.Kind), "now": s.now(),
		})
		if err != nil {
			return false, err
		}
		return value[bool](recs[0], "created")
	})
}

// PutGroup creates the group g or renames it, and reports whether it was created.
func (s *Store) PutGroup(ctx context.Context, g Group) (created bool, err error) {
	defer wrap(&err, "PutGroup(%q)", g.ID)
	return write(ctx, s, func(tx neo4j.ManagedTransaction) (bool, error) {
		touchGroup(tx, g.ID)
		recs, err := collect(ctx, tx, cypher.PutGroup, map[string]any{"id": g.ID, "name": g.Name, "now": s.now()})
		if err != nil {
			return false, err
		}
		return value[bool](recs[0], "created")
	})
}

// setPositions replaces a member's positions, inside PutMember's transaction. Returns ErrUnprocessable,
// naming the field (positions[i].org), when a position is at an organisation that does not exist.
func setPositions(ctx context.Context, tx neo4j.ManagedTransaction, member string, positions []Position) error {
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
	recs, err := collect(ctx, tx, cypher.MissingOrganisations, map[string]any{"ids": ids})
	if err != nil {
		return err
	}
	missing, err := value[[]any](recs[0], "missing")
	if err != nil {
		return err
	}
	if len(missing) > 0 {
		i := slices.Index(ids, fmt.Sprint(missing[0]))
		return &Error{Kind: ErrUnprocessable, Field: "positions[" + strconv.Itoa(i) + "].org",
			Detail: fmt.Sprintf("organisation %q does not exist", missing[0])}
	}
	touch(tx, member)
	_, err = collect(ctx, tx, cypher.SetPositions, map[string]any{"member": member, "positions": rows})
	return err
}

// JoinGroup makes the caller a member of a group; joining again changes nothing. Returns
// ErrNotFound if the group does not exist.
func (s *Store) JoinGroup(ctx context.Context, caller, group string) (err error) {
	defer wrap(&err, "JoinGroup(%q, %q)", caller, group)
	return s.changeGroup(ctx, cypher.JoinGroup, caller, group)
}

// LeaveGroup takes the caller out of a group, if they are in it. Returns ErrNotFound if the group
// does not exist.
func (s *Store) LeaveGroup(ctx context.Context, caller, group string) (err error) {
	defer wrap(&err, "LeaveGroup(%q, %q)", caller, group)
	return s.changeGroup(ctx, cypher.LeaveGroup, caller, group)
}

// changeGroup runs JoinGroup or LeaveGroup, recording the caller's changed affiliations.
func (s *Store) changeGroup(ctx context.Context, statement, caller, group string) error {
	_, err := write(ctx, s, func(tx neo4j.ManagedTransaction) (struct{}, error) {
		touch(tx, caller)
		recs, err := collect(ctx, tx, statement, map[string]any{"member": caller, "group": group, "now": s.now()})
		if err == nil && len(recs) == 0 {
			err = groupNotFound(group)
		}
		return struct{}{}, err
	})
	return err
}

func groupNotFound(id string) error { return fail(ErrNotFound, "group %q not found", id) }

// GroupMembers returns one page of a group's members, by name, with their total, leaving out
// members in a block relation with the caller. Returns ErrNotFound if the group does not exist
// and ErrForbidden if the caller is not in it: only fellow members see who is in a group.
func (s *Store) GroupMembers(ctx context.Context, caller, group string, page PageRequest) (_ Page[MemberSummary], err error) {
	defer wrap(&err, "GroupMembers(%q, %q)", caller, group)
	params, err := nameParams(page)
	if err != nil {
		return Page[MemberSummary]{}, err
	}
	params["caller"], params["group"] = caller, group
	recs, err := s.read(ctx, cypher.GroupMembers, params)
	if err != nil {
		return Page[MemberSummary]{}, err
	}
	if len(recs) == 0 {
		return Page[MemberSummary]{}, groupNotFound(group)
	}
	if in, err := value[bool](recs[0], "member"); err != nil || !in {
		if err == nil {
			err = fail(ErrForbidden, "only members of group %q see who is in it", group)
		}
		return Page[MemberSummary]{}, err
	}
	return summaryPage(recs[0], page.Limit)
}

// MemberGroups returns one page of the groups a member is in, by name, with their total.
func (s *Store) MemberGroups(ctx context.Context, member string, page PageRequest) (_ Page[Group], err error) {
	defer wrap(&err, "MemberGroups(%q)", member)
	params, err := nameParams(page)
	if err != nil {
		return Page[Group]{}, err
	}
	params["member"] = member
	recs, err := s.read(ctx, cypher.MemberGroups, params)
	if err != nil {
		return Page[Group]{}, err
	}
	if len(recs) == 0 {
		return Page[Group]{}, memberNotFound(member)
	}
	total, err := value[int64](recs[0], "total")
	if err != nil {
		return Page[Group]{}, err
	}
	list, err := value[[]any](recs[0], "items")
	if err != nil {
		return Page[Group]{}, err
	}
	items := make([]Group, 0, len(list))
	for _, v := range list {
		m, _ := v.(map[string]any)
		id, e1 := field[string](m, "id")
		name, e2 := field[string](m, "name")
		if e1 != nil || e2 != nil {
			return Page[Group]{}, fmt.Errorf("group: %v %v", e1, e2)
		}
		items = append(items, Group{ID: id, Name: name})
	}
	p := pageOf(items, page.Limit, func(g Group) any { return nameKey{Name: g.Name, ID: g.ID} })
	p.Total = int(total)
	return p, nil
}

package neo4jstore

import (
	"context"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
	"github.com/reach-network/reach/cypher"
	"github.com/reach-network/reach/graph"
	"github.com/reach-network/reach/graph/bolt"
	"github.com/reach-network/reach/graph/changelog"
)

// Member returns one member's profile, settings and credits.
func (s *Store) Member(ctx context.Context, id string) (_ graph.Member, err error) {
	defer bolt.Wrap(&err, "Member(%q)", id)
	recs, err := s.db.Read(ctx, cypher.Member, map[string]any{"id": id})
	if err != nil {
		return graph.Member{}, err
	}
	m, err := singleMember(recs, id)
	return s.withCurrentCredits(m), err
}

// PutMember creates the member p describes, or updates its profile, and reports whether it was
// created. New members start with DefaultSettings on the free plan. Moving a member to another
// plan grants that plan's first allotment at once (banked up to three), unless p sets the
// credits outright; the monthly grants follow from then on.
func (s *Store) PutMember(ctx context.Context, p graph.Profile) (created bool, err error) {
	defer bolt.Wrap(&err, "PutMember(%q)", p.ID)
	return write(ctx, s, func(tx neo4j.ManagedTransaction) (bool, error) {
		recs, err := bolt.Collect(ctx, tx, cypher.Member, map[string]any{"id": p.ID})
		if err != nil {
			return false, err
		}
		now := s.now()
		row := profileRow(p)
		current := graph.Member{Plan: graph.PlanFree}
		if len(recs) > 0 {
			if current, err = singleMember(recs, p.ID); err != nil {
				return false, err
			}
			// Write down the grants that fell due, so that credits set now count from now.
			current = s.withCurrentCredits(current)
			if !current.Quota.GrantedAt.IsZero() {
				row["planGrantedAt"] = bolt.AsNeo4jTime(current.Quota.GrantedAt)
			}
			if p.InMailCredits == nil {
				row["inmailCredits"] = int64(current.InMailCredits)
			}
		}
		if p.Plan != nil && *p.Plan != current.Plan {
			row["planGrantedAt"] = now
			if p.InMailCredits == nil {
				row["inmailCredits"] = int64(graph.Grant(*p.Plan, current.InMailCredits))
			}
		}
		n, err := upsertMembers(ctx, tx, now, []any{row})
		if err == nil && p.Positions != nil {
			err = setPositions(ctx, tx, p.ID, *p.Positions)
		}
		return n == 1, err
	})
}

// PutMembers creates or updates many members in one transaction and returns how many were
// created. It is the bulk path for imports and seeding: credits and plans are stored as given,
// with the plan's first grant dated now; positions given replace the member's, as PutMember's.
func (s *Store) PutMembers(ctx context.Context, profiles []graph.Profile) (created int, err error) {
	defer bolt.Wrap(&err, "PutMembers(%d)", len(profiles))
	now := s.now()
	rows := make([]any, len(profiles))
	for i, p := range profiles {
		row := profileRow(p)
		if p.Plan != nil {
			row["planGrantedAt"] = now
		}
		rows[i] = row
	}
	return write(ctx, s, func(tx neo4j.ManagedTransaction) (int, error) {
		n, err := upsertMembers(ctx, tx, now, rows)
		for _, p := range profiles {
			if err == nil && p.Positions != nil {
				err = setPositions(ctx, tx, p.ID, *p.Positions)
			}
		}
		return n, err
	})
}

// profileRow is one row of the UpsertMembers statement.
func profileRow(p graph.Profile) map[string]any {
	row := map[string]any{
		"id": p.ID, "name": p.Name, "headline": p.Headline, "company": p.Company,
		"inmailCredits": nil, "plan": nil, "planGrantedAt": nil,
	}
	if p.InMailCredits != nil {
		row["inmailCredits"] = int64(*p.InMailCredits)
	}
	if p.Plan != nil {
		row["plan"] = string(*p.Plan)
	}
	return row
}

func upsertMembers(ctx context.Context, tx neo4j.ManagedTransaction, now time.Time, rows []any) (int, error) {
	for _, row := range rows {
		changelog.Touch(tx, row.(map[string]any)["id"].(string))
	}
	recs, err := bolt.Collect(ctx, tx, cypher.UpsertMembers, map[string]any{"batch": map[string]any{"members": rows}, "now": now})
	if err != nil {
		return 0, err
	}
	n, err := bolt.Value[int64](recs[0], "created")
	return int(n), err
}

// UpdateSettings applies change to a member's settings and returns the member as it now stands.
func (s *Store) UpdateSettings(ctx context.Context, id string, change graph.SettingsChange) (_ graph.Member, err error) {
	defer bolt.Wrap(&err, "UpdateSettings(%q)", id)
	params := map[string]any{
		"id":                    id,
		"inmail":                optional(change.InMail),
		"openProfile":           optional(change.OpenProfile),
		"profileVisibility":     optional(change.ProfileVisibility),
		"connectionsVisibility": optional(change.ConnectionsVisibility),
		"searchable":            optional(change.Searchable),
		"messageRequests":       optional(change.MessageRequests),
	}
	return write(ctx, s, func(tx neo4j.ManagedTransaction) (graph.Member, error) {
		changelog.Touch(tx, id)
		recs, err := bolt.Collect(ctx, tx, cypher.UpdateSettings, params)
		if err != nil {
			return graph.Member{}, err
		}
		m, err := singleMember(recs, id)
		return s.withCurrentCredits(m), err
	})
}

// MemberExists reports whether a member has id. It is the cheap check behind authentication:
// one index seek, no profile read.
func (s *Store) MemberExists(ctx context.Context, id string) (_ bool, err error) {
	defer bolt.Wrap(&err, "MemberExists(%q)", id)
	recs, err := s.db.Read(ctx, cypher.MemberExists, map[string]any{"id": id})
	if err != nil {
		return false, err
	}
	return bolt.Value[bool](recs[0], "exists")
}

// CountMembers returns how many members the graph holds.
func (s *Store) CountMembers(ctx context.Context) (_ int, err error) {
	defer bolt.Wrap(&err, "CountMembers")
	recs, err := s.db.Read(ctx, cypher.CountMembers, nil)
	if err != nil {
		return 0, err
	}
	n, err := bolt.Value[int64](recs[0], "members")
	return int(n), err
}

// singleMember reads the one "member" record a statement answers, or reports the member missing.
func singleMember(recs []*neo4j.Record, id string) (graph.Member, error) {
	if len(recs) == 0 {
		return graph.Member{}, graph.MemberNotFound(id)
	}
	m, err := bolt.Value[map[string]any](recs[0], "member")
	if err != nil {
		return graph.Member{}, err
	}
	return ToMember(m)
}

// optional turns a nil pointer into a Cypher null and anything else into its value.
func optional[T any](p *T) any {
	if p == nil {
		return nil
	}
	return *p
}

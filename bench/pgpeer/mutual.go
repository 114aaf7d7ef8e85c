package pgpeer

import (
	"context"
	"errors"

	"github.com/jackc/pgx/v5"

	"github.com/reach-network/reach/graph"
)

// MutualConnections returns one page of the connections the caller and a member have in common,
// by name, then id, with their names and headlines and how many there are, as reach's store does
// (MutualConnections.sql). Members in a block relation with the caller are left out. Returns
// graph.ErrNotFound when either id names no member or the two are in a block relation, and
// graph.ErrInvalidCursor for a cursor it did not give.
func (p *Peer) MutualConnections(ctx context.Context, caller, member string, page graph.PageRequest) (_ graph.Page[graph.MemberSummary], err error) {
	defer wrap(&err, "MutualConnections(%q, %q)", caller, member)
	var key graph.NameKey
	if _, err := graph.DecodeCursor(page.After, &key); err != nil {
		return graph.Page[graph.MemberSummary]{}, err
	}
	var total int64
	var ids, names, headlines []string
	err = p.pool.QueryRow(ctx, sqlMutualConnections, caller, member, key.ID, key.Name, page.Limit).
		Scan(&total, &ids, &names, &headlines)
	if errors.Is(err, pgx.ErrNoRows) {
		return graph.Page[graph.MemberSummary]{}, p.missing(ctx, caller, member)
	}
	if err != nil {
		return graph.Page[graph.MemberSummary]{}, err
	}
	items := make([]graph.MemberSummary, 0, len(ids)) // an empty page's list is empty, not nil, as reach's
	for i, id := range ids {
		items = append(items, graph.MemberSummary{ID: id, Name: names[i], Headline: headlines[i]})
	}
	out := graph.PageOf(items, page.Limit, func(m graph.MemberSummary) any { return graph.NameKey{Name: m.Name, ID: m.ID} })
	out.Total = int(total)
	return out, nil
}

// missing says which of the two is not found: the caller when they name no member, otherwise
// the member (missing, or hidden by a block).
func (p *Peer) missing(ctx context.Context, caller, member string) error {
	exists, err := p.MemberExists(ctx, caller)
	switch {
	case err != nil:
		return err
	case !exists:
		return graph.MemberNotFound(caller)
	}
	return graph.MemberNotFound(member)
}

package neo4jstore

import (
	"context"
	"crypto/rand"
	"unicode/utf8"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
	"github.com/reach-network/reach/cypher"
	"github.com/reach-network/reach/graph"
	"github.com/reach-network/reach/graph/bolt"
	"github.com/reach-network/reach/graph/changelog"
)

// Invite sends a pending invitation from one member to another. When the other member has already
// invited the sender, the two are connected at once and the invitation comes back accepted.
func (s *Store) Invite(ctx context.Context, from, to, note string) (_ graph.Invitation, err error) {
	defer bolt.Wrap(&err, "Invite(%q, %q)", from, to)
	if from == to {
		return graph.Invitation{}, graph.Fail(graph.ErrSelf, "a member cannot invite themselves")
	}
	if n := utf8.RuneCountInString(note); n > graph.MaxNoteLength {
		return graph.Invitation{}, graph.Fail(graph.ErrInvalid, "note has %d characters; at most %d are allowed", n, graph.MaxNoteLength)
	}
	return write(ctx, s, func(tx neo4j.ManagedTransaction) (graph.Invitation, error) {
		counts, err := lockMembers(ctx, tx, from, to)
		if err != nil {
			return graph.Invitation{}, err
		}
		state, err := pairState(ctx, tx, from, to)
		switch {
		case err != nil:
			return graph.Invitation{}, err
		case state.blocked:
			return graph.Invitation{}, graph.MemberNotFound(to)
		case state.connected:
			return graph.Invitation{}, graph.Fail(graph.ErrAlreadyConnected, "you are already connected to %q", to)
		case state.sentID != "":
			return graph.Invitation{}, graph.Fail(graph.ErrAlreadyInvited, "you have already invited %q (invitation %s)", to, state.sentID)
		}
		if err := checkLimit(counts, from, to); err != nil {
			return graph.Invitation{}, err
		}
		now := s.now()
		inv := graph.Invitation{ID: rand.Text(), From: from, To: to, Note: note, Status: graph.InvitationPending, SentAt: now.UTC()}
		if state.receivedID != "" {
			inv.Status = graph.InvitationAccepted
			changelog.Tell(tx, graph.Event{Kind: graph.EventAcceptance, To: to, By: from, ID: inv.ID})
			return inv, connect(ctx, tx, now, from, to)
		}
		_, err = bolt.Collect(ctx, tx, cypher.CreateInvitation, map[string]any{
			"id": inv.ID, "from": from, "to": to, "note": note, "now": now,
		})
		changelog.Tell(tx, graph.Event{Kind: graph.EventInvitation, To: to, By: from, ID: inv.ID, Note: note})
		return inv, err
	})
}

// AcceptInvitation connects the recipient of an invitation with its sender.
func (s *Store) AcceptInvitation(ctx context.Context, caller, id string) (_ graph.Invitation, err error) {
	defer bolt.Wrap(&err, "AcceptInvitation(%q, %q)", caller, id)
	return s.answer(ctx, caller, id, asRecipient, func(tx neo4j.ManagedTransaction, inv graph.Invitation, counts map[string]int) (graph.Invitation, error) {
		if err := checkLimit(counts, inv.From, inv.To); err != nil {
			return graph.Invitation{}, err
		}
		inv.Status = graph.InvitationAccepted
		changelog.Tell(tx, graph.Event{Kind: graph.EventAcceptance, To: inv.From, By: inv.To, ID: inv.ID})
		return inv, connect(ctx, tx, s.now(), inv.From, inv.To)
	})
}

// DeclineInvitation lets the recipient turn an invitation down; it is gone from both boxes.
func (s *Store) DeclineInvitation(ctx context.Context, caller, id string) (_ graph.Invitation, err error) {
	defer bolt.Wrap(&err, "DeclineInvitation(%q, %q)", caller, id)
	return s.answer(ctx, caller, id, asRecipient, removeInvitation(ctx, graph.InvitationDeclined))
}

// WithdrawInvitation lets the sender take an invitation back; it is gone from both boxes.
func (s *Store) WithdrawInvitation(ctx context.Context, caller, id string) (_ graph.Invitation, err error) {
	defer bolt.Wrap(&err, "WithdrawInvitation(%q, %q)", caller, id)
	return s.answer(ctx, caller, id, asSender, removeInvitation(ctx, graph.InvitationWithdrawn))
}

// Invitations returns one page of the caller's pending invitations in box, newest first.
func (s *Store) Invitations(ctx context.Context, caller string, box graph.Box, page graph.PageRequest) (_ graph.Page[graph.Invitation], err error) {
	defer bolt.Wrap(&err, "Invitations(%q, %s)", caller, box)
	var key graph.TimeKey
	ok, err := graph.DecodeCursor(page.After, &key)
	if err != nil {
		return graph.Page[graph.Invitation]{}, err
	}
	params := map[string]any{
		"member": caller, "received": box == graph.BoxReceived, "limit": int64(page.Limit),
		"afterSentAt": nil, "afterId": nil,
	}
	if ok {
		params["afterSentAt"], params["afterId"] = bolt.AsNeo4jTime(key.At), key.ID
	}
	recs, err := s.db.Read(ctx, cypher.Invitations, params)
	if err != nil {
		return graph.Page[graph.Invitation]{}, err
	}
	var items []graph.Invitation
	for _, rec := range recs {
		inv, err := toInvitation(rec)
		if err != nil {
			return graph.Page[graph.Invitation]{}, err
		}
		items = append(items, inv)
	}
	return graph.PageOf(items, page.Limit, func(i graph.Invitation) any { return graph.TimeKey{At: i.SentAt, ID: i.ID} }), nil
}

// party says which side of an invitation may answer it.
type party int

const (
	asRecipient party = iota
	asSender
)

// answer loads an invitation in a write transaction, checks that the caller is the party allowed
// to act on it, and runs act. An invitation the caller is not part of is reported missing, so
// nobody learns of invitations between others.
func (s *Store) answer(ctx context.Context, caller, id string, who party,
	act func(tx neo4j.ManagedTransaction, inv graph.Invitation, counts map[string]int) (graph.Invitation, error)) (graph.Invitation, error) {
	return write(ctx, s, func(tx neo4j.ManagedTransaction) (graph.Invitation, error) {
		inv, err := invitation(ctx, tx, id)
		if err != nil {
			return graph.Invitation{}, err
		}
		switch {
		case caller != inv.From && caller != inv.To:
			return graph.Invitation{}, graph.Fail(graph.ErrNotFound, "invitation %q not found", id)
		case who == asRecipient && caller != inv.To:
			return graph.Invitation{}, graph.Fail(graph.ErrForbidden, "only the recipient may answer invitation %q", id)
		case who == asSender && caller != inv.From:
			return graph.Invitation{}, graph.Fail(graph.ErrForbidden, "only the sender may withdraw invitation %q", id)
		}
		// Lock both members, then read again: an invitation answered or withdrawn meanwhile is gone.
		counts, err := lockMembers(ctx, tx, inv.From, inv.To)
		if err != nil {
			return graph.Invitation{}, err
		}
		if inv, err = invitation(ctx, tx, id); err != nil {
			return graph.Invitation{}, err
		}
		return act(tx, inv, counts)
	})
}

// invitation reads one pending invitation inside a transaction.
func invitation(ctx context.Context, tx neo4j.ManagedTransaction, id string) (graph.Invitation, error) {
	recs, err := bolt.Collect(ctx, tx, cypher.Invitation, map[string]any{"id": id})
	if err != nil {
		return graph.Invitation{}, err
	}
	if len(recs) == 0 {
		return graph.Invitation{}, graph.Fail(graph.ErrNotFound, "invitation %q not found", id)
	}
	return toInvitation(recs[0])
}

// removeInvitation deletes the invitation and reports it with the given status.
func removeInvitation(ctx context.Context, status graph.InvitationStatus) func(neo4j.ManagedTransaction, graph.Invitation, map[string]int) (graph.Invitation, error) {
	return func(tx neo4j.ManagedTransaction, inv graph.Invitation, _ map[string]int) (graph.Invitation, error) {
		inv.Status = status
		_, err := bolt.Collect(ctx, tx, cypher.DeleteInvitation, map[string]any{"id": inv.ID})
		return inv, err
	}
}

package neo4jstore

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
	"github.com/reach-network/reach/cypher"
	"github.com/reach-network/reach/graph"
	"github.com/reach-network/reach/graph/bolt"
)

// exportFetchSize is how many rows of a section the driver fetches from Neo4j at a time while an
// export is written: what reach holds of an account at once, whatever its size.
const exportFetchSize = 500

// account reads everything reach holds about one member, for their export. Every section is read
// in one read transaction, so the export is as of one moment even while the member keeps
// writing; each section's rows are fetched in batches of exportFetchSize and handed on one by one,
// never all held at once.
type account struct {
	ctx    context.Context
	tx     neo4j.ExplicitTransaction
	member graph.Member
}

// ReadAccount opens one read transaction, reads the member's profile and hands read the account
// to read the rest from, section by section, until it returns. Returns ErrNotFound if the member
// does not exist, before read is called, and ErrUnavailable past the bound on exports at once
// (Pool.Exports).
func (s *Store) ReadAccount(ctx context.Context, id string, read func(graph.Account) error) (err error) {
	defer bolt.Wrap(&err, "ReadAccount(%q)", id)
	leave, err := s.db.Exports.Enter(ctx)
	if err != nil {
		return err
	}
	defer leave()
	session := s.db.Driver.NewSession(ctx, neo4j.SessionConfig{
		DatabaseName: s.db.Name, AccessMode: neo4j.AccessModeRead, FetchSize: exportFetchSize,
		BookmarkManager: s.db.BookmarkManager(),
	})
	defer session.Close(ctx)
	tx, err := session.BeginTransaction(ctx, bolt.WithDeadline(ctx)...)
	if err != nil {
		return err
	}
	defer tx.Close(ctx)
	a := &account{ctx: ctx, tx: tx}
	err = a.each(cypher.Member, map[string]any{"id": id}, func(rec *neo4j.Record) error {
		m, err := bolt.Value[map[string]any](rec, "member")
		if err == nil {
			a.member, err = ToMember(m)
		}
		return err
	})
	if err == nil && a.member.ID == "" {
		err = graph.MemberNotFound(id)
	}
	if err != nil {
		return err
	}
	a.member = s.withCurrentCredits(a.member)
	if err := read(a); err != nil {
		return err
	}
	return tx.Commit(ctx)
}

// Member is the account's profile, settings, plan and credits.
func (a *account) Member() graph.Member { return a.member }

// Connections hands each of the member's connections to each, by id.
func (a *account) Connections(each func(graph.Connection) error) error {
	return a.each(cypher.ExportConnections, a.params(nil), func(rec *neo4j.Record) error {
		sum, since, err := memberAt(rec, "since")
		if err != nil {
			return err
		}
		return each(graph.Connection{Member: sum, Since: since})
	})
}

// Invitations hands each pending invitation in the member's box to each, oldest first.
func (a *account) Invitations(box graph.Box, each func(graph.Invitation) error) error {
	return a.each(cypher.ExportInvitations, a.params(map[string]any{"received": box == graph.BoxReceived}), func(rec *neo4j.Record) error {
		inv, err := toInvitation(rec)
		if err != nil {
			return err
		}
		return each(inv)
	})
}

// Messages hands each message the member received (incoming) or sent to each, oldest first,
// those they deleted from their mailbox included.
func (a *account) Messages(incoming bool, each func(graph.AccountMessage) error) error {
	return a.each(cypher.ExportMessages, a.params(map[string]any{"incoming": incoming}), func(rec *neo4j.Record) error {
		m, err := toAccountMessage(rec, incoming)
		if err != nil {
			return err
		}
		self := graph.MemberSummary{ID: a.member.ID, Name: a.member.Name, Headline: a.member.Headline}
		if incoming {
			m.To = self
		} else {
			m.From = self
		}
		return each(m)
	})
}

// Conversations hands each of the member's conversations to each, by id.
func (a *account) Conversations(each func(graph.AccountConversation) error) error {
	return a.each(cypher.ExportConversations, a.params(nil), func(rec *neo4j.Record) error {
		c, err := toAccountConversation(rec)
		if err != nil {
			return err
		}
		return each(c)
	})
}

// toAccountConversation converts a row of ExportConversations.
func toAccountConversation(rec *neo4j.Record) (graph.AccountConversation, error) {
	id, err1 := bolt.Value[string](rec, "id")
	kind, err2 := bolt.Value[string](rec, "kind")
	side, err3 := bolt.Value[map[string]any](rec, "side")
	other, err4 := bolt.Value[map[string]any](rec, "other")
	unread, err5 := bolt.Field[int64](side, "unread")
	filed, err6 := bolt.Field[string](side, "filed")
	archived, err7 := bolt.Field[bool](side, "archived")
	muted, err8 := bolt.Field[bool](side, "muted")
	lastID, err9 := bolt.Field[string](side, "lastId")
	lastAt, err10 := bolt.Field[time.Time](side, "lastAt")
	with, err11 := toSummary(other)
	if err := errors.Join(err1, err2, err3, err4, err5, err6, err7, err8, err9, err10, err11); err != nil {
		return graph.AccountConversation{}, fmt.Errorf("export conversation: %w", err)
	}
	if with.IsFormer() {
		with = graph.FormerMember
	}
	return graph.AccountConversation{ID: id, With: with, Kind: graph.ConversationKind(kind), Box: graph.ConversationBox(filed),
		Archived: archived, Muted: muted, UnreadCount: int(unread), LastMessageID: lastID, LastAt: lastAt.UTC()}, nil
}

// Blocks hands each member the member blocks to each, oldest block first.
func (a *account) Blocks(each func(graph.BlockedMember) error) error {
	return a.each(cypher.ExportBlocks, a.params(nil), func(rec *neo4j.Record) error {
		sum, at, err := memberAt(rec, "at")
		if err != nil {
			return err
		}
		return each(graph.BlockedMember{Member: sum, BlockedAt: at})
	})
}

// memberAt reads a row's "member" and the time under key: who, and when something began with them.
func memberAt(rec *neo4j.Record, key string) (graph.MemberSummary, time.Time, error) {
	m, err := bolt.Value[map[string]any](rec, "member")
	if err != nil {
		return graph.MemberSummary{}, time.Time{}, err
	}
	sum, err := toSummary(m)
	if err != nil {
		return graph.MemberSummary{}, time.Time{}, err
	}
	at, err := bolt.Value[time.Time](rec, key)
	return sum, at.UTC(), err
}

// Reports hands each report the member filed to each, oldest first.
func (a *account) Reports(each func(graph.FiledReport) error) error {
	return a.each(cypher.ExportReports, a.params(nil), func(rec *neo4j.Record) error {
		member, err1 := bolt.Value[string](rec, "member")
		reason, err2 := bolt.Value[string](rec, "reason")
		messageID, err3 := bolt.Value[string](rec, "messageId")
		at, err4 := bolt.Value[time.Time](rec, "at")
		for _, err := range []error{err1, err2, err3, err4} {
			if err != nil {
				return fmt.Errorf("report: %w", err)
			}
		}
		return each(graph.FiledReport{Member: member, Reason: graph.ReportReason(reason), MessageID: messageID, At: at.UTC()})
	})
}

// Positions hands each position the member holds or held to each, earliest first.
func (a *account) Positions(each func(graph.HeldPosition) error) error {
	return a.each(cypher.ExportPositions, a.params(nil), func(rec *neo4j.Record) error {
		org, err1 := bolt.Value[map[string]any](rec, "org")
		title, err2 := bolt.Value[string](rec, "title")
		from, err3 := bolt.Value[int64](rec, "from")
		if err := errors.Join(err1, err2, err3); err != nil {
			return fmt.Errorf("position: %w", err)
		}
		p := graph.HeldPosition{Title: title, From: int(from)}
		p.Org.ID, _ = bolt.Field[string](org, "id")
		p.Org.Name, _ = bolt.Field[string](org, "name")
		kind, _ := bolt.Field[string](org, "kind")
		p.Org.Kind = graph.OrgKind(kind)
		if to, ok := rec.AsMap()["to"].(int64); ok {
			year := int(to)
			p.To = &year
		}
		return each(p)
	})
}

// Groups hands each group the member is in to each, by name.
func (a *account) Groups(each func(graph.Membership) error) error {
	return a.each(cypher.ExportGroups, a.params(nil), func(rec *neo4j.Record) error {
		g, err := bolt.Value[map[string]any](rec, "group")
		if err != nil {
			return fmt.Errorf("group: %w", err)
		}
		var m graph.Membership
		m.Group.ID, _ = bolt.Field[string](g, "id")
		m.Group.Name, _ = bolt.Field[string](g, "name")
		if since, ok := rec.AsMap()["since"].(time.Time); ok {
			m.Joined = since.UTC()
		}
		return each(m)
	})
}

// params are a section statement's parameters: the member's id and more.
func (a *account) params(more map[string]any) map[string]any {
	p := map[string]any{"id": a.member.ID}
	for k, v := range more {
		p[k] = v
	}
	return p
}

// each runs one statement in the account's transaction and hands its rows to row as the driver
// fetches them.
func (a *account) each(query string, params map[string]any, row func(*neo4j.Record) error) error {
	return bolt.Each(a.ctx, a.tx, query, params, row)
}

// toAccountMessage converts a row of ExportMessages.
func toAccountMessage(rec *neo4j.Record, incoming bool) (graph.AccountMessage, error) {
	msg, err := toMessage(rec, "other", "other")
	if err != nil {
		return graph.AccountMessage{}, err
	}
	m, err := bolt.Value[map[string]any](rec, "message")
	if err != nil {
		return graph.AccountMessage{}, err
	}
	channel, err1 := bolt.Field[string](m, "channel")
	readAt, err2 := bolt.Field[time.Time](m, "readAt")
	answeredAt, err3 := bolt.Field[time.Time](m, "answeredAt")
	note, err4 := bolt.Field[string](m, "declineNote")
	deletedKey := "deletedBySender"
	if incoming {
		deletedKey = "deletedByRecipient"
	}
	deleted, err5 := bolt.Field[bool](m, deletedKey)
	for _, err := range []error{err1, err2, err3, err4, err5} {
		if err != nil {
			return graph.AccountMessage{}, fmt.Errorf("message: %w", err)
		}
	}
	return graph.AccountMessage{Message: msg, Channel: graph.Channel(channel), ReadAt: utcOrZero(readAt),
		AnsweredAt: utcOrZero(answeredAt), DeclineNote: note, Deleted: deleted}, nil
}

// utcOrZero is t in UTC, or the zero time for none.
func utcOrZero(t time.Time) time.Time {
	if t.IsZero() {
		return t
	}
	return t.UTC()
}

package graph

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/reach-network/reach/cypher"
)

// exportFetchSize is how many rows of a section the driver fetches from Neo4j at a time while an
// export is written: what reach holds of an account at once, whatever its size.
const exportFetchSize = 500

// Account reads everything reach holds about one member, for their export. Every section is read
// in one read transaction, so the export is as of one moment even while the member keeps
// writing; each section's rows are fetched in batches of exportFetchSize and handed on one by one,
// never all held at once.
type Account struct {
	ctx    context.Context
	tx     neo4j.ExplicitTransaction
	member Member
}

// Connection is one of a member's connections, with when it was made.
type Connection struct {
	Member MemberSummary
	Since  time.Time
}

// AccountMessage is a message as the export shows it: all its fields, with how it was sent and
// what became of it.
type AccountMessage struct {
	Message
	Channel     Channel
	ReadAt      time.Time // zero until the recipient read it
	AnsweredAt  time.Time // zero until an InMail was replied to or declined
	DeclineNote string
	Deleted     bool // the account's member deleted it from their mailbox; the other member keeps it
}

// HeldPosition is a position as the export shows it: with its organisation's name and kind.
type HeldPosition struct {
	Org   Organisation
	Title string
	From  int
	To    *int // nil while the position is current
}

// Membership is a group the member is in, and when they joined it.
type Membership struct {
	Group  Group
	Joined time.Time
}

// FiledReport is a report the member filed.
type FiledReport struct {
	Member    string
	Reason    ReportReason
	MessageID string
	At        time.Time
}

// ReadAccount opens one read transaction, reads the member's profile and hands read the account
// to read the rest from, section by section, until it returns. Returns ErrNotFound if the member
// does not exist, before read is called.
func (s *Store) ReadAccount(ctx context.Context, id string, read func(*Account) error) (err error) {
	defer wrap(&err, "ReadAccount(%q)", id)
	session := s.driver.NewSession(ctx, neo4j.SessionConfig{
		DatabaseName: s.db, AccessMode: neo4j.AccessModeRead, FetchSize: exportFetchSize,
		BookmarkManager: s.driver.ExecuteQueryBookmarkManager(),
	})
	defer session.Close(ctx)
	tx, err := session.BeginTransaction(ctx, withDeadline(ctx)...)
	if err != nil {
		return err
	}
	defer tx.Close(ctx)
	a := &Account{ctx: ctx, tx: tx}
	err = a.each(cypher.Member, map[string]any{"id": id}, func(rec *neo4j.Record) error {
		m, err := value[map[string]any](rec, "member")
		if err == nil {
			a.member, err = toMember(m)
		}
		return err
	})
	if err == nil && a.member.ID == "" {
		err = memberNotFound(id)
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
func (a *Account) Member() Member { return a.member }

// Connections hands each of the member's connections to each, by id.
func (a *Account) Connections(each func(Connection) error) error {
	return a.each(cypher.ExportConnections, a.params(nil), func(rec *neo4j.Record) error {
		sum, since, err := memberAt(rec, "since")
		if err != nil {
			return err
		}
		return each(Connection{Member: sum, Since: since})
	})
}

// Invitations hands each pending invitation in the member's box to each, oldest first.
func (a *Account) Invitations(box Box, each func(Invitation) error) error {
	return a.each(cypher.ExportInvitations, a.params(map[string]any{"received": box == BoxReceived}), func(rec *neo4j.Record) error {
		inv, err := toInvitation(rec)
		if err != nil {
			return err
		}
		return each(inv)
	})
}

// Messages hands each message the member received (incoming) or sent to each, oldest first,
// those they deleted from their mailbox included.
func (a *Account) Messages(incoming bool, each func(AccountMessage) error) error {
	return a.each(cypher.ExportMessages, a.params(map[string]any{"incoming": incoming}), func(rec *neo4j.Record) error {
		m, err := toAccountMessage(rec, incoming)
		if err != nil {
			return err
		}
		self := MemberSummary{ID: a.member.ID, Name: a.member.Name, Headline: a.member.Headline}
		if incoming {
			m.To = self
		} else {
			m.From = self
		}
		return each(m)
	})
}

// Blocks hands each member the member blocks to each, oldest block first.
func (a *Account) Blocks(each func(BlockedMember) error) error {
	return a.each(cypher.ExportBlocks, a.params(nil), func(rec *neo4j.Record) error {
		sum, at, err := memberAt(rec, "at")
		if err != nil {
			return err
		}
		return each(BlockedMember{Member: sum, BlockedAt: at})
	})
}

// memberAt reads a row's "member" and the time under key: who, and when something began with them.
func memberAt(rec *neo4j.Record, key string) (MemberSummary, time.Time, error) {
	m, err := value[map[string]any](rec, "member")
	if err != nil {
		return MemberSummary{}, time.Time{}, err
	}
	sum, err := toSummary(m)
	if err != nil {
		return MemberSummary{}, time.Time{}, err
	}
	at, err := value[time.Time](rec, key)
	return sum, at.UTC(), err
}

// Reports hands each report the member filed to each, oldest first.
func (a *Account) Reports(each func(FiledReport) error) error {
	return a.each(cypher.ExportReports, a.params(nil), func(rec *neo4j.Record) error {
		member, err1 := value[string](rec, "member")
		reason, err2 := value[string](rec, "reason")
		messageID, err3 := value[string](rec, "messageId")
		at, err4 := value[time.Time](rec, "at")
		for _, err := range []error{err1, err2, err3, err4} {
			if err != nil {
				return fmt.Errorf("report: %w", err)
			}
		}
		return each(FiledReport{Member: member, Reason: ReportReason(reason), MessageID: messageID, At: at.UTC()})
	})
}

// Positions hands each position the member holds or held to each, earliest first.
func (a *Account) Positions(each func(HeldPosition) error) error {
	return a.each(cypher.ExportPositions, a.params(nil), func(rec *neo4j.Record) error {
		org, err1 := value[map[string]any](rec, "org")
		title, err2 := value[string](rec, "title")
		from, err3 := value[int64](rec, "from")
		if err := errors.Join(err1, err2, err3); err != nil {
			return fmt.Errorf("position: %w", err)
		}
		p := HeldPosition{Title: title, From: int(from)}
		p.Org.ID, _ = field[string](org, "id")
		p.Org.Name, _ = field[string](org, "name")
		kind, _ := field[string](org, "kind")
		p.Org.Kind = OrgKind(kind)
		if to, ok := rec.AsMap()["to"].(int64); ok {
			year := int(to)
			p.To = &year
		}
		return each(p)
	})
}

// Groups hands each group the member is in to each, by name.
func (a *Account) Groups(each func(Membership) error) error {
	return a.each(cypher.ExportGroups, a.params(nil), func(rec *neo4j.Record) error {
		g, err := value[map[string]any](rec, "group")
		if err != nil {
			return fmt.Errorf("group: %w", err)
		}
		var m Membership
		m.Group.ID, _ = field[string](g, "id")
		m.Group.Name, _ = field[string](g, "name")
		if since, ok := rec.AsMap()["since"].(time.Time); ok {
			m.Joined = since.UTC()
		}
		return each(m)
	})
}

// params are a section statement's parameters: the member's id and more.
func (a *Account) params(more map[string]any) map[string]any {
	p := map[string]any{"id": a.member.ID}
	for k, v := range more {
		p[k] = v
	}
	return p
}

// each runs one statement in the account's transaction and hands its rows to row as the driver
// fetches them.
func (a *Account) each(query string, params map[string]any, row func(*neo4j.Record) error) (err error) {
	ctx, end := traced(a.ctx, query)
	defer func() { end(err) }()
	res, err := a.tx.Run(ctx, query, params)
	if err != nil {
		return err
	}
	return eachRecord(ctx, res, row)
}

// toAccountMessage converts a row of ExportMessages.
func toAccountMessage(rec *neo4j.Record, incoming bool) (AccountMessage, error) {
	msg, err := toMessage(rec, "other", "other")
	if err != nil {
		return AccountMessage{}, err
	}
	m, err := value[map[string]any](rec, "message")
	if err != nil {
		return AccountMessage{}, err
	}
	channel, err1 := field[string](m, "channel")
	readAt, err2 := field[time.Time](m, "readAt")
	answeredAt, err3 := field[time.Time](m, "answeredAt")
	note, err4 := field[string](m, "declineNote")
	deletedKey := "deletedBySender"
	if incoming {
		deletedKey = "deletedByRecipient"
	}
	deleted, err5 := field[bool](m, deletedKey)
	for _, err := range []error{err1, err2, err3, err4, err5} {
		if err != nil {
			return AccountMessage{}, fmt.Errorf("message: %w", err)
		}
	}
	return AccountMessage{Message: msg, Channel: Channel(channel), ReadAt: utcOrZero(readAt),
		AnsweredAt: utcOrZero(answeredAt), DeclineNote: note, Deleted: deleted}, nil
}

// utcOrZero is t in UTC, or the zero time for none.
func utcOrZero(t time.Time) time.Time {
	if t.IsZero() {
		return t
	}
	return t.UTC()
}

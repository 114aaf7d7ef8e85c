package graph

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/reach-network/reach/cypher"
)

// ExportedNetwork is a part of the graph read back as the rows the bulk import takes: members
// with every property reachability and the messaging rules read, the connections, blocks,
// messages and declines among them, and their positions and groups with the organisations and
// groups these name (each once, by id).
type ExportedNetwork struct {
	Members       []ImportMember
	Connections   []ImportConnection
	Blocks        []ImportBlock
	Messages      []ImportMessage
	Declines      []ImportDecline
	Organisations []Organisation
	Positions     []ImportPosition
	Groups        []Group
	Memberships   []ImportMembership
}

// ExportNetwork reads back the members named by ids, as they are stored now, what lies between
// them, and their positions and groups; relationships to members outside ids are left out, and
// ids that name no member are skipped. It copies a small network elsewhere (the benchmark's
// PostgreSQL peer is tested on networks built through the API and copied this way); the service
// never calls it.
func (s *Store) ExportNetwork(ctx context.Context, ids []string) (_ ExportedNetwork, err error) {
	defer wrap(&err, "ExportNetwork(%d members)", len(ids))
	recs, err := s.read(ctx, cypher.ExportNetwork, map[string]any{"ids": ids})
	if err != nil {
		return ExportedNetwork{}, err
	}
	var out ExportedNetwork
	for _, rec := range recs {
		if err := out.add(rec); err != nil {
			return ExportedNetwork{}, err
		}
	}
	out.Organisations = byID(out.Organisations, func(o Organisation) string { return o.ID })
	out.Groups = byID(out.Groups, func(g Group) string { return g.ID })
	return out, nil
}

// byID sorts list by id and keeps one of each: members share organisations and groups, and each
// member's row names those they are in.
func byID[T any](list []T, id func(T) string) []T {
	slices.SortFunc(list, func(a, b T) int { return strings.Compare(id(a), id(b)) })
	return slices.CompactFunc(list, func(a, b T) bool { return id(a) == id(b) })
}

// add converts one row of ExportNetwork: a member and what starts at them.
func (n *ExportedNetwork) add(rec *neo4j.Record) error {
	props, err := value[map[string]any](rec, "member")
	if err != nil {
		return err
	}
	m, err := toMember(props)
	if err != nil {
		return err
	}
	created, err := field[time.Time](props, "createdAt")
	if err != nil {
		return err
	}
	month, err1 := field[int64](props, "requestsMonth")
	sent, err2 := field[int64](props, "requestsSent")
	if err := errors.Join(err1, err2); err != nil {
		return err
	}
	n.Members = append(n.Members, ImportMember{
		ID: m.ID, Name: m.Name, Headline: m.Headline, Company: m.Company, Settings: m.Settings,
		Plan: m.Plan, InMailCredits: m.InMailCredits, PlanGrantedAt: m.planGrantedAt,
		Restricted: m.Restricted, CreatedAt: created,
		RequestsMonth: int(month), RequestsSent: int(sent),
	})
	var errs []error
	rows := func(key string, each func(row map[string]any, to string, at time.Time) error) {
		list, err := value[[]any](rec, key)
		errs = append(errs, err)
		for _, v := range list {
			row, ok := v.(map[string]any)
			if !ok {
				errs = append(errs, fmt.Errorf("%s: got %T", key, v))
				continue
			}
			to, err1 := field[string](row, "to")
			at, err2 := field[time.Time](row, "at")
			errs = append(errs, err1, err2, each(row, to, at))
		}
	}
	rows("connections", func(_ map[string]any, to string, at time.Time) error {
		n.Connections = append(n.Connections, ImportConnection{A: m.ID, B: to, Since: at})
		return nil
	})
	rows("blocks", func(_ map[string]any, to string, at time.Time) error {
		n.Blocks = append(n.Blocks, ImportBlock{By: m.ID, Member: to, At: at})
		return nil
	})
	rows("declines", func(row map[string]any, to string, at time.Time) error {
		id, err := field[string](row, "messageId")
		n.Declines = append(n.Declines, ImportDecline{By: m.ID, Sender: to, MessageID: id, At: at})
		return err
	})
	rows("messages", func(row map[string]any, to string, _ time.Time) error {
		msg, err := toExportedMessage(row)
		msg.From, msg.To = m.ID, to
		n.Messages = append(n.Messages, msg)
		return err
	})
	rows("positions", func(row map[string]any, _ string, _ time.Time) error {
		p, org, err := toExportedPosition(row)
		p.Member = m.ID
		n.Positions, n.Organisations = append(n.Positions, p), append(n.Organisations, org)
		return err
	})
	rows("memberships", func(row map[string]any, to string, at time.Time) error {
		g, err := field[map[string]any](row, "group")
		name, err2 := field[string](g, "name")
		n.Memberships = append(n.Memberships, ImportMembership{Member: m.ID, Group: to, Since: at})
		n.Groups = append(n.Groups, Group{ID: to, Name: name})
		return errors.Join(err, err2)
	})
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("export of member %q: %w", m.ID, err)
	}
	return nil
}

// toExportedMessage converts a message's properties, as ExportNetwork returns them.
func toExportedMessage(row map[string]any) (ImportMessage, error) {
	var errs []error
	str := func(key string) string {
		v, err := field[string](row, key)
		errs = append(errs, err)
		return v
	}
	flag := func(key string) bool {
		v, err := field[bool](row, key)
		errs = append(errs, err)
		return v
	}
	number := func(key string) int {
		v, err := field[int64](row, key)
		errs = append(errs, err)
		return int(v)
	}
	at := func(key string) time.Time {
		v, err := field[time.Time](row, key)
		errs = append(errs, err)
		return v
	}
	msg := ImportMessage{
		ID: str("id"), Channel: Channel(str("channel")), Cost: number("cost"), Subject: str("subject"),
		Body: str("body"), SentAt: at("sentAt"), ReadAt: at("readAt"), Status: InMailStatus(str("status")),
		Refunded: flag("refunded"), DeletedBySender: flag("deletedBySender"),
		DeletedByRecipient: flag("deletedByRecipient"), CreditsAfter: number("creditsAfter"),
		Via: Via{Kind: str("viaKind"), Affiliate: Affiliate{ID: str("viaId"), Name: str("viaName")}},
	}
	return msg, errors.Join(errs...)
}

// toExportedPosition converts a position and its organisation, as ExportNetwork returns them.
func toExportedPosition(row map[string]any) (ImportPosition, Organisation, error) {
	org, err1 := field[map[string]any](row, "org")
	id, err2 := field[string](org, "id")
	name, err3 := field[string](org, "name")
	kind, err4 := field[string](org, "kind")
	title, err5 := field[string](row, "title")
	from, err6 := field[int64](row, "from")
	until, err7 := field[int64](row, "until")
	p := ImportPosition{Position: Position{Org: id, Title: title, From: int(from)}}
	if _, ended := row["until"].(int64); ended {
		to := int(until)
		p.To = &to
	}
	return p, Organisation{ID: id, Name: name, Kind: OrgKind(kind)}, errors.Join(err1, err2, err3, err4, err5, err6, err7)
}

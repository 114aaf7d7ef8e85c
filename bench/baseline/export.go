package baseline

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
	"github.com/reach-network/reach/graph"
	"github.com/reach-network/reach/graph/bolt"
	"github.com/reach-network/reach/graph/neo4jstore"
)

// ExportedNetwork is a part of the graph read back as the rows the bulk import takes: members
// with every property reachability and the messaging rules read, the connections, blocks,
// messages and declines among them, and their positions and groups with the organisations and
// groups these name (each once, by id).
type ExportedNetwork struct {
	Members       []graph.ImportMember
	Connections   []graph.ImportConnection
	Blocks        []graph.ImportBlock
	Messages      []graph.ImportMessage
	Declines      []graph.ImportDecline
	Organisations []graph.Organisation
	Positions     []graph.ImportPosition
	Groups        []graph.Group
	Memberships   []graph.ImportMembership
}

// ExportNetwork reads back the members named by ids, as they are stored now, what lies between
// them, and their positions and groups; relationships to members outside ids are left out, and
// ids that name no member are skipped. It copies a small network elsewhere (the benchmark's
// PostgreSQL peer is tested on networks built through the API and copied this way); the service
// never calls it.
func (s *Baseline) ExportNetwork(ctx context.Context, ids []string) (_ ExportedNetwork, err error) {
	defer bolt.Wrap(&err, "ExportNetwork(%d members)", len(ids))
	recs, err := s.db.Read(ctx, exportNetwork, map[string]any{"batch": map[string]any{"ids": ids}})
	if err != nil {
		return ExportedNetwork{}, err
	}
	var out ExportedNetwork
	for _, rec := range recs {
		if err := out.add(rec); err != nil {
			return ExportedNetwork{}, err
		}
	}
	out.Organisations = byID(out.Organisations, func(o graph.Organisation) string { return o.ID })
	out.Groups = byID(out.Groups, func(g graph.Group) string { return g.ID })
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
	props, err := bolt.Value[map[string]any](rec, "member")
	if err != nil {
		return err
	}
	m, err := neo4jstore.ToMember(props)
	if err != nil {
		return err
	}
	created, err := bolt.Field[time.Time](props, "createdAt")
	if err != nil {
		return err
	}
	month, err1 := bolt.Field[int64](props, "requestsMonth")
	sent, err2 := bolt.Field[int64](props, "requestsSent")
	if err := errors.Join(err1, err2); err != nil {
		return err
	}
	n.Members = append(n.Members, graph.ImportMember{
		ID: m.ID, Name: m.Name, Headline: m.Headline, Company: m.Company, Settings: m.Settings,
		Plan: m.Plan, InMailCredits: m.InMailCredits, PlanGrantedAt: m.Quota.GrantedAt,
		Restricted: m.Restricted, CreatedAt: created,
		RequestsMonth: int(month), RequestsSent: int(sent),
	})
	var errs []error
	rows := func(key string, each func(row map[string]any, to string, at time.Time) error) {
		list, err := bolt.Value[[]any](rec, key)
		errs = append(errs, err)
		for _, v := range list {
			row, ok := v.(map[string]any)
			if !ok {
				errs = append(errs, fmt.Errorf("%s: got %T", key, v))
				continue
			}
			to, err1 := bolt.Field[string](row, "to")
			at, err2 := bolt.Field[time.Time](row, "at")
			errs = append(errs, err1, err2, each(row, to, at))
		}
	}
	rows("connections", func(_ map[string]any, to string, at time.Time) error {
		n.Connections = append(n.Connections, graph.ImportConnection{A: m.ID, B: to, Since: at})
		return nil
	})
	rows("blocks", func(_ map[string]any, to string, at time.Time) error {
		n.Blocks = append(n.Blocks, graph.ImportBlock{By: m.ID, Member: to, At: at})
		return nil
	})
	rows("declines", func(row map[string]any, to string, at time.Time) error {
		id, err := bolt.Field[string](row, "messageId")
		n.Declines = append(n.Declines, graph.ImportDecline{By: m.ID, Sender: to, MessageID: id, At: at})
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
		g, err := bolt.Field[map[string]any](row, "group")
		name, err2 := bolt.Field[string](g, "name")
		n.Memberships = append(n.Memberships, graph.ImportMembership{Member: m.ID, Group: to, Since: at})
		n.Groups = append(n.Groups, graph.Group{ID: to, Name: name})
		return errors.Join(err, err2)
	})
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("export of member %q: %w", m.ID, err)
	}
	return nil
}

// toExportedMessage converts a message's properties, as ExportNetwork returns them.
func toExportedMessage(row map[string]any) (graph.ImportMessage, error) {
	var errs []error
	str := func(key string) string {
		v, err := bolt.Field[string](row, key)
		errs = append(errs, err)
		return v
	}
	flag := func(key string) bool {
		v, err := bolt.Field[bool](row, key)
		errs = append(errs, err)
		return v
	}
	number := func(key string) int {
		v, err := bolt.Field[int64](row, key)
		errs = append(errs, err)
		return int(v)
	}
	at := func(key string) time.Time {
		v, err := bolt.Field[time.Time](row, key)
		errs = append(errs, err)
		return v
	}
	msg := graph.ImportMessage{
		ID: str("id"), Channel: graph.Channel(str("channel")), Cost: number("cost"), Subject: str("subject"),
		Body: str("body"), SentAt: at("sentAt"), ReadAt: at("readAt"), Status: graph.InMailStatus(str("status")),
		Refunded: flag("refunded"), DeletedBySender: flag("deletedBySender"),
		DeletedByRecipient: flag("deletedByRecipient"), CreditsAfter: number("creditsAfter"),
		Via: graph.Via{Kind: str("viaKind"), Affiliate: graph.Affiliate{ID: str("viaId"), Name: str("viaName")}},
	}
	return msg, errors.Join(errs...)
}

// toExportedPosition converts a position and its organisation, as ExportNetwork returns them.
func toExportedPosition(row map[string]any) (graph.ImportPosition, graph.Organisation, error) {
	org, err1 := bolt.Field[map[string]any](row, "org")
	id, err2 := bolt.Field[string](org, "id")
	name, err3 := bolt.Field[string](org, "name")
	kind, err4 := bolt.Field[string](org, "kind")
	title, err5 := bolt.Field[string](row, "title")
	from, err6 := bolt.Field[int64](row, "from")
	until, err7 := bolt.Field[int64](row, "until")
	p := graph.ImportPosition{Position: graph.Position{Org: id, Title: title, From: int(from)}}
	if _, ended := row["until"].(int64); ended {
		to := int(until)
		p.To = &to
	}
	return p, graph.Organisation{ID: id, Name: name, Kind: graph.OrgKind(kind)}, errors.Join(err1, err2, err3, err4, err5, err6, err7)
}

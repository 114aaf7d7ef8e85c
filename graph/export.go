package graph

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/reach-network/reach/cypher"
)

// ExportedNetwork is a part of the graph read back as the rows the bulk import takes: members
// with every property reachability and the messaging rules read, and the connections, blocks,
// messages and declines among them.
type ExportedNetwork struct {
	Members     []ImportMember
	Connections []ImportConnection
	Blocks      []ImportBlock
	Messages    []ImportMessage
	Declines    []ImportDecline
}

// ExportNetwork reads back the members named by ids, as they are stored now, and what lies
// between them; relationships to members outside ids are left out, and ids that name no member
// are skipped. It copies a small network elsewhere (the benchmark's PostgreSQL peer is tested on
// networks built through the API and copied this way); the service never calls it.
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
	return out, nil
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
	n.Members = append(n.Members, ImportMember{
		ID: m.ID, Name: m.Name, Headline: m.Headline, Company: m.Company, Settings: m.Settings,
		Plan: m.Plan, InMailCredits: m.InMailCredits, PlanGrantedAt: m.planGrantedAt,
		Restricted: m.Restricted, CreatedAt: created,
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
	}
	return msg, errors.Join(errs...)
}

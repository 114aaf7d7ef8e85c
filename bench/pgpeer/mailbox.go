package pgpeer

import (
	"context"
	"encoding/json"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/reach-network/reach/graph"
)

// Mailbox returns one page of the caller's received (incoming) or sent messages, newest first,
// each with how the caller stands to the other member, as reach's store does: one statement for
// the page (Inbox.sql or Outbox.sql), then the degree to each other member on it, their Reachability
// statements sent in one batch. Messages exchanged with a member in a block relation with the
// caller are never listed. Returns graph.ErrInvalidCursor for a cursor it did not give.
func (p *Peer) Mailbox(ctx context.Context, caller string, incoming bool, filter graph.MailboxFilter, page graph.PageRequest) (_ graph.Page[graph.Envelope], err error) {
	defer wrap(&err, "Mailbox(%q, incoming=%v)", caller, incoming)
	var key graph.TimeKey
	if _, err := graph.DecodeCursor(page.After, &key); err != nil {
		return graph.Page[graph.Envelope]{}, err
	}
	after, afterID := key.At, key.ID
	if page.After == "" {
		after = endOfTime
	}
	var rows pgx.Rows
	if incoming {
		rows, err = p.pool.Query(ctx, sqlInbox, caller, filter.Requests, string(filter.Kind), filter.UnreadOnly,
			after, afterID, page.Limit)
	} else {
		rows, err = p.pool.Query(ctx, sqlOutbox, caller, string(filter.Kind), filter.UnreadOnly, after, afterID, page.Limit)
	}
	if err != nil {
		return graph.Page[graph.Envelope]{}, err
	}
	items, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (graph.Envelope, error) {
		return toEnvelope(row, caller, incoming)
	})
	if err != nil || len(items) == 0 {
		return graph.Page[graph.Envelope]{}, err // an empty page holds no items, as reach's
	}
	out := graph.PageOf(items, page.Limit, func(e graph.Envelope) any { return graph.TimeKey{At: e.Message.SentAt, ID: e.Message.ID} })
	if err := p.degrees(ctx, caller, out.Items); err != nil {
		return graph.Page[graph.Envelope]{}, err
	}
	return out, nil
}

// endOfTime is after every message: a first page starts there.
var endOfTime = time.Date(9999, 12, 31, 0, 0, 0, 0, time.UTC)

// toEnvelope maps one row of Inbox.sql or Outbox.sql.
func toEnvelope(row pgx.Row, caller string, incoming bool) (graph.Envelope, error) {
	var m graph.Message
	var kind, status, attachments string
	var cost int32
	var sentAt time.Time
	var other graph.MemberSummary
	err := row.Scan(&m.ID, &m.ThreadID, &kind, &m.Subject, &m.Body, &attachments, &sentAt, &m.Read, &status, &cost,
		&m.Via.Kind, &m.Via.ID, &m.Via.Name, &other.ID, &other.Name, &other.Headline)
	if err != nil {
		return graph.Envelope{}, err
	}
	m.Kind, m.Status, m.Cost, m.SentAt = graph.MessageKind(kind), graph.InMailStatus(status), int(cost), sentAt.UTC()
	if attachments != "" {
		if err := json.Unmarshal([]byte(attachments), &m.Attachments); err != nil {
			return graph.Envelope{}, err
		}
	}
	m.From, m.To = other, graph.MemberSummary{ID: caller}
	if !incoming {
		m.From, m.To = m.To, other
	}
	return graph.Envelope{Message: m, Other: other}, nil
}

// degrees sets the degree of the caller to each envelope's other member, asking PostgreSQL for
// each member once, in one batch.
func (p *Peer) degrees(ctx context.Context, caller string, items []graph.Envelope) error {
	now := p.clock()
	var batch pgx.Batch
	seen := map[string]graph.Degree{}
	var order []string
	for _, e := range items {
		if _, ok := seen[e.Other.ID]; ok {
			continue
		}
		seen[e.Other.ID] = graph.OutOfNetwork
		order = append(order, e.Other.ID)
		batch.Queue(sqlReachability, caller, e.Other.ID)
	}
	results := p.pool.SendBatch(ctx, &batch)
	for _, other := range order {
		row, err := scanReachability(results.QueryRow(), other)
		if err != nil {
			results.Close()
			return err
		}
		seen[other] = p.relation(caller, other, row, now).Degree
	}
	if err := results.Close(); err != nil {
		return err
	}
	for i := range items {
		items[i].Degree = seen[items[i].Other.ID]
	}
	return nil
}

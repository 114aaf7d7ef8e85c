package neo4jstore

import (
	"context"
	"encoding/json"
	"errors"
	"maps"
	"slices"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
	"github.com/reach-network/reach/cypher"
	"github.com/reach-network/reach/graph"
	"github.com/reach-network/reach/graph/bolt"
	"github.com/reach-network/reach/graph/changelog"
)

// BeginImport returns ctx for the batches of one online import (the Import methods): with it, a
// batch records no change for replicas, and EndImport, called once when the import ends, whether
// it succeeded or failed partway, has them read everything again, once. Without it, each batch
// is an import of its own, and has them read everything again when it commits.
func (s *Store) BeginImport(ctx context.Context) context.Context { return changelog.Importing(ctx) }

// EndImport ends the online import begun with BeginImport: every replica reads everything again,
// the rows the import wrote with it (changelog.EndImport).
func (s *Store) EndImport(ctx context.Context) (err error) {
	defer bolt.Wrap(&err, "EndImport")
	_, err = write(ctx, s, func(tx neo4j.ManagedTransaction) (struct{}, error) {
		return struct{}{}, changelog.EndImport(ctx, tx)
	})
	return err
}

// ImportMembers creates members. Returns ErrConflict, and creates none, if one of them exists.
func (s *Store) ImportMembers(ctx context.Context, members []graph.ImportMember) (retries int, err error) {
	defer bolt.Wrap(&err, "ImportMembers(%d)", len(members))
	rows := make([]any, len(members))
	for i, m := range members {
		var granted any
		if !m.PlanGrantedAt.IsZero() {
			granted = bolt.AsNeo4jTime(m.PlanGrantedAt)
		}
		rows[i] = map[string]any{
			"id": m.ID, "name": m.Name, "headline": m.Headline,
			"company": orNull(m.Company), "inmailCredits": int64(m.InMailCredits), "plan": string(m.Plan),
			"planGrantedAt": granted, "restricted": m.Restricted, "inmail": string(m.Settings.InMail),
			"openProfile": m.Settings.OpenProfile, "profileVisibility": string(m.Settings.ProfileVisibility),
			"connectionsVisibility": string(m.Settings.ConnectionsVisibility),
			"searchable":            m.Settings.Searchable, "createdAt": bolt.AsNeo4jTime(m.CreatedAt),
			"messageRequests": requestsOff(m.Settings.MessageRequests), "requestsMonth": orNullInt(m.RequestsMonth),
			"requestsSent": orNullInt(m.RequestsSent),
		}
	}
	return s.importRows(ctx, cypher.ImportMembers, "members", rows)
}

// ImportConnections connects pairs of members. Returns ErrNotFound, and connects none, if a pair
// names a member that does not exist.
func (s *Store) ImportConnections(ctx context.Context, pairs []graph.ImportConnection) (retries int, err error) {
	defer bolt.Wrap(&err, "ImportConnections(%d)", len(pairs))
	rows := make([]any, len(pairs))
	for i, p := range pairs {
		rows[i] = []any{min(p.A, p.B), max(p.A, p.B), bolt.AsNeo4jTime(p.Since)}
	}
	return s.importRows(ctx, cypher.ImportConnections, "pairs", rows)
}

// ImportBlocks records blocks. Returns ErrNotFound, and records none, if a row names a member
// that does not exist.
func (s *Store) ImportBlocks(ctx context.Context, blocks []graph.ImportBlock) (retries int, err error) {
	defer bolt.Wrap(&err, "ImportBlocks(%d)", len(blocks))
	rows := make([]any, len(blocks))
	for i, b := range blocks {
		rows[i] = map[string]any{"by": b.By, "member": b.Member, "at": bolt.AsNeo4jTime(b.At)}
	}
	return s.importRows(ctx, cypher.ImportBlocks, "blocks", rows)
}

// ImportInvitations records pending invitations; their Status is not read. Returns ErrNotFound,
// and records none, if a row names a member that does not exist, or ErrConflict if an
// invitation id is taken.
func (s *Store) ImportInvitations(ctx context.Context, invitations []graph.Invitation) (retries int, err error) {
	defer bolt.Wrap(&err, "ImportInvitations(%d)", len(invitations))
	rows := make([]any, len(invitations))
	for i, inv := range invitations {
		rows[i] = map[string]any{
			"id": inv.ID, "from": inv.From, "to": inv.To, "note": orNull(inv.Note), "sentAt": bolt.AsNeo4jTime(inv.SentAt),
		}
	}
	return s.importRows(ctx, cypher.ImportInvitations, "invitations", rows)
}

// ImportMessages records messages. Returns ErrNotFound, and records none, if a row names a
// member that does not exist, or ErrConflict if a message id is taken.
func (s *Store) ImportMessages(ctx context.Context, messages []graph.ImportMessage) (retries int, err error) {
	defer bolt.Wrap(&err, "ImportMessages(%d)", len(messages))
	rows := make([]any, len(messages))
	threads := map[any]bool{}
	for i, m := range messages {
		attachments, err := json.Marshal(m.Attachments)
		if err != nil {
			return 0, err
		}
		var readAt, status any
		if !m.ReadAt.IsZero() {
			readAt = bolt.AsNeo4jTime(m.ReadAt)
		}
		if m.Status != graph.StatusNone {
			status = string(m.Status)
		}
		inbox, requests := graph.RecipientKeys(m.To, m.Channel.Kind(), m.Status, m.DeletedByRecipient, m.SentAt, m.ID)
		threads[graph.ThreadID(m.From, m.To)] = true
		rows[i] = map[string]any{
			"id": m.ID, "from": m.From, "to": m.To, "threadId": graph.ThreadID(m.From, m.To),
			"kind": string(m.Channel.Kind()), "channel": string(m.Channel), "cost": int64(m.Cost),
			"subject": orNull(m.Subject), "body": m.Body, "bodyHash": graph.BodyHash(m.Body),
			"attachments": string(attachments), "sentAt": bolt.AsNeo4jTime(m.SentAt), "readAt": readAt,
			"status": status, "refunded": m.Refunded, "deletedBySender": m.DeletedBySender,
			"deletedByRecipient": m.DeletedByRecipient, "creditsAfter": int64(m.CreditsAfter),
			"viaKind": orNull(m.Via.Kind), "viaId": orNull(m.Via.ID), "viaName": orNull(m.Via.Name),
			"inboxKey": orNull(inbox), "requestKey": orNull(requests), "sentKey": orNull(sentKey(m)),
		}
	}
	return s.importRows(ctx, cypher.ImportMessages, "messages", rows, func(ctx context.Context, tx neo4j.ManagedTransaction) error {
		return rebuildConversations(ctx, tx, slices.Collect(maps.Keys(threads)))
	})
}

// ImportSides sets what members chose of their sides of conversations, and builds the rest of
// each side from the conversation's messages in the same transaction, whether they were imported
// before or come after (their import builds the side again, keeping these choices). Returns
// ErrNotFound, and sets none, if a row names a member that does not exist.
func (s *Store) ImportSides(ctx context.Context, sides []graph.ImportSide) (retries int, err error) {
	defer bolt.Wrap(&err, "ImportSides(%d)", len(sides))
	rows := make([]any, len(sides))
	threads := map[any]bool{}
	for i, x := range sides {
		thread := graph.ThreadID(x.Member, x.With)
		threads[thread] = true
		rows[i] = map[string]any{"member": x.Member, "with": x.With, "thread": thread,
			"archived": x.Archived, "muted": x.Muted, "other": x.Other}
	}
	return s.importRows(ctx, cypher.ImportSides, "sides", rows, func(ctx context.Context, tx neo4j.ManagedTransaction) error {
		return rebuildConversations(ctx, tx, slices.Collect(maps.Keys(threads)))
	})
}

// sentKey is where m sits in its sender's sent box, or "" when the sender deleted it.
func sentKey(m graph.ImportMessage) string {
	if m.DeletedBySender {
		return ""
	}
	return graph.MailboxKey(m.From, m.SentAt, m.ID)
}

// ImportDeclines records declined InMails and message requests. Returns ErrNotFound, and records
// none, if a row names a member that does not exist.
func (s *Store) ImportDeclines(ctx context.Context, declines []graph.ImportDecline) (retries int, err error) {
	defer bolt.Wrap(&err, "ImportDeclines(%d)", len(declines))
	rows := make([]any, len(declines))
	for i, d := range declines {
		rows[i] = map[string]any{"by": d.By, "sender": d.Sender, "messageId": d.MessageID, "at": bolt.AsNeo4jTime(d.At)}
	}
	return s.importRows(ctx, cypher.ImportDeclines, "declines", rows)
}

// ImportReports records reports. It restricts no one: imported members carry their restriction.
// Returns ErrNotFound, and records none, if a row names a member that does not exist.
func (s *Store) ImportReports(ctx context.Context, reports []graph.ImportReport) (retries int, err error) {
	defer bolt.Wrap(&err, "ImportReports(%d)", len(reports))
	rows := make([]any, len(reports))
	for i, r := range reports {
		rows[i] = map[string]any{"by": r.By, "member": r.Member, "reason": string(r.Reason), "at": bolt.AsNeo4jTime(r.At)}
	}
	return s.importRows(ctx, cypher.ImportReports, "reports", rows)
}

// ImportOrganisations creates organisations. Returns ErrConflict, and creates none, if one of
// them exists.
func (s *Store) ImportOrganisations(ctx context.Context, orgs []graph.Organisation) (retries int, err error) {
	defer bolt.Wrap(&err, "ImportOrganisations(%d)", len(orgs))
	rows := make([]any, len(orgs))
	for i, o := range orgs {
		if err := o.Kind.Check(); err != nil {
			return 0, err
		}
		rows[i] = map[string]any{"id": o.ID, "name": o.Name, "kind": string(o.Kind)}
	}
	return s.importRows(ctx, cypher.ImportOrganisations, "organisations", rows)
}

// ImportGroups creates groups. Returns ErrConflict, and creates none, if one of them exists.
func (s *Store) ImportGroups(ctx context.Context, groups []graph.Group) (retries int, err error) {
	defer bolt.Wrap(&err, "ImportGroups(%d)", len(groups))
	rows := make([]any, len(groups))
	for i, g := range groups {
		rows[i] = map[string]any{"id": g.ID, "name": g.Name}
	}
	return s.importRows(ctx, cypher.ImportGroups, "groups", rows)
}

// ImportPositions records positions. Returns ErrNotFound, and records none, if a row names a
// member or organisation that does not exist.
func (s *Store) ImportPositions(ctx context.Context, positions []graph.ImportPosition) (retries int, err error) {
	defer bolt.Wrap(&err, "ImportPositions(%d)", len(positions))
	rows := make([]any, len(positions))
	for i, p := range positions {
		row := map[string]any{"member": p.Member, "org": p.Org, "title": orNull(p.Title), "from": int64(p.From), "to": nil}
		if p.To != nil {
			row["to"] = int64(*p.To)
		}
		rows[i] = row
	}
	return s.importRows(ctx, cypher.ImportPositions, "positions", rows)
}

// ImportMemberships puts members in groups. Returns ErrNotFound, and records none, if a row
// names a member or group that does not exist.
func (s *Store) ImportMemberships(ctx context.Context, memberships []graph.ImportMembership) (retries int, err error) {
	defer bolt.Wrap(&err, "ImportMemberships(%d)", len(memberships))
	rows := make([]any, len(memberships))
	for i, m := range memberships {
		rows[i] = map[string]any{"member": m.Member, "group": m.Group, "since": bolt.AsNeo4jTime(m.Since)}
	}
	return s.importRows(ctx, cypher.ImportMemberships, "memberships", rows)
}

// importRows runs one bulk statement over rows, passed as the parameter param, in one write
// transaction, and rolls it back unless every row created what it should. Each of then runs after
// the statement in the same transaction (messages build their conversations so).
func (s *Store) importRows(ctx context.Context, stmt, param string, rows []any, then ...func(context.Context, neo4j.ManagedTransaction) error) (retries int, err error) {
	if len(rows) == 0 {
		return 0, nil
	}
	attempts := 0
	_, err = write(ctx, s, func(tx neo4j.ManagedTransaction) (struct{}, error) {
		attempts++
		if err := changelog.ImportBatch(ctx, tx); err != nil {
			return struct{}{}, err
		}
		recs, err := bolt.Collect(ctx, tx, stmt, map[string]any{"batch": map[string]any{param: rows}})
		if err != nil {
			return struct{}{}, err
		}
		created, err := bolt.Value[int64](recs[0], "created")
		if err == nil && int(created) != len(rows) {
			err = graph.Fail(graph.ErrNotFound, "%d of %d rows name a member that does not exist", len(rows)-int(created), len(rows))
		}
		for _, after := range then {
			if err == nil {
				err = after(ctx, tx)
			}
		}
		return struct{}{}, err
	})
	var neoErr *neo4j.Neo4jError
	if errors.As(err, &neoErr) && neoErr.Code == "Neo.ClientError.Schema.ConstraintValidationFailed" {
		err = graph.Fail(graph.ErrConflict, "an imported id is already taken: %s", neoErr.Msg)
	}
	return max(attempts-1, 0), err
}

// orNull turns an empty string into a Cypher null, so that the property is left out.
func orNull(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// orNullInt turns 0 into a Cypher null, so that the property is left out.
func orNullInt(n int) any {
	if n == 0 {
		return nil
	}
	return int64(n)
}

// requestsOff is the messageRequests property of a member with the setting on: false when they
// turned message requests off, or null, which leaves it out: absent means on.
func requestsOff(on bool) any {
	if !on {
		return false
	}
	return nil
}

package pgpeer

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/reach-network/reach/bench/baseline"
	"github.com/reach-network/reach/graph"
)

// csvFiles are the files of `reach seed --out` the peer loads, each with the header seed/csv.go
// writes (a file with another header is refused rather than misread), the staging table
// Stage.sql makes for it, and, where that table has more columns than the file, the ones the
// file fills, in order.
var csvFiles = []struct{ name, header, table, columns string }{
	{"members.csv", "id:ID(Member),:LABEL,name,nameLower,headline,company,inmailCredits:long,plan,planGrantedAt:datetime,restricted:boolean,inmail,openProfile:boolean,profileVisibility,connectionsVisibility,searchable:boolean,createdAt:datetime,connectionsVersion:long", "stage_members",
		"id, label, name, name_lower, headline, company, inmail_credits, plan, plan_granted_at, restricted, inmail, open_profile, profile_visibility, connections_visibility, searchable, created_at, connections_version"},
	{"connections.csv", ":START_ID(Member),:END_ID(Member),:TYPE,since:datetime", "stage_connections", ""},
	{"blocks.csv", ":START_ID(Member),:END_ID(Member),:TYPE,at:datetime", "stage_blocks", ""},
	{"messages.csv", ":START_ID(Member),:END_ID(Member),:TYPE,id,threadId,kind,channel,cost:long,subject,body,bodyHash,attachments,sentAt:datetime,readAt:datetime,status,refunded:boolean,deletedBySender:boolean,deletedByRecipient:boolean,creditsAfter:long,inboxKey,requestKey,sentKey", "stage_messages",
		"sender, recipient, type, id, thread_id, kind, channel, cost, subject, body, body_hash, attachments, sent_at, read_at, status, refunded, deleted_by_sender, deleted_by_recipient, credits_after, inbox_key, request_key, sent_key"},
	{"declines.csv", ":START_ID(Member),:END_ID(Member),:TYPE,at:datetime,messageId", "stage_declines", ""},
	{"organisations.csv", "id:ID(Organisation),:LABEL,name,kind", "stage_organisations", ""},
	{"groups.csv", "id:ID(Group),:LABEL,name", "stage_groups", ""},
	{"positions.csv", ":START_ID(Member),:END_ID(Organisation),:TYPE,title,from:long,to:long", "stage_positions", ""},
	{"memberships.csv", ":START_ID(Member),:END_ID(Group),:TYPE,since:datetime", "stage_memberships", ""},
}

// LoadCSV replaces the peer's tables, in the database and schema url names, with the network
// whose CSV files `reach seed --out` wrote into dir: each file is copied into a staging table
// with COPY, then Load.sql builds the tables and their indexes, and VACUUM ANALYZE leaves them
// ready for index-only scans. It says how long each step took on log (nil for nobody).
func LoadCSV(ctx context.Context, url, dir string, log io.Writer) error {
	return replace(ctx, url, log, func(ctx context.Context, tx pgx.Tx) error {
		for _, f := range csvFiles {
			start := time.Now()
			into := f.table
			if f.columns != "" {
				into += " (" + f.columns + ")"
			}
			rows, err := copyCSV(ctx, tx, filepath.Join(dir, f.name), f.header, into)
			if err != nil {
				return fmt.Errorf("load %s: %w", f.name, err)
			}
			say(log, "copied %s: %d rows in %s", f.name, rows, time.Since(start).Round(time.Millisecond))
		}
		return nil
	})
}

// copyCSV copies the CSV file at path into table (a name, and the columns the file fills when not
// all of them), after checking its header.
func copyCSV(ctx context.Context, tx pgx.Tx, path, header, table string) (int64, error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	r := bufio.NewReaderSize(f, 1<<20)
	first, err := r.ReadString('\n')
	if err != nil {
		return 0, fmt.Errorf("header: %w", err)
	}
	if got := strings.TrimRight(first, "\r\n"); got != header {
		return 0, fmt.Errorf("header %q, want %q (seed/csv.go and the peer's loader disagree)", got, header)
	}
	tag, err := tx.Conn().PgConn().CopyFrom(ctx, r, "COPY "+table+" FROM STDIN (FORMAT csv)")
	return tag.RowsAffected(), err
}

// LoadNetwork replaces the peer's tables, in the database and schema url names, with the network
// n, as LoadCSV does with files: the rows go into the same staging tables, and from there the
// same way into the peer's tables.
func LoadNetwork(ctx context.Context, url string, n baseline.ExportedNetwork) error {
	return replace(ctx, url, nil, func(ctx context.Context, tx pgx.Tx) error {
		for _, t := range stagedRows(n) {
			if _, err := tx.CopyFrom(ctx, pgx.Identifier{t.table}, t.columns, pgx.CopyFromRows(t.rows)); err != nil {
				return fmt.Errorf("load %s: %w", t.table, err)
			}
		}
		return nil
	})
}

// staged is the rows of one staging table.
type staged struct {
	table   string
	columns []string
	rows    [][]any
}

// stagedRows lays out n as the rows of the staging tables: the columns of the CSV files, with
// the values seed/csv.go would write for the same rows (null for an empty text or a zero time).
func stagedRows(n baseline.ExportedNetwork) []staged {
	members := staged{table: "stage_members", columns: []string{"id", "name", "headline", "company", "inmail_credits", "plan",
		"plan_granted_at", "restricted", "inmail", "open_profile", "profile_visibility", "connections_visibility",
		"searchable", "created_at", "message_requests", "requests_month", "requests_sent"}}
	for _, m := range n.Members {
		s := m.Settings
		members.rows = append(members.rows, []any{m.ID, m.Name, text(m.Headline), text(m.Company), int64(m.InMailCredits),
			text(string(m.Plan)), at(m.PlanGrantedAt), m.Restricted, text(string(s.InMail)), s.OpenProfile,
			text(string(s.ProfileVisibility)), text(string(s.ConnectionsVisibility)), s.Searchable, at(m.CreatedAt),
			s.MessageRequests, int64(m.RequestsMonth), int64(m.RequestsSent)})
	}
	connections := staged{table: "stage_connections", columns: []string{"a", "b", "since"}}
	for _, c := range n.Connections {
		connections.rows = append(connections.rows, []any{c.A, c.B, at(c.Since)})
	}
	blocks := staged{table: "stage_blocks", columns: []string{"blocker", "blocked", "at"}}
	for _, b := range n.Blocks {
		blocks.rows = append(blocks.rows, []any{b.By, b.Member, at(b.At)})
	}
	messages := staged{table: "stage_messages", columns: []string{"sender", "recipient", "id", "thread_id", "kind", "channel",
		"cost", "subject", "body", "sent_at", "read_at", "status", "refunded", "deleted_by_sender", "deleted_by_recipient",
		"via_kind", "via_id", "via_name", "body_hash"}}
	for _, m := range n.Messages {
		messages.rows = append(messages.rows, []any{m.From, m.To, m.ID, graph.ThreadID(m.From, m.To),
			string(m.Channel.Kind()), string(m.Channel), int64(m.Cost), text(m.Subject), m.Body, at(m.SentAt),
			at(m.ReadAt), text(string(m.Status)), m.Refunded, m.DeletedBySender, m.DeletedByRecipient,
			text(m.Via.Kind), text(m.Via.ID), text(m.Via.Name), graph.BodyHash(m.Body)})
	}
	declines := staged{table: "stage_declines", columns: []string{"decliner", "sender", "at", "message_id"}}
	for _, d := range n.Declines {
		declines.rows = append(declines.rows, []any{d.By, d.Sender, at(d.At), d.MessageID})
	}
	return append([]staged{members, connections, blocks, messages, declines}, affiliations(n)...)
}

// affiliations lays out the organisations, groups, positions and memberships of n as the rows of
// their staging tables.
func affiliations(n baseline.ExportedNetwork) []staged {
	orgs := staged{table: "stage_organisations", columns: []string{"id", "name", "kind"}}
	for _, o := range n.Organisations {
		orgs.rows = append(orgs.rows, []any{o.ID, o.Name, string(o.Kind)})
	}
	groups := staged{table: "stage_groups", columns: []string{"id", "name"}}
	for _, g := range n.Groups {
		groups.rows = append(groups.rows, []any{g.ID, g.Name})
	}
	positions := staged{table: "stage_positions", columns: []string{"member", "org", "title", "from_year", "to_year"}}
	for _, p := range n.Positions {
		var to any
		if p.To != nil {
			to = int64(*p.To)
		}
		positions.rows = append(positions.rows, []any{p.Member, p.Org, text(p.Title), int64(p.From), to})
	}
	memberships := staged{table: "stage_memberships", columns: []string{"member", "grp", "since"}}
	for _, m := range n.Memberships {
		memberships.rows = append(memberships.rows, []any{m.Member, m.Group, at(m.Since)})
	}
	return []staged{orgs, groups, positions, memberships}
}

// text is s, or null for an empty string, as an empty CSV field reads.
func text(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// at is t, or null for the zero time, as an empty CSV field reads.
func at(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t
}

// replace runs the load in one transaction: Stage.sql, fill (which fills the staging tables),
// Load.sql; then VACUUM ANALYZE, which sets the visibility map that index-only scans need and
// gives the planner the tables' statistics.
func replace(ctx context.Context, url string, log io.Writer, fill func(context.Context, pgx.Tx) error) (err error) {
	defer func() {
		if err != nil {
			err = fmt.Errorf("pgpeer: load: %w", err)
		}
	}()
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		return err
	}
	defer conn.Close(context.WithoutCancel(ctx))
	// Room for the sorts of a load of tens of millions of rows.
	if _, err := conn.Exec(ctx, "SET maintenance_work_mem = '1GB'; SET work_mem = '256MB'"); err != nil {
		return err
	}
	err = pgx.BeginFunc(ctx, conn, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, sqlStage); err != nil {
			return fmt.Errorf("staging (Stage.sql): %w", err)
		}
		if err := fill(ctx, tx); err != nil {
			return err
		}
		start := time.Now()
		if _, err := tx.Exec(ctx, sqlLoad); err != nil {
			return fmt.Errorf("building the tables (Load.sql): %w", err)
		}
		say(log, "built the tables and indexes in %s", time.Since(start).Round(time.Millisecond))
		return nil
	})
	if err != nil {
		return err
	}
	start := time.Now()
	if _, err := conn.Exec(ctx, "VACUUM (ANALYZE) members, knows, blocks, messages, declines, organisations, positions, groups, memberships"); err != nil {
		return err
	}
	say(log, "vacuumed and analysed in %s", time.Since(start).Round(time.Millisecond))
	return nil
}

func say(w io.Writer, format string, args ...any) {
	if w != nil {
		fmt.Fprintf(w, format+"\n", args...)
	}
}

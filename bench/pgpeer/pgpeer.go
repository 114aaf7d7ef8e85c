// Package pgpeer is the benchmark's PostgreSQL peer: what a competent team would build instead of
// reach to answer "how am I connected to this member, and may I message them", on the same
// network, with the same rules. It keeps the network in PostgreSQL tables (sql/Load.sql), answers
// reachability with one SQL statement (sql/Reachability.sql) through pgx, and hands the facts it
// reads to reach's own completion and messaging rules (graph.Complete); it sends a message in one
// transaction that locks both members and decides from the same facts (send.go). Handler serves it behind
// reach's HTTP stack. Only the benchmark and its tests use it.
package pgpeer

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"net"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/reach-network/reach/graph"
)

//go:embed sql/*.sql
var files embed.FS

// The statements the peer runs, each in its own file with a comment saying what it answers and
// what bounds its cost.
var (
	sqlReachability      = load("Reachability.sql")
	sqlMemberExists      = load("MemberExists.sql")
	sqlStage             = load("Stage.sql")
	sqlLoad              = load("Load.sql")
	sqlLockMembers       = load("LockMembers.sql")
	sqlMessageByKey      = load("MessageByKey.sql")
	sqlRecentInMails     = load("RecentInMails.sql")
	sqlSendMessage       = load("SendMessage.sql")
	sqlInbox             = load("Inbox.sql")
	sqlOutbox            = load("Outbox.sql")
	sqlMutualConnections = load("MutualConnections.sql")
)

func load(name string) string {
	b, err := files.ReadFile("sql/" + name)
	if err != nil {
		panic(fmt.Sprintf("pgpeer: %s is not embedded: %v", name, err))
	}
	return string(b)
}

// Options tune the peer; zero fields take the defaults.
type Options struct {
	// PoolSize is the most connections open to PostgreSQL (DefaultPoolSize).
	PoolSize int
	// Clock tells the time credits are renewed and message requests counted against; nil means
	// time.Now.
	Clock func() time.Time
	// RequestsMonthly is how many message requests a member may send a month, as reach's setting
	// (graph.DefaultRequestsMonthly when 0).
	RequestsMonthly int
	// InMailsPerDay and BlastLimit are the abuse limits on sends, as reach's settings
	// (graph.DefaultLimits' when 0).
	InMailsPerDay, BlastLimit int
}

// DefaultPoolSize is four connections per core of a 2-core machine: on the benchmark's machine it
// answered the most requests per second with the shortest tail of the sizes tried (docs/performance.md).
const DefaultPoolSize = 8

// Peer answers reachability from PostgreSQL, and sends messages under the same rules. It is safe for concurrent use.
type Peer struct {
	pool            *pgxpool.Pool
	clock           func() time.Time
	requestsMonthly int
	limits          graph.Limits // the abuse limits on sends
}

// Open connects to the PostgreSQL that url names (a postgres:// URL; a search_path parameter
// selects the schema holding the peer's tables) and checks that it answers.
func Open(ctx context.Context, url string, opts Options) (*Peer, error) {
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		return nil, fmt.Errorf("pgpeer: %w", err)
	}
	cfg.MaxConns = int32(opts.PoolSize)
	if cfg.MaxConns <= 0 {
		cfg.MaxConns = DefaultPoolSize
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("pgpeer: %w", err)
	}
	p := &Peer{pool: pool, clock: opts.Clock, requestsMonthly: opts.RequestsMonthly}
	if p.clock == nil {
		p.clock = time.Now
	}
	if p.requestsMonthly <= 0 {
		p.requestsMonthly = graph.DefaultRequestsMonthly
	}
	p.limits = graph.Limits{InMailsPerDay: opts.InMailsPerDay, BlastLimit: opts.BlastLimit, RequestsMonthly: p.requestsMonthly}
	if p.limits.InMailsPerDay <= 0 {
		p.limits.InMailsPerDay = graph.DefaultLimits.InMailsPerDay
	}
	if p.limits.BlastLimit <= 0 {
		p.limits.BlastLimit = graph.DefaultLimits.BlastLimit
	}
	if err := p.Ping(ctx); err != nil {
		pool.Close()
		return nil, err
	}
	return p, nil
}

// Close closes the peer's connections.
func (p *Peer) Close() { p.pool.Close() }

// Ping checks that PostgreSQL answers; it fails with graph.ErrUnavailable when it does not.
func (p *Peer) Ping(ctx context.Context) (err error) {
	defer wrap(&err, "ping")
	return p.pool.Ping(ctx)
}

// Server returns the PostgreSQL server's version and its shared_buffers, for a report.
func (p *Peer) Server(ctx context.Context) (version, sharedBuffers string, err error) {
	defer wrap(&err, "Server")
	err = p.pool.QueryRow(ctx, "SELECT current_setting('server_version'), current_setting('shared_buffers')").
		Scan(&version, &sharedBuffers)
	return version, sharedBuffers, err
}

// MemberExists reports whether id names a member.
func (p *Peer) MemberExists(ctx context.Context, id string) (_ bool, err error) {
	defer wrap(&err, "MemberExists(%q)", id)
	var exists bool
	err = p.pool.QueryRow(ctx, sqlMemberExists, id).Scan(&exists)
	return exists, err
}

// Reachability returns how the caller stands to a member, as answer.Service.Reachability does: degree,
// mutual count, the facts the messaging rules read, their decision, and what the two share. Returns graph.ErrNotFound
// when either id names no member or the two are in a block relation, either way.
func (p *Peer) Reachability(ctx context.Context, caller, member string) (_ graph.Reach, err error) {
	defer wrap(&err, "Reachability(%q, %q)", caller, member)
	row, err := readReachability(ctx, p.pool, caller, member)
	if err != nil {
		return graph.Reach{}, err
	}
	return p.relation(caller, member, row, p.clock()), nil
}

// querier runs one statement that answers one row, on its own or inside a transaction.
type querier interface {
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

// readReachability runs Reachability.sql with q. Returns graph.ErrNotFound when there is no row.
func readReachability(ctx context.Context, q querier, caller, member string) (reachabilityRow, error) {
	return scanReachability(q.QueryRow(ctx, sqlReachability, caller, member), member)
}

// scanReachability maps what Reachability.sql answered about member. Returns graph.ErrNotFound
// when there is no row.
func scanReachability(r pgx.Row, member string) (reachabilityRow, error) {
	var row reachabilityRow
	err := r.Scan(
		&row.degree, &row.mutual, &row.pair.TheyWroteFirst, &row.pair.Declined, &row.pair.AwaitingReply,
		&row.pair.Accepted, &row.pair.SharedGroup.ID, &row.pair.SharedGroup.Name, &row.pair.Coworker.ID,
		&row.pair.Coworker.Name, &row.messageRequests, &row.requestsMonth, &row.requestsSent,
		&row.restricted, &row.credits, &row.plan, &row.grantedAt, &row.inmail, &row.openProfile,
		&row.companies.total, &row.companies.ids, &row.companies.names, &row.schools.total, &row.schools.ids,
		&row.schools.names, &row.groups.total, &row.groups.ids, &row.groups.names)
	if errors.Is(err, pgx.ErrNoRows) {
		return reachabilityRow{}, graph.MemberNotFound(member)
	}
	return row, err
}

// reachabilityRow is the row Reachability.sql answers: the pair's facts, the member's settings
// and the caller's plan, credits and requests as stored, and what the two share.
type reachabilityRow struct {
	degree                      *int32
	mutual                      int64
	pair                        graph.Facts // the pair's own facts, read as they are
	inmail                      string      // the member's settings
	openProfile                 bool
	messageRequests             bool
	restricted                  bool // the caller's
	credits                     int32
	plan                        string
	grantedAt                   *time.Time
	requestsMonth, requestsSent int32
	companies, schools, groups  sharedColumns
}

// sharedColumns are what the two share of one kind: how many, and the first graph.SharedItems.
type sharedColumns struct {
	total      int64
	ids, names []string
}

// list is the shared list the columns hold.
func (c sharedColumns) list() graph.SharedList {
	l := graph.SharedList{Total: int(c.total)}
	for i, id := range c.ids {
		l.Items = append(l.Items, graph.Affiliate{ID: id, Name: c.names[i]})
	}
	return l
}

// relation hands the facts of row, for the caller and member, to graph.Complete at now, as every
// path of reach does: it adds the caller's credits renewed since the plan's latest grant and the
// requests left this month, the member's settings, and decides.
func (p *Peer) relation(caller, member string, row reachabilityRow, now time.Time) graph.Reach {
	to := graph.Member{ID: member, Settings: graph.Settings{
		InMail: graph.InMailPolicy(row.inmail), OpenProfile: row.openProfile, MessageRequests: row.messageRequests}}
	r := graph.Reach{
		Degree:      graph.OutOfNetwork,
		MutualCount: int(row.mutual),
		Facts:       row.pair,
		Shared:      graph.Shared{Companies: row.companies.list(), Schools: row.schools.list(), Groups: row.groups.list()},
	}
	if row.degree != nil {
		r.Degree = graph.Degree(*row.degree)
	}
	return graph.Complete(r, to, row.caller(caller), now, p.requestsMonthly)
}

// caller is the caller of row, named id, with their plan, credits, restriction and requests as
// stored.
func (row reachabilityRow) caller(id string) graph.Member {
	m := graph.Member{ID: id, Plan: graph.Plan(row.plan), InMailCredits: int(row.credits), Restricted: row.restricted,
		Quota: graph.Quota{RequestsMonth: int(row.requestsMonth), RequestsSent: int(row.requestsSent)}}
	if row.grantedAt != nil {
		m.Quota.GrantedAt = *row.grantedAt
	}
	return m
}

// wrap adds the operation to a non-nil error; PostgreSQL not answering, or not in time, becomes
// graph.ErrUnavailable, as a Neo4j outage does in reach, so the HTTP peer answers it the same way.
func wrap(errp *error, format string, args ...any) {
	if *errp == nil {
		return
	}
	var netErr net.Error
	var domErr *graph.Error
	if !errors.As(*errp, &domErr) && (errors.As(*errp, &netErr) || errors.Is(*errp, context.DeadlineExceeded)) {
		*errp = &graph.Error{Kind: graph.ErrUnavailable, Detail: "PostgreSQL is not answering; try again shortly",
			RetryAfter: graph.UnavailableRetryAfter, Cause: *errp}
	}
	*errp = fmt.Errorf("pgpeer.%s: %w", fmt.Sprintf(format, args...), *errp)
}

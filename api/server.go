// Package api serves reach's REST API: routes, request binding, authentication and the one table
// that turns every failure into an application/problem+json answer.
package api

import (
	"context"
	"log/slog"
	"net/http"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"

	"github.com/reach-network/reach/graph"
)

// Store is what the API needs of the graph.
type Store interface {
	Ping(ctx context.Context) error
	Migrated() bool
	Member(ctx context.Context, id string) (graph.Member, error)
	MemberExists(ctx context.Context, id string) (bool, error)
	Gone(id string) bool
	PutMember(ctx context.Context, p graph.Profile) (created bool, err error)
	UpdateSettings(ctx context.Context, id string, change graph.SettingsChange) (graph.Member, error)
	Connect(ctx context.Context, a, b string) error
	Disconnect(ctx context.Context, caller, member string) error
	Connections(ctx context.Context, caller, member string, page graph.PageRequest) (graph.Page[graph.MemberSummary], error)
	Invite(ctx context.Context, from, to, note string) (graph.Invitation, error)
	AcceptInvitation(ctx context.Context, caller, id string) (graph.Invitation, error)
	DeclineInvitation(ctx context.Context, caller, id string) (graph.Invitation, error)
	WithdrawInvitation(ctx context.Context, caller, id string) (graph.Invitation, error)
	Invitations(ctx context.Context, caller string, box graph.Box, page graph.PageRequest) (graph.Page[graph.Invitation], error)
	Relation(ctx context.Context, caller, member string) (graph.Relation, error)
	Reachability(ctx context.Context, caller, member string) (graph.Relation, error)
	Reachabilities(ctx context.Context, caller string, members []string) (map[string]graph.Relation, error)
	MutualConnections(ctx context.Context, caller, member string, page graph.PageRequest) (graph.Page[graph.MemberSummary], error)
	Path(ctx context.Context, caller, member string) ([]graph.PathStep, error)
	Search(ctx context.Context, caller, query string, page graph.PageRequest) (graph.Page[graph.Found], error)
	Send(ctx context.Context, caller string, d graph.Draft, key string) (graph.Sent, error)
	Mailbox(ctx context.Context, caller string, incoming bool, filter graph.MailboxFilter, page graph.PageRequest) (graph.Page[graph.Envelope], error)
	Message(ctx context.Context, caller, id string) (graph.Message, error)
	Thread(ctx context.Context, caller, threadID string, page graph.PageRequest) (graph.Page[graph.Message], error)
	Decline(ctx context.Context, caller, id, note string) (graph.Message, error)
	Accept(ctx context.Context, caller, id string) (graph.Message, error)
	DeleteMessage(ctx context.Context, caller, id string) error
	Block(ctx context.Context, caller, member string) error
	Unblock(ctx context.Context, caller, member string) error
	Blocks(ctx context.Context, caller string, page graph.PageRequest) (graph.Page[graph.BlockedMember], error)
	Report(ctx context.Context, caller string, r graph.Report) error
	LiftRestriction(ctx context.Context, id string) error
	Profile(ctx context.Context, caller, member string) (graph.Relation, error)
	PutOrganisation(ctx context.Context, o graph.Organisation) (created bool, err error)
	PutGroup(ctx context.Context, g graph.Group) (created bool, err error)
	JoinGroup(ctx context.Context, caller, group string) error
	LeaveGroup(ctx context.Context, caller, group string) error
	MemberGroups(ctx context.Context, member string, page graph.PageRequest) (graph.Page[graph.Group], error)
	GroupMembers(ctx context.Context, caller, group string, page graph.PageRequest) (graph.Page[graph.MemberSummary], error)
	CloseAccount(ctx context.Context, id string) (closed bool, err error)
	ReadAccount(ctx context.Context, id string, read func(graph.Account) error) error
	CacheStats() graph.CacheStats
	ProjectionStats() graph.ProjectionStats
	CheckToken(ctx context.Context, t graph.Token) error
}

// Config is what the API needs besides the store.
type Config struct {
	Tokens *TokenVerifier // checks every /v1 request's bearer token
	Logger *slog.Logger
	// Timeouts bound each request's wait for Neo4j; zero fields take DefaultTimeouts'.
	Timeouts Timeouts
	// RateLimit bounds each member's requests; the zero value takes DefaultRateLimit.
	RateLimit RateLimit
	// Events carries events from writes to the members' event streams; New makes one when nil.
	// A server closes it as it shuts down (http.Server.RegisterOnShutdown), ending the streams.
	Events *Events
	// DevTokens, when its Mint is set, serves /console/dev-token: development only.
	DevTokens DevTokens
}

// New returns the HTTP handler serving the whole API.
func New(store Store, cfg Config) *echo.Echo {
	log := cfg.Logger
	if log == nil {
		log = slog.Default()
	}
	e := echo.New()
	e.HideBanner, e.HidePort = true, true
	e.HTTPErrorHandler = errorHandler(log)
	e.Use(middleware.RecoverWithConfig(middleware.RecoverConfig{DisableErrorHandler: false, LogErrorFunc: func(c echo.Context, err error, stack []byte) error {
		log.ErrorContext(c.Request().Context(), "panic", "path", c.Path(), "err", err, "stack", string(stack))
		return err
	}}))
	m := newMetrics(store)
	e.Use(identify, m.observe, logRequests(log), traceRequests, withDeadline(cfg.Timeouts.orDefaults()), checkQuery,
		withConsistency(store), limitBody)

	events := cfg.Events
	if events == nil {
		events = NewEvents()
	}
	known := newKnownMembers(store)
	h := &handlers{store: store, metrics: m, events: events, known: known}
	e.GET("/healthz", h.healthz)
	e.GET("/readyz", h.readyz)
	e.GET("/metrics", m.handler())
	e.GET("/openapi.yaml", serveSpecYAML)
	e.GET("/openapi.json", serveSpecJSON)
	e.GET("/docs", serveDocs)
	registerConsole(e, store, cfg.DevTokens)

	member := chain(requireSchema(store), authenticate(cfg.Tokens, known), limitRate(cfg.RateLimit.orDefaults()),
		checkToken(store))
	admin := chain(requireSchema(store), authenticateAdmin(cfg.Tokens), checkToken(store))
	e.GET("/v1/me", h.me, member)
	e.DELETE("/v1/me", h.closeMe, member)
	e.GET(exportRoute, h.export, member)
	e.PATCH("/v1/me/settings", h.updateSettings, member)
	e.POST("/v1/invitations", h.invite, member)
	e.GET("/v1/invitations", h.invitations, member)
	e.POST("/v1/invitations/:id/accept", h.accept, member)
	e.POST("/v1/invitations/:id/decline", h.decline, member)
	e.DELETE("/v1/invitations/:id", h.withdraw, member)
	e.DELETE("/v1/connections/:memberId", h.disconnect, member)
	e.GET("/v1/members/:id", h.member, member)
	e.GET("/v1/members/:id/connections", memberList(store.Connections), member)
	e.GET("/v1/members/:id/reachability", h.reachability, member)
	e.POST("/v1/members/reachability", h.reachabilities, member)
	e.GET("/v1/members/:id/mutual-connections", memberList(store.MutualConnections), member)
	e.GET("/v1/members/:id/path", h.path, member)
	e.GET("/v1/members", h.search, member)
	e.POST("/v1/messages", h.send, member)
	e.GET("/v1/messages/:id", h.message, member)
	e.POST("/v1/messages/:id/decline", h.declineInMail, member)
	e.POST("/v1/messages/:id/accept", h.acceptRequest, member)
	e.DELETE("/v1/messages/:id", h.deleteMessage, member)
	e.GET("/v1/inbox", h.mailbox(true), member)
	e.GET("/v1/sent", h.mailbox(false), member)
	e.GET("/v1/threads/:threadId", h.thread, member)
	e.GET("/v1/blocks", h.blocks, member)
	e.PUT("/v1/blocks/:memberId", h.block, member)
	e.DELETE("/v1/blocks/:memberId", h.unblock, member)
	e.POST("/v1/reports", h.report, member)
	e.GET("/v1/me/groups", h.myGroups, member)
	e.PUT("/v1/groups/:id/members/me", h.joinGroup, member)
	e.DELETE("/v1/groups/:id/members/me", h.leaveGroup, member)
	e.GET("/v1/groups/:id/members", h.groupMembers, member)
	e.GET(eventsRoute, h.streamEvents, chain(tokenFromQuery, member))

	e.PUT("/v1/admin/members/:id", h.putMember, admin)
	e.POST("/v1/admin/connections", h.connect, admin)
	e.DELETE("/v1/admin/members/:id/restriction", h.liftRestriction, admin)
	e.PUT("/v1/admin/organisations/:id", h.putOrganisation, admin)
	e.PUT("/v1/admin/groups/:id", h.putGroup, admin)
	e.DELETE("/v1/admin/members/:id", h.closeMember, admin)
	return e
}

// handlers serve the routes; each reads the request, asks the store once, and writes the answer.
type handlers struct {
	store   Store
	metrics *metrics
	events  *Events
	known   *knownMembers // the members authentication found lately; closing an account forgets one
}

func (h *handlers) healthz(c echo.Context) error {
	return c.JSON(http.StatusOK, map[string]string{"status": "ok"})
}

// readyz says whether reach can answer: Neo4j answers and the schema is applied. Until both
// hold it answers 503 with Retry-After, naming what is missing.
func (h *handlers) readyz(c echo.Context) error {
	checks := map[string]string{"neo4j": "up", "schema": "applied"}
	if err := h.store.Ping(c.Request().Context()); err != nil {
		checks["neo4j"] = "down"
	}
	if !h.store.Migrated() {
		checks["schema"] = "pending"
	}
	// Informational: a replica answers from Neo4j until its projection is loaded, which a load
	// balancer may wait for before sending it traffic.
	checks["projection"] = "loading"
	if h.store.ProjectionStats().Loaded {
		checks["projection"] = "loaded"
	}
	if checks["neo4j"] == "up" && checks["schema"] == "applied" {
		return c.JSON(http.StatusOK, map[string]any{"status": "ready", "checks": checks})
	}
	p := newProblem(unavailable, "reach is not ready: Neo4j must answer and the schema must be applied")
	p.Checks, p.retryAfter, p.RequestID = checks, graph.UnavailableRetryAfter, RequestID(c.Request().Context())
	writeProblem(c, p)
	return nil
}

// requireSchema answers 503 until the schema is applied: a server that started while Neo4j was
// down writes nothing before its constraints exist.
func requireSchema(store Store) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			if !store.Migrated() {
				return graph.Unavailable("reach is starting: the graph database has not answered yet")
			}
			return next(c)
		}
	}
}

// chain joins middleware into one, applied in the order given.
func chain(mw ...echo.MiddlewareFunc) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		for i := len(mw) - 1; i >= 0; i-- {
			next = mw[i](next)
		}
		return next
	}
}

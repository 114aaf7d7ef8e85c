// Package api serves reach's REST API: routes, request binding, authentication and the one table
// that turns every failure into an application/problem+json answer.
package api

import (
	"context"
	"log/slog"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"

	"github.com/reach-network/reach/graph"
)

// Services are the areas of the API, one field each, every one a small interface declared
// beside the handlers that use it. An area left nil is not served: its routes answer 501 as a
// problem document. Health, Roster and Consistency also serve every /v1 route; their fields say
// what nil means there.
type Services struct {
	// Health answers /readyz, holds /v1 back until the schema is applied and feeds the cache
	// gauges of /metrics; nil: no schema to wait for, no gauges.
	Health Health
	// Roster tells authentication whether a token's member exists; nil: every member route
	// answers 501.
	Roster Roster
	// Consistency checks the consistency tokens requests send; nil: any token that parses passes.
	Consistency TokenChecker

	Members       Members       // a member's own profile and settings, and search
	Connections   Connections   // connections and invitations
	Reach         Reacher       // how the caller stands to one member
	Network       Network       // the rest of the network questions: batches, profiles, mutuals, paths
	Messages      Messages      // sending, mailboxes, threads and answering InMails and requests
	Conversations Conversations // conversations by box, and a member's changes to their side of one
	Safety        Safety        // blocks, reports and restrictions
	Affiliations  Affiliations  // organisations and groups
	Accounts      Accounts      // closing an account and exporting it
	// EventLog replays a member's events from the change log for a stream resuming with
	// Last-Event-ID; nil: such a stream is told to resync.
	EventLog EventLog
}

// Health is what readiness, the schema gate and the metrics ask of the graph.
type Health interface {
	Ping(ctx context.Context) error
	Migrated() bool
	// Rehearsed tells whether Neo4j has planned the statements of members' requests.
	Rehearsed() bool
	// ProjectionLoaded tells whether the projection was loaded since the process started. Every
	// request asks it, so it must not wait for the projection's lock, which the tailer holds while
	// it applies a change.
	ProjectionLoaded() bool
	CacheStats() graph.CacheStats
	ProjectionStats() graph.ProjectionStats
	ShedStats() graph.ShedStats
	LockStats() graph.LockStats
	SendStats() graph.SendStats
}

// Config is what the API needs besides its services.
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
	// AwaitProjection has /readyz answer 503 until the in-memory projection is loaded (or
	// restored from its snapshot), so that a load balancer sends the replica no traffic while
	// every read would go to Neo4j. Off, the replica is ready once Neo4j answers and the schema
	// is applied, and serves from Neo4j while it loads.
	AwaitProjection bool
	// StalenessBound is how far behind Neo4j a default read may be on any replica
	// (REACH_STALENESS_BOUND): a member's reads ask for their own writes that long, and a second
	// more (ownWrites). Zero: 1 s, the replicas' default.
	StalenessBound time.Duration
}

// New returns the HTTP handler serving the API: every route, each answered by its area of s or,
// where that is nil, with 501.
func New(s Services, cfg Config) *echo.Echo {
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
	m := newMetrics(s.Health)
	e.Use(identify, m.observe, logRequests(log), traceRequests, withDeadline(cfg.Timeouts.orDefaults()), checkQuery,
		withConsistency, limitBody)

	events := cfg.Events
	if events == nil {
		events = NewEvents()
	}
	h := &handlers{Services: s, metrics: m, events: events, known: newKnownMembers(s.Roster), awaitProjection: cfg.AwaitProjection}
	public := routes{e: e, served: true}
	e.GET("/healthz", h.healthz)
	public.add(s.Health, http.MethodGet, "/readyz", h.readyz)
	e.GET("/metrics", m.handler())
	e.GET("/openapi.yaml", serveSpecYAML)
	e.GET("/openapi.json", serveSpecJSON)
	e.GET("/docs", serveDocs)
	registerConsole(e, s, cfg.DevTokens)

	authenticated := chain(requireSchema(s.Health), requireProjection(s.Health, cfg.AwaitProjection), authenticate(cfg.Tokens, h.known), limitRate(cfg.RateLimit.orDefaults()),
		checkToken(s.Consistency), ownWrites(s.Consistency, writtenLife(cfg.StalenessBound)))
	member := routes{e: e, served: s.Roster != nil, mw: authenticated}
	h.memberRoutes(member)
	streams := routes{e: e, served: s.Roster != nil, mw: chain(tokenFromQuery, authenticated)}
	streams.add(h.events, http.MethodGet, eventsRoute, h.streamEvents)
	h.adminRoutes(routes{e: e, served: true, mw: chain(requireSchema(s.Health), authenticateAdmin(cfg.Tokens), checkToken(s.Consistency))})
	return e
}

// memberRoutes registers the routes a member calls, each under its area.
func (h *handlers) memberRoutes(r routes) {
	s := h.Services
	r.add(s.Members, http.MethodGet, "/v1/me", h.me)
	r.add(s.Accounts, http.MethodDelete, "/v1/me", h.closeMe)
	r.add(s.Accounts, http.MethodGet, exportRoute, h.export)
	r.add(s.Members, http.MethodPatch, "/v1/me/settings", h.updateSettings)
	r.add(s.Connections, http.MethodPost, "/v1/invitations", h.invite)
	r.add(s.Connections, http.MethodGet, "/v1/invitations", h.invitations)
	r.add(s.Connections, http.MethodPost, "/v1/invitations/:id/accept", h.accept)
	r.add(s.Connections, http.MethodPost, "/v1/invitations/:id/decline", h.decline)
	r.add(s.Connections, http.MethodDelete, "/v1/invitations/:id", h.withdraw)
	r.add(s.Connections, http.MethodDelete, "/v1/connections/:memberId", h.disconnect)
	r.add(s.Network, http.MethodGet, "/v1/members/:id", h.member)
	r.add(s.Connections, http.MethodGet, "/v1/members/:id/connections", h.connections)
	r.add(s.Reach, http.MethodGet, "/v1/members/:id/reachability", h.reachability)
	r.add(s.Network, http.MethodPost, "/v1/members/reachability", h.reachabilities)
	r.add(s.Network, http.MethodGet, "/v1/members/:id/mutual-connections", h.mutualConnections)
	r.add(s.Network, http.MethodGet, "/v1/members/:id/path", h.path)
	r.add(s.Members, http.MethodGet, "/v1/members", h.search)
	r.add(s.Messages, http.MethodPost, "/v1/messages", h.send)
	r.add(s.Messages, http.MethodGet, "/v1/messages/:id", h.message)
	r.add(s.Messages, http.MethodPost, "/v1/messages/:id/decline", h.declineInMail)
	r.add(s.Messages, http.MethodPost, "/v1/messages/:id/accept", h.acceptRequest)
	r.add(s.Messages, http.MethodDelete, "/v1/messages/:id", h.deleteMessage)
	r.add(s.Messages, http.MethodGet, "/v1/inbox", h.mailbox(true))
	r.add(s.Messages, http.MethodGet, "/v1/sent", h.mailbox(false))
	r.add(s.Messages, http.MethodGet, "/v1/threads/:threadId", h.thread)
	r.add(s.Conversations, http.MethodGet, "/v1/conversations", h.conversations)
	r.add(s.Conversations, http.MethodGet, "/v1/conversations/:id", h.conversation)
	r.add(s.Conversations, http.MethodPatch, "/v1/conversations/:id", h.updateConversation)
	r.add(s.Safety, http.MethodGet, "/v1/blocks", h.blocks)
	r.add(s.Safety, http.MethodPut, "/v1/blocks/:memberId", h.block)
	r.add(s.Safety, http.MethodDelete, "/v1/blocks/:memberId", h.unblock)
	r.add(s.Safety, http.MethodPost, "/v1/reports", h.report)
	r.add(s.Affiliations, http.MethodGet, "/v1/me/groups", h.myGroups)
	r.add(s.Affiliations, http.MethodPut, "/v1/groups/:id/members/me", h.joinGroup)
	r.add(s.Affiliations, http.MethodDelete, "/v1/groups/:id/members/me", h.leaveGroup)
	r.add(s.Affiliations, http.MethodGet, "/v1/groups/:id/members", h.groupMembers)
}

// adminRoutes registers the routes for administrators, each under its area.
func (h *handlers) adminRoutes(r routes) {
	s := h.Services
	r.add(s.Members, http.MethodPut, "/v1/admin/members/:id", h.putMember)
	r.add(s.Connections, http.MethodPost, "/v1/admin/connections", h.connect)
	r.add(s.Safety, http.MethodDelete, "/v1/admin/members/:id/restriction", h.liftRestriction)
	r.add(s.Affiliations, http.MethodPut, "/v1/admin/organisations/:id", h.putOrganisation)
	r.add(s.Affiliations, http.MethodPut, "/v1/admin/groups/:id", h.putGroup)
	r.add(s.Accounts, http.MethodDelete, "/v1/admin/members/:id", h.closeMember)
}

// routes registers routes behind mw (none when nil). A route whose area is nil, or every route
// when served is false (what mw needs is missing), answers 501 without asking for a token.
type routes struct {
	e      *echo.Echo
	served bool
	mw     echo.MiddlewareFunc
}

// add registers method path, answered by h when area is not nil.
func (r routes) add(area any, method, path string, h echo.HandlerFunc) {
	var mw []echo.MiddlewareFunc
	switch {
	case area == nil || !r.served:
		h = notServed
	case r.mw != nil:
		mw = append(mw, r.mw)
	}
	r.e.Add(method, path, h, mw...)
}

// handlers serve the routes; each reads the request, asks its area once, and writes the answer.
type handlers struct {
	Services
	metrics *metrics
	events  *Events
	known   *knownMembers // the members authentication found lately; closing an account forgets one
	// awaitProjection: /readyz waits for the projection too (Config.AwaitProjection).
	awaitProjection bool
}

func (h *handlers) healthz(c echo.Context) error {
	return c.JSON(http.StatusOK, map[string]string{"status": "ok"})
}

// readyz says whether reach can answer: Neo4j answers and the schema is applied, and, with
// Config.AwaitProjection, the projection is loaded. Until all hold it answers 503 with
// Retry-After, naming what is missing.
func (h *handlers) readyz(c echo.Context) error {
	checks := map[string]string{"neo4j": "up", "schema": "applied", "projection": "loaded"}
	if err := h.Health.Ping(c.Request().Context()); err != nil {
		checks["neo4j"] = "down"
	}
	if !h.Health.Migrated() {
		checks["schema"] = "pending"
	}
	// Without AwaitProjection these are informational: the replica answers from Neo4j until then.
	if !h.Health.ProjectionLoaded() {
		checks["projection"] = "loading"
	}
	checks["statements"] = "planned"
	if !h.Health.Rehearsed() {
		checks["statements"] = "planning"
	}
	warm := checks["projection"] == "loaded" && checks["statements"] == "planned"
	if checks["neo4j"] == "up" && checks["schema"] == "applied" && (warm || !h.awaitProjection) {
		return c.JSON(http.StatusOK, map[string]any{"status": "ready", "checks": checks})
	}
	detail := "reach is not ready: Neo4j must answer and the schema must be applied"
	if h.awaitProjection {
		detail = "reach is not ready: Neo4j must answer, the schema must be applied, the projection loaded and the statements of members' requests planned"
	}
	p := newProblem(unavailable, detail)
	p.Checks, p.retryAfter, p.RequestID = checks, graph.UnavailableRetryAfter, RequestID(c.Request().Context())
	writeProblem(c, p)
	return nil
}

// requireSchema answers 503 until the schema is applied: a server that started while Neo4j was
// down writes nothing before its constraints exist. Without health there is no schema to wait for.
func requireSchema(health Health) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			if health != nil && !health.Migrated() {
				return graph.Unavailable("reach is starting: the graph database has not answered yet")
			}
			return next(c)
		}
	}
}

// requireProjection, when await is set, answers members' requests 503 until the projection is
// loaded, as /readyz does, without asking Neo4j anything: a replica still loading leaves Neo4j to
// its load, which then ends sooner, rather than have requests bury a Neo4j whose caches are cold
// (docs/performance.md, "Holding load"). REACH_SERVE_WHILE_LOADING=1 serves them from Neo4j instead.
func requireProjection(health Health, await bool) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			if await && health != nil && (!health.ProjectionLoaded() || !health.Rehearsed()) {
				return graph.Unavailable("reach is loading what it keeps in memory; try again shortly")
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

// AllAreas is every area of Services at once, as reach's own service serves them.
type AllAreas interface {
	Health
	Roster
	TokenChecker
	Members
	Connections
	Reacher
	Network
	Messages
	Conversations
	Safety
	Affiliations
	Accounts
}

// Everything is the Services of one value that serves every area.
func Everything(s AllAreas) Services {
	out := Services{Health: s, Roster: s, Consistency: s, Members: s, Connections: s,
		Reach: s, Network: s, Messages: s, Conversations: s, Safety: s, Affiliations: s, Accounts: s}
	if log, ok := s.(EventLog); ok {
		out.EventLog = log
	}
	return out
}

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

// Store is what the API needs of the graph.
type Store interface {
	Ping(ctx context.Context) error
	Member(ctx context.Context, id string) (graph.Member, error)
	MemberExists(ctx context.Context, id string) (bool, error)
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
	MutualConnections(ctx context.Context, caller, member string, page graph.PageRequest) (graph.Page[graph.MemberSummary], error)
	Path(ctx context.Context, caller, member string) ([]graph.PathStep, error)
	Search(ctx context.Context, caller, query string, page graph.PageRequest) (graph.Page[graph.Found], error)
	Send(ctx context.Context, caller string, d graph.Draft, key string) (graph.Sent, error)
	Mailbox(ctx context.Context, caller string, incoming bool, filter graph.MailboxFilter, page graph.PageRequest) (graph.Page[graph.Envelope], error)
	Message(ctx context.Context, caller, id string) (graph.Message, error)
	Thread(ctx context.Context, caller, threadID string, page graph.PageRequest) (graph.Page[graph.Message], error)
	DeclineInMail(ctx context.Context, caller, id, note string) (graph.Message, error)
	DeleteMessage(ctx context.Context, caller, id string) error
	Block(ctx context.Context, caller, member string) error
	Unblock(ctx context.Context, caller, member string) error
	Blocks(ctx context.Context, caller string, page graph.PageRequest) (graph.Page[graph.BlockedMember], error)
	Report(ctx context.Context, caller string, r graph.Report) error
	LiftRestriction(ctx context.Context, id string) error
	CacheStats() graph.CacheStats
}

// Config is what the API needs besides the store.
type Config struct {
	Tokens *TokenVerifier // checks every /v1 request's bearer token
	Logger *slog.Logger
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
	e.Use(m.observe)
	e.Use(requestLog(log))
	e.Use(limitBody)

	h := &handlers{store: store, metrics: m}
	e.GET("/healthz", h.healthz)
	e.GET("/readyz", h.readyz)
	e.GET("/metrics", m.handler())

	member, admin := authenticate(cfg.Tokens, newKnownMembers(store)), authenticateAdmin(cfg.Tokens)
	e.GET("/v1/me", h.me, member)
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
	e.GET("/v1/members/:id/mutual-connections", memberList(store.MutualConnections), member)
	e.GET("/v1/members/:id/path", h.path, member)
	e.GET("/v1/members", h.search, member)
	e.POST("/v1/messages", h.send, member)
	e.GET("/v1/messages/:id", h.message, member)
	e.POST("/v1/messages/:id/decline", h.declineInMail, member)
	e.DELETE("/v1/messages/:id", h.deleteMessage, member)
	e.GET("/v1/inbox", h.mailbox(true), member)
	e.GET("/v1/sent", h.mailbox(false), member)
	e.GET("/v1/threads/:threadId", h.thread, member)
	e.GET("/v1/blocks", h.blocks, member)
	e.PUT("/v1/blocks/:memberId", h.block, member)
	e.DELETE("/v1/blocks/:memberId", h.unblock, member)
	e.POST("/v1/reports", h.report, member)

	e.PUT("/v1/admin/members/:id", h.putMember, admin)
	e.POST("/v1/admin/connections", h.connect, admin)
	e.DELETE("/v1/admin/members/:id/restriction", h.liftRestriction, admin)
	return e
}

// handlers serve the routes; each reads the request, asks the store once, and writes the answer.
type handlers struct {
	store   Store
	metrics *metrics
}

func (h *handlers) healthz(c echo.Context) error {
	return c.JSON(http.StatusOK, map[string]string{"status": "ok"})
}

func (h *handlers) readyz(c echo.Context) error {
	ctx, cancel := context.WithTimeout(c.Request().Context(), 2*time.Second)
	defer cancel()
	if err := h.store.Ping(ctx); err != nil {
		return &requestError{kind: unavailable, detail: "Neo4j does not answer"}
	}
	return c.JSON(http.StatusOK, map[string]string{"status": "ready"})
}

// requestLog logs one line per request.
func requestLog(log *slog.Logger) echo.MiddlewareFunc {
	return middleware.RequestLoggerWithConfig(middleware.RequestLoggerConfig{
		LogMethod: true, LogURIPath: true, LogStatus: true, LogLatency: true, HandleError: true,
		LogValuesFunc: func(c echo.Context, v middleware.RequestLoggerValues) error {
			log.LogAttrs(c.Request().Context(), slog.LevelInfo, "request",
				slog.String("method", v.Method), slog.String("path", v.URIPath),
				slog.Int("status", v.Status), slog.Duration("latency", v.Latency))
			return nil
		},
	})
}

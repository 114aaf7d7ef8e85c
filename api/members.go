package api

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/reach-network/reach/graph"
)

// Members is what the member routes ask of the graph: a member's own profile and settings, and
// search.
type Members interface {
	Member(ctx context.Context, id string) (graph.Member, error)
	PutMember(ctx context.Context, p graph.Profile) (created bool, err error)
	UpdateSettings(ctx context.Context, id string, change graph.SettingsChange) (graph.Member, error)
	Search(ctx context.Context, caller, query string, page graph.PageRequest) (graph.Page[graph.Found], error)
}

// Reacher answers how the caller stands to one member: the question every answering path,
// the benchmarks' PostgreSQL peer included, answers.
type Reacher interface {
	Reachability(ctx context.Context, caller, member string) (graph.Reach, error)
}

// Network answers the rest of what a caller may ask of the network: many members' reachability
// at once, a member's profile as the caller sees it, the connections the two share and the path
// between them.
type Network interface {
	Reachabilities(ctx context.Context, caller string, members []string) (map[string]graph.Reach, error)
	Profile(ctx context.Context, caller, member string) (graph.Relation, error)
	MutualConnections(ctx context.Context, caller, member string, page graph.PageRequest) (graph.Page[graph.MemberSummary], error)
	Path(ctx context.Context, caller, member string) ([]graph.PathStep, error)
}

// Field limits, in characters.
const (
	maxNameLength     = 200
	maxHeadlineLength = 220
	maxCompanyLength  = 200
)

type putMemberRequest struct {
	Name          *string            `json:"name"`
	Headline      string             `json:"headline"`
	Company       string             `json:"company"`
	InMailCredits *int               `json:"inmailCredits"`
	Plan          *graph.Plan        `json:"plan"`
	Positions     *[]json.RawMessage `json:"positions"`
}

// putMember creates or updates a member: 201 when created, 200 when updated.
func (h *handlers) putMember(c echo.Context) error {
	id, err := memberParam(c, "id")
	if err != nil {
		return err
	}
	var req putMemberRequest
	if err := bindJSON(c, &req); err != nil {
		return err
	}
	if req.Name == nil || strings.TrimSpace(*req.Name) == "" {
		return invalid("name", "name is required")
	}
	for _, f := range []struct {
		name, value string
		max         int
	}{{"name", *req.Name, maxNameLength}, {"headline", req.Headline, maxHeadlineLength}, {"company", req.Company, maxCompanyLength}} {
		if err := checkLength(f.name, f.value, f.max); err != nil {
			return err
		}
	}
	if req.InMailCredits != nil && (*req.InMailCredits < 0 || *req.InMailCredits > 1_000_000) {
		return invalid("inmailCredits", "inmailCredits must be from 0 to 1000000")
	}
	if req.Plan != nil && !req.Plan.Valid() {
		return invalid("plan", "plan must be free, career, business, sales_navigator or recruiter_lite")
	}
	positions, err := toPositions(req.Positions)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	created, err := h.Members.PutMember(ctx, graph.Profile{
		ID: id, Name: strings.TrimSpace(*req.Name), Headline: req.Headline, Company: req.Company,
		InMailCredits: req.InMailCredits, Plan: req.Plan, Positions: positions,
	})
	if err != nil {
		return err
	}
	m, err := h.Members.Member(ctx, id)
	if err != nil {
		return err
	}
	status := http.StatusOK
	if created {
		status = http.StatusCreated
	}
	return c.JSON(status, toMeView(m))
}

type connectRequest struct {
	A string `json:"a"`
	B string `json:"b"`
}

// connect connects two members directly, for imports.
func (h *handlers) connect(c echo.Context) error {
	var req connectRequest
	if err := bindJSON(c, &req); err != nil {
		return err
	}
	for _, f := range []struct{ name, id string }{{"a", req.A}, {"b", req.B}} {
		if !graph.ValidMemberID(f.id) {
			return invalid(f.name, "%s must be a member id: 1 to 64 letters, digits, '_' or '-'", f.name)
		}
	}
	if err := h.Connections.Connect(c.Request().Context(), req.A, req.B); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

func (h *handlers) me(c echo.Context) error {
	m, err := h.Members.Member(c.Request().Context(), callerOf(c).id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, toMeView(m))
}

type settingsRequest struct {
	InMail                *graph.InMailPolicy          `json:"inmail"`
	OpenProfile           *bool                        `json:"openProfile"`
	ProfileVisibility     *graph.ProfileVisibility     `json:"profileVisibility"`
	ConnectionsVisibility *graph.ConnectionsVisibility `json:"connectionsVisibility"`
	Searchable            *bool                        `json:"searchable"`
	MessageRequests       *bool                        `json:"messageRequests"`
}

func (h *handlers) updateSettings(c echo.Context) error {
	var req settingsRequest
	if err := bindJSON(c, &req); err != nil {
		return err
	}
	switch {
	case req.InMail != nil && !req.InMail.Valid():
		return invalid("inmail", "inmail must be anyone, network or off")
	case req.ProfileVisibility != nil && !req.ProfileVisibility.Valid():
		return invalid("profileVisibility", "profileVisibility must be everyone, network or connections")
	case req.ConnectionsVisibility != nil && !req.ConnectionsVisibility.Valid():
		return invalid("connectionsVisibility", "connectionsVisibility must be connections or only_me")
	}
	m, err := h.Members.UpdateSettings(c.Request().Context(), callerOf(c).id, graph.SettingsChange{
		InMail: req.InMail, OpenProfile: req.OpenProfile, ProfileVisibility: req.ProfileVisibility,
		ConnectionsVisibility: req.ConnectionsVisibility, Searchable: req.Searchable,
		MessageRequests: req.MessageRequests,
	})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, toSettingsView(m.Settings))
}

func (h *handlers) disconnect(c echo.Context) error {
	id, err := memberParam(c, "memberId")
	if err != nil {
		return err
	}
	if err := h.Connections.Disconnect(c.Request().Context(), callerOf(c).id, id); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

func (h *handlers) member(c echo.Context) error {
	id, err := memberParam(c, "id")
	if err != nil {
		return err
	}
	r, err := h.Network.Profile(c.Request().Context(), callerOf(c).id, id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, toMemberView(r))
}

func (h *handlers) reachability(c echo.Context) error {
	id, err := memberParam(c, "id")
	if err != nil {
		return err
	}
	r, err := h.Reach.Reachability(c.Request().Context(), callerOf(c).id, id)
	if err != nil {
		return err
	}
	h.metrics.decided(r.Messaging)
	return c.JSON(http.StatusOK, toReachView(r))
}

func (h *handlers) connections(c echo.Context) error {
	return memberList(c, h.Connections.Connections)
}

func (h *handlers) mutualConnections(c echo.Context) error {
	return memberList(c, h.Network.MutualConnections)
}

// memberList answers a paged list of members related to the member in the path (their
// connections, or the connections they share with the caller), with its total.
func memberList(c echo.Context, list func(ctx context.Context, caller, member string, page graph.PageRequest) (graph.Page[graph.MemberSummary], error)) error {
	id, err := memberParam(c, "id")
	if err != nil {
		return err
	}
	page, err := pageParams(c)
	if err != nil {
		return err
	}
	p, err := list(c.Request().Context(), callerOf(c).id, id, page)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, toList(p, true, toSummaryView))
}

func (h *handlers) path(c echo.Context) error {
	id, err := memberParam(c, "id")
	if err != nil {
		return err
	}
	steps, err := h.Network.Path(c.Request().Context(), callerOf(c).id, id)
	if err != nil {
		return err
	}
	out := struct {
		Path []pathStepView `json:"path"`
	}{Path: make([]pathStepView, 0, len(steps))}
	for _, s := range steps {
		out.Path = append(out.Path, pathStepView(s))
	}
	return c.JSON(http.StatusOK, out)
}

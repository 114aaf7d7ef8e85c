package api

import (
	"context"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/reach-network/reach/graph"
)

// Safety is what the block and report routes ask of the graph: a member's blocks, their reports
// of others, and administrators lifting the restriction reports led to.
type Safety interface {
	Block(ctx context.Context, caller, member string) error
	Unblock(ctx context.Context, caller, member string) error
	Blocks(ctx context.Context, caller string, page graph.PageRequest) (graph.Page[graph.BlockedMember], error)
	Report(ctx context.Context, caller string, r graph.Report) error
	LiftRestriction(ctx context.Context, id string) error
}

func (h *handlers) block(c echo.Context) error {
	id, err := memberParam(c, "memberId")
	if err != nil {
		return err
	}
	if err := h.Safety.Block(c.Request().Context(), callerOf(c).id, id); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

func (h *handlers) unblock(c echo.Context) error {
	id, err := memberParam(c, "memberId")
	if err != nil {
		return err
	}
	if err := h.Safety.Unblock(c.Request().Context(), callerOf(c).id, id); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

func (h *handlers) blocks(c echo.Context) error {
	page, err := pageParams(c)
	if err != nil {
		return err
	}
	p, err := h.Safety.Blocks(c.Request().Context(), callerOf(c).id, page)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, toList(p, false, func(b graph.BlockedMember) blockedView {
		return blockedView{ID: b.Member.ID, Name: b.Member.Name, Headline: b.Member.Headline, BlockedAt: b.BlockedAt}
	}))
}

type reportRequest struct {
	Member  string             `json:"member"`
	Message string             `json:"message"`
	Reason  graph.ReportReason `json:"reason"`
	Block   bool               `json:"block"`
}

// report records a report: 202, since what follows (a restriction) is the service's to decide.
func (h *handlers) report(c echo.Context) error {
	var req reportRequest
	if err := bindJSON(c, &req); err != nil {
		return err
	}
	switch {
	case !graph.ValidMemberID(req.Member):
		return invalid("member", "member must be a member id: 1 to 64 letters, digits, '_' or '-'")
	case req.Message != "" && !graph.ValidMemberID(req.Message):
		return invalid("message", "message is not a message id")
	case !req.Reason.Valid():
		return invalid("reason", "reason must be spam, harassment, inappropriate, fake or other")
	}
	err := h.Safety.Report(c.Request().Context(), callerOf(c).id, graph.Report{
		Member: req.Member, MessageID: req.Message, Reason: req.Reason, Block: req.Block,
	})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusAccepted, map[string]string{"status": "received"})
}

func (h *handlers) liftRestriction(c echo.Context) error {
	id, err := memberParam(c, "id")
	if err != nil {
		return err
	}
	if err := h.Safety.LiftRestriction(c.Request().Context(), id); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

func (h *handlers) search(c echo.Context) error {
	q := c.QueryParam("q")
	if q == "" {
		return invalid("q", "q is required: the start of a name")
	}
	if err := checkLength("q", q, graph.MaxQueryLength); err != nil {
		return err
	}
	page, err := pageParams(c)
	if err != nil {
		return err
	}
	p, err := h.Members.Search(c.Request().Context(), callerOf(c).id, q, page)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, toList(p, false, toFoundView))
}

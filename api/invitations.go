package api

import (
	"context"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/reach-network/reach/graph"
)

// Connections is what the connection and invitation routes ask of the graph.
type Connections interface {
	Connect(ctx context.Context, a, b string) error
	Disconnect(ctx context.Context, caller, member string) error
	Connections(ctx context.Context, caller, member string, page graph.PageRequest) (graph.Page[graph.MemberSummary], error)
	Invite(ctx context.Context, from, to, note string) (graph.Invitation, error)
	AcceptInvitation(ctx context.Context, caller, id string) (graph.Invitation, error)
	DeclineInvitation(ctx context.Context, caller, id string) (graph.Invitation, error)
	WithdrawInvitation(ctx context.Context, caller, id string) (graph.Invitation, error)
	Invitations(ctx context.Context, caller string, box graph.Box, page graph.PageRequest) (graph.Page[graph.Invitation], error)
}

type inviteRequest struct {
	To   string `json:"to"`
	Note string `json:"note"`
}

// invite sends an invitation: 201 pending, or 201 accepted when the other member had already
// invited the caller and the two are now connected.
func (h *handlers) invite(c echo.Context) error {
	var req inviteRequest
	if err := bindJSON(c, &req); err != nil {
		return err
	}
	if req.To == "" {
		return invalid("to", "to is required")
	}
	if !graph.ValidMemberID(req.To) {
		return invalid("to", "to must be a member id: 1 to 64 letters, digits, '_' or '-'")
	}
	if err := checkLength("note", req.Note, graph.MaxNoteLength); err != nil {
		return err
	}
	inv, err := h.Connections.Invite(c.Request().Context(), callerOf(c).id, req.To, req.Note)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, toInvitationView(inv))
}

func (h *handlers) invitations(c echo.Context) error {
	box := graph.Box(c.QueryParam("box"))
	switch box {
	case "":
		box = graph.BoxReceived
	case graph.BoxReceived, graph.BoxSent:
	default:
		return invalid("box", "box must be received or sent, not %q", box)
	}
	page, err := pageParams(c)
	if err != nil {
		return err
	}
	p, err := h.Connections.Invitations(c.Request().Context(), callerOf(c).id, box, page)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, toList(p, false, toInvitationView))
}

func (h *handlers) accept(c echo.Context) error {
	return h.answerInvitation(c, func(ctx context.Context, caller, id string) (graph.Invitation, error) {
		return h.Connections.AcceptInvitation(ctx, caller, id)
	})
}

func (h *handlers) decline(c echo.Context) error {
	return h.answerInvitation(c, h.Connections.DeclineInvitation)
}

func (h *handlers) answerInvitation(c echo.Context, act func(ctx context.Context, caller, id string) (graph.Invitation, error)) error {
	id, err := invitationParam(c)
	if err != nil {
		return err
	}
	inv, err := act(c.Request().Context(), callerOf(c).id, id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, toInvitationView(inv))
}

func (h *handlers) withdraw(c echo.Context) error {
	id, err := invitationParam(c)
	if err != nil {
		return err
	}
	if _, err := h.Connections.WithdrawInvitation(c.Request().Context(), callerOf(c).id, id); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

// invitationParam reads an invitation id from the path.
func invitationParam(c echo.Context) (string, error) { return idParam(c, "id", "an invitation") }

package api

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/reach-network/reach/graph"
)

// Affiliations is what the organisation and group routes ask of the graph: the organisations
// positions name, and the groups members join.
type Affiliations interface {
	PutOrganisation(ctx context.Context, o graph.Organisation) (created bool, err error)
	PutGroup(ctx context.Context, g graph.Group) (created bool, err error)
	JoinGroup(ctx context.Context, caller, group string) error
	LeaveGroup(ctx context.Context, caller, group string) error
	MemberGroups(ctx context.Context, member string, page graph.PageRequest) (graph.Page[graph.Group], error)
	GroupMembers(ctx context.Context, caller, group string, page graph.PageRequest) (graph.Page[graph.MemberSummary], error)
}

// Field limits for organisations, groups and positions.
const (
	maxTitleLength = 200
	maxPositions   = 50
)

type putOrganisationRequest struct {
	Name *string        `json:"name"`
	Kind *graph.OrgKind `json:"kind"`
}

// putOrganisation creates or updates a company or a school: 201 when created, 200 when updated.
// A kind left out is a 400; any kind but company or school, the empty one too, is a 422.
func (h *handlers) putOrganisation(c echo.Context) error {
	id, err := idParam(c, "id", "an organisation")
	if err != nil {
		return err
	}
	var req putOrganisationRequest
	if err := bindJSON(c, &req); err != nil {
		return err
	}
	name, err := requiredName(req.Name)
	if err != nil {
		return err
	}
	switch {
	case req.Kind == nil:
		return invalid("kind", "kind is required: company or school")
	case !req.Kind.Valid():
		return unknown("kind", "kind must be company or school, not %q", *req.Kind)
	}
	o := graph.Organisation{ID: id, Name: name, Kind: *req.Kind}
	created, err := h.Affiliations.PutOrganisation(c.Request().Context(), o)
	if err != nil {
		return err
	}
	return c.JSON(createdOrOK(created), organisationView{ID: o.ID, Name: o.Name, Kind: o.Kind})
}

type putGroupRequest struct {
	Name *string `json:"name"`
}

// putGroup creates or renames a group: 201 when created, 200 when renamed.
func (h *handlers) putGroup(c echo.Context) error {
	id, err := idParam(c, "id", "a group")
	if err != nil {
		return err
	}
	var req putGroupRequest
	if err := bindJSON(c, &req); err != nil {
		return err
	}
	name, err := requiredName(req.Name)
	if err != nil {
		return err
	}
	created, err := h.Affiliations.PutGroup(c.Request().Context(), graph.Group{ID: id, Name: name})
	if err != nil {
		return err
	}
	return c.JSON(createdOrOK(created), groupView{ID: id, Name: name})
}

// requiredName checks a name that must be given, not blank and not too long, and trims it.
func requiredName(name *string) (string, error) {
	if name == nil || strings.TrimSpace(*name) == "" {
		return "", invalid("name", "name is required")
	}
	return strings.TrimSpace(*name), checkLength("name", *name, maxNameLength)
}

func createdOrOK(created bool) int {
	if created {
		return http.StatusCreated
	}
	return http.StatusOK
}

// positionRequest is one position of a member, years from and to; to absent while current.
type positionRequest struct {
	Org   string `json:"org"`
	Title string `json:"title"`
	From  *int   `json:"from"`
	To    *int   `json:"to"`
}

// toPositions decodes and checks the positions of a member update, naming the field at fault
// (positions[2].to); nil stays nil: the member's positions are left as they are.
func toPositions(raw *[]json.RawMessage) (*[]graph.Position, error) {
	if raw == nil {
		return nil, nil
	}
	if len(*raw) > maxPositions {
		return nil, invalid("positions", "positions lists %d positions; at most %d are allowed", len(*raw), maxPositions)
	}
	out := make([]graph.Position, len(*raw))
	for i, r := range *raw {
		var p positionRequest
		if err := decodeElement("positions", i, r, &p); err != nil {
			return nil, err
		}
		at := fmt.Sprintf("positions[%d]", i)
		year := func(name string, y *int) error {
			if y != nil && (*y < graph.FirstYear || *y > graph.LastYear) {
				return invalid(at+"."+name, "%s.%s must be a year from %d to %d", at, name, graph.FirstYear, graph.LastYear)
			}
			return nil
		}
		switch {
		case !graph.ValidID(p.Org):
			return nil, invalid(at+".org", "%s.org must be an organisation id: 1 to 64 letters, digits, '_' or '-'", at)
		case p.From == nil:
			return nil, invalid(at+".from", "%s.from is required: the year the position began", at)
		}
		if err := checkLength(at+".title", p.Title, maxTitleLength); err != nil {
			return nil, err
		}
		if err := year("from", p.From); err != nil {
			return nil, err
		}
		if err := year("to", p.To); err != nil {
			return nil, err
		}
		if p.To != nil && *p.To < *p.From {
			return nil, invalid(at+".to", "%s.to must not be before %s.from", at, at)
		}
		out[i] = graph.Position{Org: p.Org, Title: p.Title, From: *p.From, To: p.To}
	}
	return &out, nil
}

// joinGroup puts the caller in a group; joining again changes nothing.
func (h *handlers) joinGroup(c echo.Context) error {
	id, err := idParam(c, "id", "a group")
	if err != nil {
		return err
	}
	if err := h.Affiliations.JoinGroup(c.Request().Context(), callerOf(c).id, id); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

// leaveGroup takes the caller out of a group; leaving one they are not in changes nothing.
func (h *handlers) leaveGroup(c echo.Context) error {
	id, err := idParam(c, "id", "a group")
	if err != nil {
		return err
	}
	if err := h.Affiliations.LeaveGroup(c.Request().Context(), callerOf(c).id, id); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

// myGroups lists the caller's groups, by name.
func (h *handlers) myGroups(c echo.Context) error {
	page, err := pageParams(c)
	if err != nil {
		return err
	}
	p, err := h.Affiliations.MemberGroups(c.Request().Context(), callerOf(c).id, page)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, toList(p, true, func(g graph.Group) groupView { return groupView(g) }))
}

// groupMembers lists a group's members, by name, for its members only.
func (h *handlers) groupMembers(c echo.Context) error {
	id, err := idParam(c, "id", "a group")
	if err != nil {
		return err
	}
	page, err := pageParams(c)
	if err != nil {
		return err
	}
	p, err := h.Affiliations.GroupMembers(c.Request().Context(), callerOf(c).id, id, page)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, toList(p, true, toSummaryView))
}

package api

import (
	"encoding/json"
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"github.com/reach-network/reach/graph"
)

// maxBatch is the most members one batch request may ask about: a page of search results or of
// suggestions.
const maxBatch = 100

// batchReachRequest holds the ids undecoded, so that an element of the wrong type is refused
// by its position, as one of the wrong form is.
type batchReachRequest struct {
	Members []json.RawMessage `json:"members"`
}

// reachabilities answers, in one request and one call, how the caller stands to each of up
// to 100 members: the degree badges of a page of search results or suggestions. Items follow the
// request position by position, a repeated id answered again where it repeats, so items[i] is
// always about members[i]. A member who does not exist and one in a block relation with the caller
// are answered alike, {id, found: false}, so that blocks stay secret.
func (h *handlers) reachabilities(c echo.Context) error {
	var req batchReachRequest
	if err := bindJSON(c, &req); err != nil {
		return err
	}
	members, err := memberIDs("members", req.Members, maxBatch)
	if err != nil {
		return err
	}
	rels, err := h.Network.Reachabilities(c.Request().Context(), callerOf(c).id, members)
	if err != nil {
		return err
	}
	// One decision per member decided, as the single route records one per answer.
	for _, r := range rels {
		h.metrics.decided(r.Messaging)
	}
	out := listView[reachItemView]{Items: make([]reachItemView, len(members))}
	for i, id := range members {
		r, found := rels[id]
		out.Items[i] = toReachItemView(id, r, found)
	}
	return c.JSON(http.StatusOK, out)
}

// memberIDs reads a list of member ids, refusing one that is missing, empty or longer than max,
// naming the field, and an element that is not a member id, naming it by position (members[3]).
func memberIDs(field string, raw []json.RawMessage, max int) ([]string, error) {
	switch {
	case raw == nil:
		return nil, invalid(field, "%s is required: an array of 1 to %d member ids", field, max)
	case len(raw) == 0:
		return nil, invalid(field, "%s must name at least one member", field)
	case len(raw) > max:
		return nil, invalid(field, "%s names %d members; at most %d are allowed", field, len(raw), max)
	}
	ids := make([]string, len(raw))
	for i, r := range raw {
		if err := json.Unmarshal(r, &ids[i]); err != nil || !graph.ValidMemberID(ids[i]) {
			at := field + "[" + strconv.Itoa(i) + "]"
			return nil, invalid(at, "%s must be a member id: 1 to 64 letters, digits, '_' or '-', not %s", at, r)
		}
	}
	return ids, nil
}

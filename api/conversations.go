package api

import (
	"context"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/reach-network/reach/graph"
)

// Conversations is what the conversation routes ask of the graph: a member's conversations by
// box, one conversation with its messages, and changes to the member's side of one.
type Conversations interface {
	Conversations(ctx context.Context, caller string, filter graph.ConversationFilter, page graph.PageRequest) (graph.Page[graph.Conversation], error)
	Conversation(ctx context.Context, caller, id string, page graph.PageRequest) (graph.Conversation, graph.Page[graph.Message], error)
	UpdateConversation(ctx context.Context, caller, id string, u graph.ConversationUpdate) (graph.Conversation, graph.ConversationChanges, error)
}

// conversationView is one conversation as its member lists it.
type conversationView struct {
	ID             string                 `json:"id"`
	With           counterpartView        `json:"with"`
	LastMessage    lastMessageView        `json:"lastMessage"`
	UnreadCount    int                    `json:"unreadCount"`
	LastActivityAt time.Time              `json:"lastActivityAt"`
	Kind           graph.ConversationKind `json:"kind"`
	Box            graph.ConversationBox  `json:"box"`
	Archived       bool                   `json:"archived"`
	Muted          bool                   `json:"muted"`
	Reply          messagingView          `json:"reply"` // whether and at what cost the caller may write now
	Messages       *listView[messageView] `json:"messages,omitempty"`
}

// lastMessageView is a conversation's last message, introduced as the inbox introduces it.
type lastMessageView struct {
	ID      string            `json:"id"`
	Kind    graph.MessageKind `json:"kind"`
	From    partyView         `json:"from"`
	Preview string            `json:"preview"`
	SentAt  time.Time         `json:"sentAt"`
	Read    bool              `json:"read"`
	Via     *viaView          `json:"via,omitempty"` // what allowed a message request
}

func toConversationView(c graph.Conversation, caller string) conversationView {
	m := c.LastMessage
	incoming := m.From.ID != caller
	name := c.With.Name
	return conversationView{
		ID: c.ID,
		With: counterpartView{partyView: toPartyView(c.With), degreeView: toDegreeView(c.Degree),
			Connected: c.Degree == graph.First},
		LastMessage: lastMessageView{ID: m.ID, Kind: m.Kind, From: toPartyView(m.From),
			Preview: preview(m, incoming, name), SentAt: m.SentAt, Read: m.Read, Via: toViaView(m.Via)},
		UnreadCount: c.UnreadCount, LastActivityAt: c.LastAt, Kind: c.Kind, Box: c.Box,
		Archived: c.Archived, Muted: c.Muted, Reply: toMessagingView(c.Messaging),
	}
}

// conversations serves a page of the caller's conversations in one box.
func (h *handlers) conversations(c echo.Context) error {
	page, err := pageParams(c)
	if err != nil {
		return err
	}
	filter, err := conversationFilter(c)
	if err != nil {
		return err
	}
	caller := callerOf(c).id
	p, err := h.Conversations.Conversations(c.Request().Context(), caller, filter, page)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, toList(p, false, func(conv graph.Conversation) conversationView {
		return toConversationView(conv, caller)
	}))
}

// conversationFilter reads box (inbox when left out), unread and kind.
func conversationFilter(c echo.Context) (graph.ConversationFilter, error) {
	filter := graph.ConversationFilter{Box: graph.BoxInbox}
	if raw := c.QueryParam("box"); raw != "" {
		box, ok := graph.ParseConversationBox(raw)
		if !ok {
			return filter, invalid("box", "box must be inbox, other, archived or requests, not %q", raw)
		}
		filter.Box = box
	}
	if raw := c.QueryParam("kind"); raw != "" {
		kind, ok := graph.ParseConversationKind(raw)
		if !ok {
			return filter, invalid("kind", "kind must be conversation, inmail or request, not %q", raw)
		}
		filter.Kind = kind
	}
	switch u := c.QueryParam("unread"); u {
	case "", "false":
	case "true":
		filter.UnreadOnly = true
	default:
		return filter, invalid("unread", "unread must be true or false, not %q", u)
	}
	return filter, nil
}

// conversation serves one conversation with a page of its messages, newest first.
func (h *handlers) conversation(c echo.Context) error {
	id, err := idParam(c, "id", "a conversation")
	if err != nil {
		return err
	}
	page, err := pageParams(c)
	if err != nil {
		return err
	}
	caller := callerOf(c).id
	conv, messages, err := h.Conversations.Conversation(c.Request().Context(), caller, id, page)
	if err != nil {
		return err
	}
	v := toConversationView(conv, caller)
	list := toList(messages, false, toMessageView)
	v.Messages = &list
	return c.JSON(http.StatusOK, v)
}

// conversationPatch is the body of PATCH /v1/conversations/{id}: each field present is a change.
type conversationPatch struct {
	Archived *bool   `json:"archived"`
	Muted    *bool   `json:"muted"`
	ReadUpTo *string `json:"readUpTo"`
	Unread   *bool   `json:"unread"`
	Box      *string `json:"box"`
}

// update checks the patch and turns it into the change it asks for.
func (p conversationPatch) update() (graph.ConversationUpdate, error) {
	u := graph.ConversationUpdate{Archived: p.Archived, Muted: p.Muted}
	if p.ReadUpTo != nil {
		if !graph.ValidMemberID(*p.ReadUpTo) {
			return u, invalid("readUpTo", "readUpTo %q is not a message id", *p.ReadUpTo)
		}
		u.ReadUpTo = *p.ReadUpTo
	}
	if p.Unread != nil {
		if !*p.Unread {
			return u, invalid("unread", "unread may only be true: mark messages read with readUpTo")
		}
		u.Unread = true
	}
	if p.Box != nil {
		if *p.Box != string(graph.BoxInbox) {
			return u, invalid("box", "box may only be inbox (out of Other), not %q", *p.Box)
		}
		u.Box = graph.BoxInbox
	}
	if u.Empty() {
		return u, invalid("body", "give at least one of archived, muted, readUpTo, unread or box")
	}
	return u, nil
}

// updateConversation changes the caller's side of a conversation and answers the row as it is
// then; the caller's other devices hear of what changed from the change log (graph.ConversationEvents).
func (h *handlers) updateConversation(c echo.Context) error {
	id, err := idParam(c, "id", "a conversation")
	if err != nil {
		return err
	}
	var patch conversationPatch
	if err := bindJSON(c, &patch); err != nil {
		return err
	}
	u, err := patch.update()
	if err != nil {
		return err
	}
	caller := callerOf(c).id
	conv, _, err := h.Conversations.UpdateConversation(c.Request().Context(), caller, id, u)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, toConversationView(conv, caller))
}

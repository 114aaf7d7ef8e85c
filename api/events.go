package api

import (
	"encoding/json"
	"fmt"
	"net/http"
	"sync"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/reach-network/reach/graph"
)

// This file serves GET /v1/events: a Server-Sent Events stream telling a member, as it happens,
// what others did that concerns them. Events come from an in-process hub that the handlers feed
// after a write has committed, so a stream hears of the writes made through the replica it is
// connected to; fan-out across replicas would come from the change log, which every replica
// already tails.

// The event types a stream carries.
const (
	eventMessage         = "message"          // a message, InMail or message request was sent to the member
	eventInvitation      = "invitation"       // the member was invited to connect
	eventAcceptance      = "acceptance"       // the member's invitation was accepted
	eventDecline         = "decline"          // the member's InMail or message request was declined
	eventRequestAccepted = "request_accepted" // the member's message request was accepted
	// What a member changed of their side of a conversation, for their other devices.
	eventConversationRead     = "conversation_read"     // messages marked read
	eventConversationUnread   = "conversation_unread"   // the last message marked unread
	eventConversationArchived = "conversation_archived" // archived, or unarchived (archived false)
	eventConversationMuted    = "conversation_muted"    // muted, or unmuted (muted false)
	eventConversationMoved    = "conversation_moved"    // moved out of Other to the inbox
)

// Limits of the event streams.
const (
	// MaxStreamsPerMember bounds the streams one member may hold open on one replica (tabs,
	// devices); one more is refused with 429 until one of them ends.
	MaxStreamsPerMember = 5
	// streamBuffer is how many events wait for a slow stream before it is ended: the client
	// reconnects and reloads what it shows instead of reading an ever longer backlog.
	streamBuffer = 32
	// heartbeatEvery is how often an idle stream sends a comment, so that proxies keep it open
	// and a client notices a dead connection.
	heartbeatEvery = 15 * time.Second
	// eventsRoute is the route of the stream; it is exempt from the request deadline.
	eventsRoute = "/v1/events"
)

// event is one event for one member: its type and its JSON data.
type event struct {
	Type string
	Data any
}

// Events is the hub that carries events from the handlers that commit writes to the streams of
// the members concerned, within one process. The zero value is not usable; use NewEvents.
type Events struct {
	mu      sync.Mutex
	streams map[string]map[*stream]struct{} // by member id
	closed  bool
	done    chan struct{} // closed by Close
}

// stream is one open event stream of one member.
type stream struct {
	events chan event
	lagged chan struct{} // closed when an event could not be queued
	once   sync.Once
}

// NewEvents returns an empty hub.
func NewEvents() *Events {
	return &Events{streams: map[string]map[*stream]struct{}{}, done: make(chan struct{})}
}

// Close ends every stream and refuses new ones; a server calls it as it shuts down, since
// http.Server.Shutdown waits for requests to end and a stream would not end by itself.
func (h *Events) Close() {
	h.mu.Lock()
	defer h.mu.Unlock()
	if !h.closed {
		h.closed = true
		close(h.done)
	}
}

// subscribe opens a stream for member; it fails with 429 when the member holds
// MaxStreamsPerMember already, and with 503 once the hub is closed.
func (h *Events) subscribe(member string) (*stream, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.closed {
		return nil, graph.Unavailable("reach is shutting down")
	}
	if len(h.streams[member]) >= MaxStreamsPerMember {
		return nil, &requestError{kind: tooMany, retryAfter: heartbeatEvery,
			detail: fmt.Sprintf("at most %d event streams may be open at once; close one first", MaxStreamsPerMember)}
	}
	s := &stream{events: make(chan event, streamBuffer), lagged: make(chan struct{})}
	if h.streams[member] == nil {
		h.streams[member] = map[*stream]struct{}{}
	}
	h.streams[member][s] = struct{}{}
	return s, nil
}

// unsubscribe forgets a stream that has ended.
func (h *Events) unsubscribe(member string, s *stream) {
	h.mu.Lock()
	defer h.mu.Unlock()
	delete(h.streams[member], s)
	if len(h.streams[member]) == 0 {
		delete(h.streams, member)
	}
}

// end ends every stream of member, as their account closes; the streams' clients are refused
// when they reconnect.
func (h *Events) end(member string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for s := range h.streams[member] {
		s.once.Do(func() { close(s.lagged) })
	}
}

// listening reports whether member has a stream open, so that a handler reads what an event
// needs (a name) only when someone will receive it.
func (h *Events) listening(member string) bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	return len(h.streams[member]) > 0
}

// publish queues e on every stream of member without waiting: a stream whose queue is full is
// ended rather than allowed to slow the write that published.
func (h *Events) publish(member string, e event) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for s := range h.streams[member] {
		select {
		case s.events <- e:
		default:
			s.once.Do(func() { close(s.lagged) })
		}
	}
}

// streamEvents streams the caller's events until the client goes away, the caller's token expires, the
// stream falls behind, or the server shuts down. The request's write deadline is lifted: the
// stream outlives the server's WriteTimeout, which bounds ordinary answers.
func (h *handlers) streamEvents(c echo.Context) error {
	who := callerOf(c)
	s, err := h.events.subscribe(who.id)
	if err != nil {
		return err
	}
	defer h.events.unsubscribe(who.id, s)
	res := c.Response()
	rc := http.NewResponseController(res)
	_ = rc.SetWriteDeadline(time.Time{}) // not every ResponseWriter can; the server's one can
	res.Header().Set(echo.HeaderContentType, "text/event-stream")
	res.Header().Set(echo.HeaderCacheControl, "no-store")
	res.Header().Set("X-Accel-Buffering", "no")
	res.WriteHeader(http.StatusOK)
	// retry tells EventSource how soon to reconnect; the comment sends the headers at once.
	if _, err := fmt.Fprint(res, "retry: 3000\n: connected\n\n"); err != nil {
		return nil
	}
	res.Flush()
	return h.pump(c, s, who.expires)
}

// pump writes events and heartbeats to the response until the stream has to end.
func (h *handlers) pump(c echo.Context, s *stream, expires time.Time) error {
	ctx := lasting(c)
	heartbeat := time.NewTicker(heartbeatEvery)
	defer heartbeat.Stop()
	var expiry <-chan time.Time
	if !expires.IsZero() {
		t := time.NewTimer(time.Until(expires))
		defer t.Stop()
		expiry = t.C
	}
	for {
		var err error
		select {
		case <-ctx.Done():
			return nil
		case <-h.events.done:
			return nil
		case <-s.lagged:
			return nil
		case <-expiry:
			return nil
		case <-heartbeat.C:
			_, err = fmt.Fprint(c.Response(), ": heartbeat\n\n")
		case e := <-s.events:
			err = writeEvent(c.Response(), e)
		}
		if err != nil {
			return nil // the client is gone; nothing is left to answer
		}
		c.Response().Flush()
	}
}

// writeEvent writes one event in the text/event-stream format: its type and its data, one line
// of JSON.
func writeEvent(res *echo.Response, e event) error {
	data, err := json.Marshal(e.Data)
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(res, "event: %s\ndata: %s\n\n", e.Type, data)
	return err
}

// eventPerson names the member who acted, in an event's data.
type eventPerson struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// messageEvent tells a recipient of a new message or InMail, with the preview their inbox shows.
type messageEvent struct {
	ID             string                `json:"id"`
	ThreadID       string                `json:"threadId"`
	ConversationID string                `json:"conversationId"` // the same as threadId
	Box            graph.ConversationBox `json:"box"`            // where the conversation is now: inbox, other or requests
	Kind           graph.MessageKind     `json:"kind"`
	From           eventPerson           `json:"from"`
	Subject        string                `json:"subject"`
	Preview        string                `json:"preview"`
}

// conversationEvent tells a member's devices what their side of a conversation is after a change.
type conversationEvent struct {
	ID          string                `json:"id"`
	Box         graph.ConversationBox `json:"box"`
	UnreadCount int                   `json:"unreadCount"`
	Archived    bool                  `json:"archived"`
	Muted       bool                  `json:"muted"`
}

// invitationEvent tells a member they were invited to connect.
type invitationEvent struct {
	ID   string      `json:"id"`
	From eventPerson `json:"from"`
	Note string      `json:"note"`
}

// acceptanceEvent tells a member their invitation was accepted: they are now connected.
type acceptanceEvent struct {
	ID string      `json:"id"`
	By eventPerson `json:"by"`
}

// declineEvent tells a sender their InMail was declined (and the credit came back).
// requestAcceptedEvent tells the sender of a message request that its recipient accepted it.
type requestAcceptedEvent struct {
	ID       string      `json:"id"`
	ThreadID string      `json:"threadId"`
	By       eventPerson `json:"by"`
}

type declineEvent struct {
	ID       string      `json:"id"`
	ThreadID string      `json:"threadId"`
	By       eventPerson `json:"by"`
	Note     string      `json:"note"`
}

// person returns the caller as an event names them. Its name is read only when to is listening;
// a failure to read it, or a server without Members, costs the event, never the write that
// already committed.
func (h *handlers) person(c echo.Context, to string) (eventPerson, bool) {
	if h.Members == nil || !h.events.listening(to) {
		return eventPerson{}, false
	}
	id := callerOf(c).id
	m, err := h.Members.Member(c.Request().Context(), id)
	if err != nil {
		return eventPerson{}, false
	}
	return eventPerson{ID: id, Name: m.Name}, true
}

// publishSent tells the recipient of a message that has been sent, unless they muted the
// conversation.
func (h *handlers) publishSent(c echo.Context, d graph.Draft, sent graph.Sent) {
	if sent.RecipientMuted {
		return
	}
	from, ok := h.person(c, d.To)
	if !ok {
		return
	}
	m := graph.Message{Kind: sent.Kind, Body: d.Body}
	h.events.publish(d.To, event{eventMessage, messageEvent{
		ID: sent.ID, ThreadID: sent.ThreadID, ConversationID: sent.ThreadID, Box: sent.RecipientBox,
		Kind: sent.Kind, From: from, Subject: d.Subject, Preview: preview(m, true, from.Name),
	}})
}

// publishConversation tells the member's devices each change they made to their side of conv.
func (h *handlers) publishConversation(member string, conv graph.Conversation, changes graph.ConversationChanges) {
	data := conversationEvent{ID: conv.ID, Box: conv.Box, UnreadCount: conv.UnreadCount, Archived: conv.Archived, Muted: conv.Muted}
	for _, change := range []struct {
		happened bool
		kind     string
	}{
		{changes.Read, eventConversationRead}, {changes.Unread, eventConversationUnread},
		{changes.Archived, eventConversationArchived}, {changes.Muted, eventConversationMuted},
		{changes.MovedToInbox, eventConversationMoved},
	} {
		if change.happened {
			h.events.publish(member, event{change.kind, data})
		}
	}
}

// publishInvited tells the invited member, or, when the invitation connected the two at once
// (the other had invited the caller), tells the other member their invitation was accepted.
func (h *handlers) publishInvited(c echo.Context, inv graph.Invitation) {
	other := inv.To
	if other == callerOf(c).id {
		other = inv.From
	}
	by, ok := h.person(c, other)
	if !ok {
		return
	}
	if inv.Status == graph.InvitationAccepted {
		h.events.publish(other, event{eventAcceptance, acceptanceEvent{ID: inv.ID, By: by}})
		return
	}
	h.events.publish(other, event{eventInvitation, invitationEvent{ID: inv.ID, From: by, Note: inv.Note}})
}

// publishAccepted tells the sender of an invitation the caller accepted.
func (h *handlers) publishAccepted(c echo.Context, inv graph.Invitation) {
	if by, ok := h.person(c, inv.From); ok {
		h.events.publish(inv.From, event{eventAcceptance, acceptanceEvent{ID: inv.ID, By: by}})
	}
}

// publishDeclined tells the sender of an InMail or a message request the caller declined.
func (h *handlers) publishDeclined(c echo.Context, m graph.Message, note string) {
	if by, ok := h.person(c, m.From.ID); ok {
		h.events.publish(m.From.ID, event{eventDecline, declineEvent{ID: m.ID, ThreadID: m.ThreadID, By: by, Note: note}})
	}
}

// publishRequestAccepted tells the sender of a message request the caller accepted.
func (h *handlers) publishRequestAccepted(c echo.Context, m graph.Message) {
	if by, ok := h.person(c, m.From.ID); ok {
		h.events.publish(m.From.ID, event{eventRequestAccepted, requestAcceptedEvent{ID: m.ID, ThreadID: m.ThreadID, By: by}})
	}
}

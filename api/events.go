package api

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"sync"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/reach-network/reach/graph"
)

// This file serves GET /v1/events: a Server-Sent Events stream telling a member, as it happens,
// what others did that concerns them. A write records its events in the change log in its own
// transaction (graph.Event), and every replica's tailer, applying the write, hands them to this
// replica's hub (Events.Tell), so a stream hears of the writes made through any replica, once.
// Each event's id is its place in the log (graph.EventID): a client that reconnects, to any
// replica, with Last-Event-ID resumes after it from the log.

// The event types a stream carries besides graph's event kinds.
const (
	// eventResync tells a client resuming from a Last-Event-ID that the events after it cannot be
	// given (another database, or older than the change log keeps): it reloads what it shows, and
	// the stream goes on from the id this event carries.
	eventResync = "resync"
)

// Limits of the event streams.
const (
	// MaxStreamsPerMember bounds the streams one member may hold open on one replica (tabs,
	// devices); one more is refused with 429 until one of them ends.
	MaxStreamsPerMember = 5
	// streamBuffer is how many events wait for a slow stream before it is ended: the client
	// reconnects with Last-Event-ID and reads the rest from the log, rather than the replica
	// holding an ever longer backlog.
	streamBuffer = 32
	// heartbeatEvery is how often an idle stream sends a comment, so that proxies keep it open
	// and a client notices a dead connection.
	heartbeatEvery = 15 * time.Second
	// eventsRoute is the route of the stream; it is exempt from the request deadline.
	eventsRoute = "/v1/events"
)

// EventLog replays a member's events from the change log, for a stream resuming after an id: the
// events after the place after, in order, and the place the reading reached. It returns
// graph.ErrEventsLost, with the place from which this replica tells the member's events, when the
// log cannot give them all.
type EventLog interface {
	EventsSince(ctx context.Context, member string, after graph.EventID) ([]graph.Told, graph.EventID, error)
}

// Events is the hub that carries the events this replica's tailer applies (Tell) to the streams
// of the members concerned. The zero value is not usable; use NewEvents.
type Events struct {
	mu      sync.Mutex
	streams map[string]map[*stream]struct{} // by member id
	closed  bool
	done    chan struct{} // closed by Close
}

// stream is one open event stream of one member.
type stream struct {
	events chan graph.Told
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
	s := &stream{events: make(chan graph.Told, streamBuffer), lagged: make(chan struct{})}
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

// EndAll ends every stream, as the replica loads its projection again: the events of changes a
// load catches up with are not told, so the streams' clients resume from the log instead.
func (h *Events) EndAll() {
	h.mu.Lock()
	defer h.mu.Unlock()
	for _, streams := range h.streams {
		for s := range streams {
			s.once.Do(func() { close(s.lagged) })
		}
	}
}

// Tell queues events on the streams of their members, in order, without waiting (publish); an
// account's closure ends its member's streams instead, whichever replica closed it.
func (h *Events) Tell(events []graph.Told) {
	for _, e := range events {
		if e.Kind == graph.EventAccountClosed {
			h.end(e.To)
			continue
		}
		h.publish(e.To, e)
	}
}

// publish queues e on every stream of member without waiting: a stream whose queue is full is
// ended rather than allowed to slow the tailer; its client resumes from the log.
func (h *Events) publish(member string, e graph.Told) {
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
// stream falls behind, or the server shuts down; a client reconnecting with Last-Event-ID first
// gets the events after it (resume). The request's write deadline is lifted: the stream outlives
// the server's WriteTimeout, which bounds ordinary answers.
func (h *handlers) streamEvents(c echo.Context) error {
	who := callerOf(c)
	s, err := h.events.subscribe(who.id)
	if err != nil {
		return err
	}
	defer h.events.unsubscribe(who.id, s)
	// Subscribed first, then read from the log: an event is told live, or read, or both.
	replay, err := h.replay(c, who.id)
	if err != nil {
		return err
	}
	res := c.Response()
	rc := http.NewResponseController(res)
	_ = rc.SetWriteDeadline(time.Time{}) // not every ResponseWriter can; the server's one can
	res.Header().Set(echo.HeaderContentType, "text/event-stream")
	res.Header().Set(echo.HeaderCacheControl, "no-store")
	res.Header().Set("X-Accel-Buffering", "no")
	res.WriteHeader(http.StatusOK)
	// retry tells EventSource how soon to reconnect; the comment sends the headers at once.
	if _, err := fmt.Fprint(res, "retry: 3000\n: connected\n\n"); err != nil || replay.write(res) != nil {
		return nil
	}
	res.Flush()
	return h.pump(c, s, who.expires, replay.reached)
}

// replayed is what a resuming stream writes before the live events: the events read from the log,
// or a resync, and the place the stream goes on from.
type replayed struct {
	told    []graph.Told
	resync  bool
	reached graph.EventID // live events at or before it are written already, or covered by the resync
}

// replay reads, for a client reconnecting with Last-Event-ID, the caller's events after it from
// the change log, or finds that it must resync: the id is not one reach gave, or the log cannot
// give every event after it (graph.ErrEventsLost). Nothing for a stream without Last-Event-ID.
func (h *handlers) replay(c echo.Context, member string) (replayed, error) {
	raw := c.Request().Header.Get("Last-Event-ID")
	if raw == "" {
		return replayed{}, nil
	}
	if h.EventLog == nil {
		return replayed{resync: true}, nil
	}
	after, _ := graph.ParseEventID(raw) // one reach did not give is of no log: lost
	told, reached, err := h.EventLog.EventsSince(c.Request().Context(), member, after)
	if errors.Is(err, graph.ErrEventsLost) {
		return replayed{resync: true, reached: reached}, nil
	}
	return replayed{told: told, reached: reached}, err
}

// write writes the replayed events, or the resync.
func (r replayed) write(res *echo.Response) error {
	if r.resync {
		return writeFrame(res, r.reached, eventResync, resyncEvent{Reason: "the events after Last-Event-ID are no longer kept; reload"})
	}
	for _, t := range r.told {
		if t.Kind == graph.EventAccountClosed {
			continue // not sent: it ends streams
		}
		if err := writeEvent(res, t); err != nil {
			return err
		}
	}
	return nil
}

// pump writes events and heartbeats to the response until the stream has to end, leaving out the
// events at or before from, which the stream wrote already.
func (h *handlers) pump(c echo.Context, s *stream, expires time.Time, from graph.EventID) error {
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
			if from.Epoch != "" && !e.At.After(from) {
				continue
			}
			err = writeEvent(c.Response(), e)
		}
		if err != nil {
			return nil // the client is gone; nothing is left to answer
		}
		c.Response().Flush()
	}
}

// writeEvent writes one event of the log in the text/event-stream format (writeFrame).
func writeEvent(res *echo.Response, t graph.Told) error {
	return writeFrame(res, t.At, string(t.Kind), eventData(t.Event))
}

// writeFrame writes one event in the text/event-stream format: its id (none when at is of no
// log), its type and its data, one line of JSON.
func writeFrame(res *echo.Response, at graph.EventID, kind string, data any) error {
	body, err := json.Marshal(data)
	if err != nil {
		return err
	}
	if at.Epoch != "" {
		if _, err := fmt.Fprintf(res, "id: %s\n", at); err != nil {
			return err
		}
	}
	_, err = fmt.Fprintf(res, "event: %s\ndata: %s\n\n", kind, body)
	return err
}

// eventData is what a stream shows of e, by its kind.
func eventData(e graph.Event) any {
	by := eventPerson{ID: e.By, Name: e.ByName}
	switch e.Kind {
	case graph.EventMessage:
		return messageEvent{ID: e.ID, ThreadID: e.ThreadID, ConversationID: e.ThreadID, Box: e.Box, Kind: e.MessageKind,
			From: by, Subject: e.Subject, Preview: previewOf(e.MessageKind, true, by.Name, e.Excerpt)}
	case graph.EventInvitation:
		return invitationEvent{ID: e.ID, From: by, Note: e.Note}
	case graph.EventAcceptance:
		return acceptanceEvent{ID: e.ID, By: by}
	case graph.EventDecline:
		return declineEvent{ID: e.ID, ThreadID: e.ThreadID, By: by, Note: e.Note}
	case graph.EventRequestAccepted:
		return requestAcceptedEvent{ID: e.ID, ThreadID: e.ThreadID, By: by}
	default: // the conversation's
		return conversationEvent{ID: e.ID, Box: e.Box, UnreadCount: e.UnreadCount, Archived: e.Archived, Muted: e.Muted}
	}
}

// resyncEvent is the data of a resync.
type resyncEvent struct {
	Reason string `json:"reason"`
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

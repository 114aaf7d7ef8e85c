package integration

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/reach-network/reach/api"
)

// streamEvent is one event read from GET /v1/events: its id, its type and its data.
type streamEvent struct {
	ID   string
	Type string
	Data map[string]any
}

// eventStream is an open GET /v1/events of one member.
type eventStream struct {
	t      testing.TB
	events chan streamEvent
	ended  chan struct{}
	close  context.CancelFunc // ends the stream, as a client going away does
}

// openEvents opens the event stream of member, with the token in ?access_token= as a browser's
// EventSource sends it, and returns once the stream has begun; it is closed when the test ends.
func openEvents(t testing.TB, member string) *eventStream {
	t.Helper()
	return openEventsAt(t, env.baseURL, member, "")
}

// openEventsAt is openEvents at the server of base, resuming after lastID unless it is empty.
func openEventsAt(t testing.TB, base, member, lastID string) *eventStream {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	res, err := streamRequestAt(ctx, t, base, member, lastID)
	if err != nil {
		t.Fatal(err)
	}
	if res.StatusCode != http.StatusOK || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/event-stream") {
		res.Body.Close()
		t.Fatalf("GET /v1/events as %s: %d %s", member, res.StatusCode, res.Header.Get("Content-Type"))
	}
	if base == env.baseURL {
		contract.claim(t, res.Header.Get("X-Request-Id"))
	}
	s := &eventStream{t: t, events: make(chan streamEvent, 16), ended: make(chan struct{}), close: cancel}
	go s.read(res)
	return s
}

// streamRequest asks for member's event stream, which stays open until the test ends.
func streamRequest(t testing.TB, member string) (*http.Response, error) {
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	return streamRequestAt(ctx, t, env.baseURL, member, "")
}

// streamRequestAt asks the server of base for member's event stream, with Last-Event-ID lastID
// unless it is empty, until ctx ends.
func streamRequestAt(ctx context.Context, t testing.TB, base, member, lastID string) (*http.Response, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, base+"/v1/events?access_token="+url.QueryEscape(as(t, member).token), nil)
	if err != nil {
		return nil, err
	}
	if lastID != "" {
		req.Header.Set("Last-Event-ID", lastID)
	}
	return http.DefaultClient.Do(req)
}

// read parses the stream into events until it ends.
func (s *eventStream) read(res *http.Response) {
	defer close(s.ended)
	defer res.Body.Close()
	eachEvent(res.Body, func(id, typ, data string) {
		var d map[string]any
		if err := json.Unmarshal([]byte(data), &d); err != nil {
			s.t.Errorf("event %s: data %q: %v", typ, data, err)
		}
		s.events <- streamEvent{ID: id, Type: typ, Data: d}
	})
}

// eachEvent reads server-sent events from r until it ends, handing each one's id, type and data
// to each.
func eachEvent(r io.Reader, each func(id, typ, data string)) {
	sc := bufio.NewScanner(r)
	var id, typ, data string
	for sc.Scan() {
		line := sc.Text()
		switch {
		case strings.HasPrefix(line, "id: "):
			id = strings.TrimPrefix(line, "id: ")
		case strings.HasPrefix(line, "event: "):
			typ = strings.TrimPrefix(line, "event: ")
		case strings.HasPrefix(line, "data: "):
			data = strings.TrimPrefix(line, "data: ")
		case line == "" && typ != "":
			each(id, typ, data)
			id, typ, data = "", "", ""
		}
	}
}

// next returns the next event, failing the test when none comes within ten seconds.
func (s *eventStream) next() streamEvent {
	s.t.Helper()
	select {
	case e := <-s.events:
		return e
	case <-s.ended:
		s.t.Fatal("the event stream ended")
	case <-time.After(10 * time.Second):
		s.t.Fatal("no event within 10s")
	}
	return streamEvent{}
}

// quiet fails the test when an event arrives within a short while.
func (s *eventStream) quiet() {
	s.t.Helper()
	select {
	case e := <-s.events:
		s.t.Errorf("unexpected event %s %v", e.Type, e.Data)
	case <-time.After(300 * time.Millisecond):
	}
}

// TestEventsTellWhoIsConcerned checks that each kind of event reaches the member it concerns, and
// only them: a message with the inbox's preview, an invitation, its acceptance, a decline.
func TestEventsTellWhoIsConcerned(t *testing.T) {
	id := ids(t)
	mailMember(t, id("rita"), "Rita Recruiter", map[string]any{"inmailCredits": 5, "plan": "recruiter_lite"})
	member(t, id("ann"), "Ann Example")
	member(t, id("bob"), "Bob Example")
	ann, rita, bob := openEvents(t, id("ann")), openEvents(t, id("rita")), openEvents(t, id("bob"))

	inmail := sendMail(t, id("rita"), map[string]any{"to": id("ann"), "subject": "A role", "body": "Hello Ann, a role for you."})
	e := ann.next()
	if e.Type != "message" || e.Data["id"] != inmail.ID || e.Data["kind"] != "inmail" ||
		e.Data["preview"] != "InMail from Rita Recruiter: Hello Ann, a role for you." {
		t.Errorf("message event %s %v", e.Type, e.Data)
	}
	if from, _ := e.Data["from"].(map[string]any); from["id"] != id("rita") || from["name"] != "Rita Recruiter" {
		t.Errorf("message event from %v", e.Data["from"])
	}
	if inbox := mailbox(t, id("ann"), "/v1/inbox"); len(inbox.Items) != 1 || inbox.Items[0].Preview != e.Data["preview"] {
		t.Errorf("the event's preview is not the inbox's: %+v", inbox.Items)
	}

	as(t, id("ann")).do(http.MethodPost, "/v1/messages/"+inmail.ID+"/decline", map[string]string{"note": "Not now"}).expect(http.StatusOK)
	if e := rita.next(); e.Type != "decline" || e.Data["id"] != inmail.ID || e.Data["note"] != "Not now" {
		t.Errorf("decline event %s %v", e.Type, e.Data)
	}

	var inv struct{ ID string }
	as(t, id("bob")).do(http.MethodPost, "/v1/invitations", map[string]string{"to": id("ann"), "note": "Hi"}).expect(http.StatusCreated).into(&inv)
	if e := ann.next(); e.Type != "invitation" || e.Data["id"] != inv.ID || e.Data["note"] != "Hi" {
		t.Errorf("invitation event %s %v", e.Type, e.Data)
	}
	as(t, id("ann")).do(http.MethodPost, "/v1/invitations/"+inv.ID+"/accept", nil).expect(http.StatusOK)
	if e := bob.next(); e.Type != "acceptance" || e.Data["id"] != inv.ID {
		t.Errorf("acceptance event %s %v", e.Type, e.Data)
	}
	ann.quiet()
	rita.quiet()
	bob.quiet()
}

// TestEventsAnnounceARetriedSendOnce checks that a send retried with its Idempotency-Key, answered
// with the first send's message, is not announced to the recipient a second time.
func TestEventsAnnounceARetriedSendOnce(t *testing.T) {
	id := ids(t)
	member(t, id("ann"), "Ann Example")
	member(t, id("bob"), "Bob Example")
	connect(t, id("ann"), id("bob"))
	bob := openEvents(t, id("bob"))
	body := fmt.Sprintf(`{"to": %q, "body": "Lunch on Friday?"}`, id("bob"))
	var first string
	for try := range 2 {
		status, data, err := rawPost(as(t, id("ann")).token, "/v1/messages", body, "lunch-"+id("ann"))
		if err != nil || status != http.StatusCreated {
			t.Fatalf("send %d: %d %s %v", try, status, data, err)
		}
		var sent struct{ ID string }
		if err := json.Unmarshal(data, &sent); err != nil {
			t.Fatal(err)
		}
		if first == "" {
			first = sent.ID
		} else if sent.ID != first {
			t.Fatalf("the retry sent message %s, not %s again", sent.ID, first)
		}
	}
	if e := bob.next(); e.Type != "message" || e.Data["id"] != first {
		t.Errorf("message event %s %v", e.Type, e.Data)
	}
	bob.quiet()
}

// TestEventsRefuse checks that a stream needs a valid token and that one member may hold only
// api.MaxStreamsPerMember streams at once.
func TestEventsRefuse(t *testing.T) {
	id := ids(t)
	member(t, id("cat"), "Cat")
	t.Run("NoToken", func(t *testing.T) {
		(&client{t: t}).get("/v1/events").expectProblem(http.StatusUnauthorized)
	})
	t.Run("TooManyStreams", func(t *testing.T) {
		for range api.MaxStreamsPerMember {
			openEvents(t, id("cat"))
		}
		res, err := streamRequest(t, id("cat"))
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		contract.claim(t, res.Header.Get("X-Request-Id"))
		if res.StatusCode != http.StatusTooManyRequests || res.Header.Get("Retry-After") == "" {
			t.Errorf("stream %d: status %d, Retry-After %q; want 429 with Retry-After", api.MaxStreamsPerMember+1, res.StatusCode, res.Header.Get("Retry-After"))
		}
	})
}

// TestEventsTellOfRequests checks a message request's events: the recipient hears of it with the
// requests box's preview, and the sender hears that it was accepted.
func TestEventsTellOfRequests(t *testing.T) {
	id := ids(t)
	putGroup(t, id("club"), "Club")
	member(t, id("ann"), "Ann Example")
	member(t, id("bob"), "Bob Example")
	join(t, id("ann"), id("club"))
	join(t, id("bob"), id("club"))
	ann, bob := openEvents(t, id("ann")), openEvents(t, id("bob"))
	request := sendMail(t, id("ann"), map[string]any{"to": id("bob"), "body": "Hello from the club."})
	if request.Kind != "request" {
		t.Fatalf("ann → bob went as %s, want a request", request.Kind)
	}
	if e := bob.next(); e.Type != "message" || e.Data["id"] != request.ID || e.Data["kind"] != "request" ||
		e.Data["preview"] != "Message request from Ann Example: Hello from the club." {
		t.Errorf("message event %s %v", e.Type, e.Data)
	}
	as(t, id("bob")).do(http.MethodPost, "/v1/messages/"+request.ID+"/accept", nil).expect(http.StatusOK)
	e := ann.next()
	by, _ := e.Data["by"].(map[string]any)
	if e.Type != "request_accepted" || e.Data["id"] != request.ID || e.Data["threadId"] != request.ThreadID ||
		by["id"] != id("bob") || by["name"] != "Bob Example" {
		t.Errorf("request_accepted event %s %v", e.Type, e.Data)
	}
	ann.quiet()
	bob.quiet()
}

package integration

import (
	"encoding/json"
	"fmt"
	"net/http"
	"testing"
	"time"
)

// TestEventsAcrossReplicas runs two reach processes on one Neo4j, as replicas behind a load
// balancer: a member listening on one hears, within the staleness bound and once each, of what was
// done through the other (messages, and their own change to a conversation on another device); and a client that reconnects to the other replica with the id of the
// last event it saw gets exactly the events after it, whichever replica made them, none again; and
// closing an account through one ends the member's streams on the other.
func TestEventsAcrossReplicas(t *testing.T) {
	const bound = time.Second
	id := ids(t)
	network(t, id, [2]string{"ann", "bob"})
	member(t, id("dan"), "Dan Example")
	member(t, id("eve"), "Eve Example")
	r1, r2 := startReplicas(t, bound) // once members exist: it waits for a projection that holds some
	ann, bob := id("ann"), id("bob")
	var conversation string
	send := func(via *reachProcess, body string) string {
		t.Helper()
		var sent struct{ ID, ConversationID string }
		c := via.do(t, as(t, ann).token, http.MethodPost, "/v1/messages", map[string]any{"to": bob, "body": body}, nil)
		if c.Status != http.StatusCreated {
			t.Fatalf("send %q: %d %s", body, c.Status, c.Body)
		}
		if err := json.Unmarshal(c.Body, &sent); err != nil {
			t.Fatal(err)
		}
		conversation = sent.ConversationID
		return sent.ID
	}
	expect := func(s *eventStream, typ, id string) streamEvent {
		t.Helper()
		e := s.next()
		if e.Type != typ || e.Data["id"] != id || e.ID == "" {
			t.Fatalf("event %s %q %v; want %s %s with an id", e.Type, e.ID, e.Data, typ, id)
		}
		return e
	}

	t.Run("Delivered", func(t *testing.T) {
		stream := openEventsAt(t, r2.url, bob, "")
		for i := range 3 { // one at a time: each within the bound
			sent := send(r1, fmt.Sprintf("one %d", i))
			start := time.Now()
			expect(stream, "message", sent)
			if took := time.Since(start); took > bound {
				t.Errorf("message %d reached the other replica's stream after %s, past the bound %s", i, took, bound)
			}
		}
		var burst []string
		for i := range 5 {
			burst = append(burst, send(r1, fmt.Sprintf("burst %d", i)))
		}
		for _, sent := range burst { // each once, in order
			expect(stream, "message", sent)
		}
		// bob's change on one device, through one replica, reaches his device on the other.
		if c := r1.do(t, as(t, bob).token, http.MethodPatch, "/v1/conversations/"+conversation, map[string]any{"archived": true}, nil); c.Status != http.StatusOK {
			t.Fatalf("archive: %d %s", c.Status, c.Body)
		}
		expect(stream, "conversation_archived", conversation)
		stream.quiet()
	})

	t.Run("Resumed", func(t *testing.T) {
		first := openEventsAt(t, r1.url, bob, "")
		expect(first, "message", send(r1, "before 1"))
		last := expect(first, "message", send(r2, "before 2"))
		first.close()
		<-first.ended
		missed := []string{send(r1, "meanwhile 1"), send(r2, "meanwhile 2")}
		var inv struct{ ID string }
		c := r2.do(t, as(t, id("dan")).token, http.MethodPost, "/v1/invitations", map[string]string{"to": bob}, nil)
		if c.Status != http.StatusCreated || json.Unmarshal(c.Body, &inv) != nil {
			t.Fatalf("invite: %d %s", c.Status, c.Body)
		}
		resumed := openEventsAt(t, r2.url, bob, last.ID)
		for _, sent := range missed {
			expect(resumed, "message", sent)
		}
		expect(resumed, "invitation", inv.ID)
		expect(resumed, "message", send(r1, "after"))
		resumed.quiet()
		if e := openEventsAt(t, r1.url, bob, "0.0.not-this-log").next(); e.Type != "resync" || e.ID == "" {
			t.Errorf("an id of another log: %s %q %v; want a resync with the id to go on from", e.Type, e.ID, e.Data)
		}
	})

	t.Run("Closed", func(t *testing.T) {
		stream := openEventsAt(t, r2.url, id("eve"), "")
		if c := r1.do(t, as(t, id("eve")).token, http.MethodDelete, "/v1/me", nil, nil); c.Status != http.StatusNoContent {
			t.Fatalf("close: %d %s", c.Status, c.Body)
		}
		select {
		case <-stream.ended:
		case <-time.After(bound):
			t.Errorf("the closed member's stream on the other replica still open after %s", bound)
		}
	})
}

package api

import (
	"bufio"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// TestEventsEndOnClose checks that closing the hub, as a server does when it shuts down, ends an
// open stream, so that http.Server.Shutdown does not wait for it.
func TestEventsEndOnClose(t *testing.T) {
	events := NewEvents()
	srv := httptest.NewServer(New(Everything(newFakeGraph("ann")), Config{Tokens: mustHS256(t), Events: events,
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}))
	defer srv.Close()
	tok, err := IssueToken(testSecret, "ann", false, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	res, err := http.Get(srv.URL + "/v1/events?access_token=" + tok)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK || res.Header.Get("Content-Type") != "text/event-stream" {
		t.Fatalf("status %d %q", res.StatusCode, res.Header.Get("Content-Type"))
	}
	first, err := bufio.NewReader(res.Body).ReadString('\n')
	if err != nil || !strings.HasPrefix(first, "retry: ") {
		t.Fatalf("first line %q, %v", first, err)
	}
	ended := make(chan error, 1)
	go func() { _, err := io.Copy(io.Discard, res.Body); ended <- err }()
	events.Close()
	select {
	case err := <-ended:
		if err != nil {
			t.Errorf("the stream ended with %v, want a clean end", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the stream did not end when the hub closed")
	}
}

// TestEventsEndALaggingStream checks that a stream whose queue is full is marked to end rather
// than making the publisher wait.
func TestEventsEndALaggingStream(t *testing.T) {
	events := NewEvents()
	s, err := events.subscribe("ann")
	if err != nil {
		t.Fatal(err)
	}
	for range streamBuffer + 1 {
		events.publish("ann", event{eventMessage, nil})
	}
	select {
	case <-s.lagged:
	default:
		t.Error("a stream that fell behind was not told to end")
	}
	if !events.listening("ann") || events.listening("bob") {
		t.Error("listening is wrong")
	}
	events.unsubscribe("ann", s)
	if events.listening("ann") {
		t.Error("an ended stream is still listening")
	}
}

// TestEventsOutliveTheRequestDeadline checks that a stream still delivers events after the read
// deadline every other GET is held to.
func TestEventsOutliveTheRequestDeadline(t *testing.T) {
	events := NewEvents()
	short := Timeouts{Read: 50 * time.Millisecond, Write: 50 * time.Millisecond}
	srv := httptest.NewServer(New(Everything(newFakeGraph("ann")), Config{Tokens: mustHS256(t), Events: events, Timeouts: short,
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}))
	defer srv.Close()
	defer events.Close()
	tok, err := IssueToken(testSecret, "ann", false, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	req, _ := http.NewRequest(http.MethodGet, srv.URL+"/v1/events", nil)
	req.Header.Set("Authorization", "Bearer "+tok)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	time.Sleep(4 * short.Read)
	events.publish("ann", event{eventInvitation, invitationEvent{ID: "inv1", From: eventPerson{ID: "bob", Name: "Bob"}}})
	lines := bufio.NewScanner(res.Body)
	for lines.Scan() {
		if lines.Text() == "event: invitation" {
			return
		}
	}
	t.Fatalf("the stream ended before the event: %v", lines.Err())
}

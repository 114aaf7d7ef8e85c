package api

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/reach-network/reach/graph"
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
		events.Tell([]graph.Told{{Event: graph.Event{Kind: graph.EventMessage, To: "ann"}}})
	}
	select {
	case <-s.lagged:
	default:
		t.Error("a stream that fell behind was not told to end")
	}
	events.unsubscribe("ann", s)
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
	events.Tell([]graph.Told{{Event: graph.Event{Kind: graph.EventInvitation, To: "ann", ID: "inv1", By: "bob", ByName: "Bob"}}})
	lines := bufio.NewScanner(res.Body)
	for lines.Scan() {
		if lines.Text() == "event: invitation" {
			return
		}
	}
	t.Fatalf("the stream ended before the event: %v", lines.Err())
}

// eventLog is an EventLog over a list of one member's events, the log's heads at its last.
type eventLog struct {
	epoch string
	told  []graph.Told
	kept  int64 // the first number the log still holds
}

func (l eventLog) EventsSince(_ context.Context, _ string, after graph.EventID) ([]graph.Told, graph.EventID, error) {
	head := graph.EventID{Epoch: l.epoch, Seq: l.told[len(l.told)-1].At.Seq, Index: graph.ChangeEnd}
	if after.Epoch != l.epoch || after.Seq+1 < l.kept {
		return nil, head, graph.ErrEventsLost
	}
	var out []graph.Told
	for _, t := range l.told {
		if t.At.Seq > after.Seq {
			out = append(out, t)
		}
	}
	return out, head, nil
}

// TestEventsResume checks that a stream opened with Last-Event-ID gets the events after it from
// the log, then only the live events after those, each with its id; and that an id the log can no
// longer serve, or none reach gave, gets a resync carrying the id to go on from.
func TestEventsResume(t *testing.T) {
	told := func(seq int64, id string) graph.Told {
		return graph.Told{Event: graph.Event{Kind: graph.EventInvitation, To: "ann", ID: id}, At: graph.EventID{Epoch: "e1", Seq: seq}}
	}
	log := eventLog{epoch: "e1", told: []graph.Told{told(3, "a"), told(5, "b"), told(8, "c")}, kept: 2}
	end := fmt.Sprintf("0.8.%d.e1", graph.ChangeEnd) // the place after every event of change 8
	cases := []struct {
		name, lastID string
		want         []string // id and type of each event, then the live ones
	}{
		{"Replays", "0.3.0.e1", []string{"0.5.0.e1 invitation", "0.8.0.e1 invitation", "0.9.0.e1 invitation"}},
		{"Pruned", "0.0.0.e1", []string{end + " resync", "0.9.0.e1 invitation"}},
		{"OtherLog", "0.3.0.e0", []string{end + " resync", "0.9.0.e1 invitation"}},
		{"NotAnID", "junk", []string{end + " resync", "0.9.0.e1 invitation"}},
		{"Fresh", "", []string{"0.8.0.e1 invitation", "0.9.0.e1 invitation"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			events := NewEvents()
			services := Everything(newFakeGraph("ann"))
			services.EventLog = log
			srv := httptest.NewServer(New(services, Config{Tokens: mustHS256(t), Events: events,
				Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}))
			defer srv.Close()
			defer events.Close()
			tok, _ := IssueToken(testSecret, "ann", false, time.Hour)
			req, _ := http.NewRequest(http.MethodGet, srv.URL+"/v1/events?access_token="+tok, nil)
			if tc.lastID != "" {
				req.Header.Set("Last-Event-ID", tc.lastID)
			}
			res, err := (&http.Client{Timeout: 5 * time.Second}).Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer res.Body.Close()
			// Live: the tailer tells 8 (replayed already, or before the stream) and 9.
			go events.Tell([]graph.Told{told(8, "c"), told(9, "d")})
			got := readFrames(t, res.Body, len(tc.want))
			if strings.Join(got, ",") != strings.Join(tc.want, ",") {
				t.Errorf("events %v, want %v", got, tc.want)
			}
		})
	}
}

// readFrames reads n events of a stream, each as its id and type.
func readFrames(t *testing.T, body io.Reader, n int) []string {
	t.Helper()
	lines := bufio.NewScanner(body)
	var out []string
	var id string
	for len(out) < n && lines.Scan() {
		line := lines.Text()
		if v, ok := strings.CutPrefix(line, "id: "); ok {
			id = v
		} else if v, ok := strings.CutPrefix(line, "event: "); ok {
			out = append(out, id+" "+v)
		}
	}
	return out
}

package integration

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/reach-network/reach/api"
	"github.com/reach-network/reach/graph"
	"github.com/reach-network/reach/graph/neo4jstore"
)

// exported is the export document, with what the test compares of each section.
// exportedConversation is the caller's side of a conversation in the export.
type exportedConversation struct {
	ID            string  `json:"id"`
	With          party   `json:"with"`
	Kind          string  `json:"kind"`
	Box           string  `json:"box"`
	Archived      bool    `json:"archived"`
	Muted         bool    `json:"muted"`
	UnreadCount   int     `json:"unreadCount"`
	LastMessageID *string `json:"lastMessageId"`
}

type exported struct {
	ExportedAt time.Time `json:"exportedAt"`
	Profile    struct {
		ID, Name, Headline, Company string
		Restricted                  bool
	} `json:"profile"`
	Settings struct {
		InMail                string `json:"inmail"`
		OpenProfile           bool   `json:"openProfile"`
		ProfileVisibility     string `json:"profileVisibility"`
		ConnectionsVisibility string `json:"connectionsVisibility"`
		Searchable            bool   `json:"searchable"`
	} `json:"settings"`
	Plan struct {
		Plan          string `json:"plan"`
		InMailCredits int    `json:"inmailCredits"`
	} `json:"plan"`
	Connections []struct {
		ID    string    `json:"id"`
		Since time.Time `json:"since"`
	} `json:"connections"`
	Positions     []exportedPosition     `json:"positions"`
	Conversations []exportedConversation `json:"conversations"`
	Groups        []struct {
		ID, Name string
		Joined   time.Time
	} `json:"groups"`
	InvitationsSent     []exportedInvitation `json:"invitationsSent"`
	InvitationsReceived []exportedInvitation `json:"invitationsReceived"`
	MessagesSent        []exportedMessage    `json:"messagesSent"`
	MessagesReceived    []exportedMessage    `json:"messagesReceived"`
	Blocks              []struct {
		ID        string    `json:"id"`
		BlockedAt time.Time `json:"blockedAt"`
	} `json:"blocks"`
	Reports []struct {
		Member  string    `json:"member"`
		Reason  string    `json:"reason"`
		Message *string   `json:"message"`
		At      time.Time `json:"at"`
	} `json:"reports"`
}

type exportedPosition struct {
	Org struct {
		ID, Name, Kind string
	}
	Title string
	From  int
	To    *int
}

type exportedInvitation struct {
	ID, From, To, Note string
}

type exportedMessage struct {
	ID, ThreadID, Kind, Channel, Body string
	From, To                          party
	Cost                              int
	Status                            *string
	Deleted                           bool
	SentAt                            time.Time
	ReadAt                            *time.Time
}

// TestExportHoldsEverything builds an account with something in every section and checks that
// its export holds exactly that: nothing missing, nothing of anyone else's.
func TestExportHoldsEverything(t *testing.T) {
	id := ids(t)
	network(t, id, [2]string{"me", "a"}, [2]string{"me", "b"}, [2]string{"me", "z"}, [2]string{"a", "c"})
	for _, n := range []string{"x", "d", "f", "g"} {
		member(t, id(n), "Member "+n)
	}
	putOrganisation(t, id("acme"), "Acme", "company")
	putOrganisation(t, id("kth"), "KTH", "school")
	putPositions(t, id("me"), "Me Person", map[string]any{"org": id("acme"), "title": "Engineer", "from": 2019},
		map[string]any{"org": id("kth"), "from": 2010, "to": 2014})
	putPositions(t, id("a"), "A", map[string]any{"org": id("acme"), "title": "Not mine", "from": 2001})
	putGroup(t, id("grp"), "Go Engineers")
	putGroup(t, id("other"), "Not mine")
	join(t, id("me"), id("grp"))
	join(t, id("a"), id("other"))
	admin(t).do(http.MethodPut, "/v1/admin/members/"+id("me"), map[string]any{
		"name": "Me Person", "headline": "Head", "company": "Co", "plan": "career", "inmailCredits": 7,
	}).expect(http.StatusOK)
	as(t, id("me")).do(http.MethodPatch, "/v1/me/settings", map[string]any{"inmail": "network", "openProfile": true}).expect(http.StatusOK)
	toA := deliver(t, id("me"), id("a"), "hello a")
	fromA := deliver(t, id("a"), id("me"), "hello me")
	toX := deliver(t, id("me"), id("x"), "an InMail to x")
	fromZ := deliver(t, id("z"), id("me"), "from z, who leaves")
	as(t, id("me")).do(http.MethodDelete, "/v1/messages/"+fromA.ID, nil).expect(http.StatusNoContent)
	as(t, id("me")).get("/v1/messages/" + fromZ.ID).expect(http.StatusOK) // read
	as(t, id("me")).do(http.MethodPatch, "/v1/conversations/"+toX.ThreadID, map[string]any{"archived": true}).expect(http.StatusOK)
	as(t, id("me")).do(http.MethodPatch, "/v1/conversations/"+toA.ThreadID, map[string]any{"muted": true}).expect(http.StatusOK)
	var toC, fromD struct{ ID string }
	as(t, id("me")).do(http.MethodPost, "/v1/invitations", map[string]string{"to": id("c"), "note": "hi c"}).expect(http.StatusCreated).into(&toC)
	as(t, id("d")).do(http.MethodPost, "/v1/invitations", map[string]string{"to": id("me")}).expect(http.StatusCreated).into(&fromD)
	putBlock(t, id("me"), id("f"))
	as(t, id("me")).do(http.MethodPost, "/v1/reports", map[string]any{"member": id("g"), "reason": "fake"}).expect(http.StatusAccepted)
	admin(t).do(http.MethodDelete, "/v1/admin/members/"+id("z"), nil).expect(http.StatusNoContent)
	// Someone else's data, which must not show.
	deliver(t, id("a"), id("c"), "not mine")

	var got exported
	res := as(t, id("me")).get("/v1/me/export").expect(http.StatusOK)
	res.into(&got)
	if !json.Valid(res.Body) || got.ExportedAt.IsZero() {
		t.Fatalf("export: %s", res.Body)
	}
	if got.Profile.ID != id("me") || got.Profile.Name != "Me Person" || got.Profile.Headline != "Head" || got.Profile.Company != "Co" {
		t.Errorf("profile: %+v", got.Profile)
	}
	if s := got.Settings; s.InMail != "network" || !s.OpenProfile || s.ProfileVisibility != "everyone" || !s.Searchable {
		t.Errorf("settings: %+v", s)
	}
	if got.Plan.Plan != "career" || got.Plan.InMailCredits != 6 {
		t.Errorf("plan: %+v, want career with 6 credits (7 less the InMail to x)", got.Plan)
	}
	var conns []string
	for _, c := range got.Connections {
		conns = append(conns, c.ID)
		if c.Since.IsZero() {
			t.Errorf("connection %s has no date", c.ID)
		}
	}
	if diff := cmp.Diff([]string{id("a"), id("b")}, conns); diff != "" {
		t.Errorf("connections (-want +got):\n%s", diff)
	}
	var wantPositions []exportedPosition
	for _, p := range []struct {
		org, name, kind, title string
		from                   int
		to                     *int
	}{{id("kth"), "KTH", "school", "", 2010, ptr(2014)}, {id("acme"), "Acme", "company", "Engineer", 2019, nil}} {
		var w exportedPosition
		w.Org.ID, w.Org.Name, w.Org.Kind, w.Title, w.From, w.To = p.org, p.name, p.kind, p.title, p.from, p.to
		wantPositions = append(wantPositions, w)
	}
	if diff := cmp.Diff(wantPositions, got.Positions); diff != "" {
		t.Errorf("positions, earliest first (-want +got):\n%s", diff)
	}
	if len(got.Groups) != 1 || got.Groups[0].ID != id("grp") || got.Groups[0].Name != "Go Engineers" || got.Groups[0].Joined.IsZero() {
		t.Errorf("groups: %+v, want Go Engineers with when they joined", got.Groups)
	}
	if diff := cmp.Diff([]exportedInvitation{{ID: toC.ID, From: id("me"), To: id("c"), Note: "hi c"}}, got.InvitationsSent); diff != "" {
		t.Errorf("invitations sent (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]exportedInvitation{{ID: fromD.ID, From: id("d"), To: id("me")}}, got.InvitationsReceived); diff != "" {
		t.Errorf("invitations received (-want +got):\n%s", diff)
	}
	me, a, x := id("me"), id("a"), id("x")
	pending := "pending"
	wantSent := []exportedMessage{
		{ID: toA.ID, ThreadID: toA.ThreadID, Kind: "message", Channel: "message", Body: "hello a", From: party{ID: &me, Name: "Me Person"}, To: party{ID: &a, Name: "A"}},
		{ID: toX.ID, ThreadID: toX.ThreadID, Kind: "inmail", Channel: "inmail", Body: "an InMail to x", From: party{ID: &me, Name: "Me Person"}, To: party{ID: &x, Name: "Member x"}, Cost: 1, Status: &pending},
	}
	wantReceived := []exportedMessage{
		{ID: fromA.ID, ThreadID: fromA.ThreadID, Kind: "message", Channel: "message", Body: "hello me", From: party{ID: &a, Name: "A"}, To: party{ID: &me, Name: "Me Person"}, Deleted: true},
		{ID: fromZ.ID, Kind: "message", Channel: "message", Body: "from z, who leaves", From: party{Name: "Former member", Former: true}, To: party{ID: &me, Name: "Me Person"}},
	}
	if len(got.MessagesReceived) == 2 {
		if m := got.MessagesReceived[1]; m.ReadAt == nil || m.ThreadID == fromZ.ThreadID {
			t.Errorf("the message from the former member: %+v, want read, in a new thread", m)
		}
		wantReceived[1].ThreadID = got.MessagesReceived[1].ThreadID
	}
	ignore := cmp.FilterPath(func(p cmp.Path) bool {
		name := p.Last().String()
		return name == ".SentAt" || name == ".ReadAt"
	}, cmp.Ignore())
	if diff := cmp.Diff(wantSent, got.MessagesSent, ignore); diff != "" {
		t.Errorf("messages sent (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(wantReceived, got.MessagesReceived, ignore); diff != "" {
		t.Errorf("messages received (-want +got):\n%s", diff)
	}
	wantConversations := []exportedConversation{
		{ID: toA.ThreadID, With: party{ID: &a, Name: "A"}, Kind: "conversation", Box: "inbox", Muted: true, LastMessageID: &toA.ID},
		{ID: toX.ThreadID, With: party{ID: &x, Name: "Member x"}, Kind: "inmail", Box: "inbox", Archived: true, LastMessageID: &toX.ID},
		{With: party{Name: "Former member", Former: true}, Kind: "conversation", Box: "inbox", LastMessageID: &fromZ.ID},
	}
	for _, c := range got.Conversations {
		if c.With.Former {
			wantConversations[2].ID = c.ID
		}
	}
	slices.SortFunc(wantConversations, func(p, q exportedConversation) int { return strings.Compare(p.ID, q.ID) })
	if diff := cmp.Diff(wantConversations, got.Conversations); diff != "" {
		t.Errorf("conversations, by id (-want +got):\n%s", diff)
	}
	if len(got.Blocks) != 1 || got.Blocks[0].ID != id("f") {
		t.Errorf("blocks: %+v, want f", got.Blocks)
	}
	if len(got.Reports) != 1 || got.Reports[0].Member != id("g") || got.Reports[0].Reason != "fake" || got.Reports[0].Message != nil {
		t.Errorf("reports: %+v, want one of g for fake", got.Reports)
	}
}

// TestExportLargeAccountStreams exports an account of thousands of long messages (about 27 MB of
// JSON) and checks that the answer is valid JSON holding every message, and that reach's live
// heap, measured after a collection at every megabyte the client reads, grows by far less than the
// document while it is written: the export is streamed, not built whole. Streamed, the heap still
// holds the driver's batches of rows (exportFetchSize, about 2 MB each here) and the test
// process's other work, 5–7 MB in all: the document is large enough for that to stay well under
// half of it.
func TestExportLargeAccountStreams(t *testing.T) {
	const messages, bodyLength = 6000, 4000
	id := ids(t)
	network(t, id, [2]string{"big", "pal"})
	body := strings.Repeat("x", bodyLength)
	rows := make([]graph.ImportMessage, messages)
	start := time.Now().Add(-time.Hour)
	for i := range rows {
		from, to := id("big"), id("pal")
		if i%2 == 1 {
			from, to = to, from
		}
		rows[i] = graph.ImportMessage{ID: fmt.Sprintf("%sm%d", id(""), i), From: from, To: to, Channel: graph.ChannelMessage,
			Body: body, SentAt: start.Add(time.Duration(i) * time.Millisecond)}
	}
	// The import makes the projection load again; wait for it, so that its load is not measured.
	reloaded(t, func() {
		if _, err := env.store.ImportMessages(context.Background(), rows); err != nil {
			t.Fatal(err)
		}
	})
	// A server of its own: the shared one holds each answer whole to check it against the
	// contract, which TestExportHoldsEverything does for the export.
	tokens, err := api.HS256(testSecret)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(api.New(api.Everything(env.store), api.Config{Tokens: tokens, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}))
	defer srv.Close()
	req, err := http.NewRequest(http.MethodGet, srv.URL+"/v1/me/export", nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+as(t, id("big")).token)
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	baseline := ms.HeapAlloc
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		t.Fatalf("export: %d", res.StatusCode)
	}
	r := &heapSampler{r: res.Body, every: 1 << 20, baseline: baseline}
	threads, err := countKeys(r, "threadId")
	if err != nil {
		t.Fatalf("the export is not valid JSON: %v", err)
	}
	if threads != messages {
		t.Errorf("the export holds %d messages, want %d", threads, messages)
	}
	t.Logf("exported %d bytes; reach's live heap grew by at most %d bytes while writing it", r.read, r.peak)
	if r.peak > r.read/2 {
		t.Errorf("the live heap grew by %d bytes while a %d-byte export was written: it is not streamed", r.peak, r.read)
	}
}

// heapSampler reads the export as a slow client would, and after every `every` bytes collects
// garbage and notes how far the live heap is above baseline.
type heapSampler struct {
	r           io.Reader
	every, read int64
	next        int64
	baseline    uint64
	peak        int64
}

func (h *heapSampler) Read(p []byte) (int, error) {
	n, err := h.r.Read(p)
	h.read += int64(n)
	if h.read >= h.next {
		h.next += h.every
		runtime.GC()
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		h.peak = max(h.peak, int64(ms.HeapAlloc)-int64(h.baseline))
	}
	return n, err
}

// countKeys walks a JSON document token by token, holding none of it, and counts the object keys
// named key; it fails if the document is not valid JSON or has anything after it.
func countKeys(r io.Reader, key string) (int, error) {
	dec := json.NewDecoder(r)
	n, depth := 0, 0
	inObject := []bool{}
	expectKey := false
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			if depth != 0 {
				return n, io.ErrUnexpectedEOF
			}
			return n, nil
		}
		if err != nil {
			return n, err
		}
		switch v := tok.(type) {
		case json.Delim:
			switch v {
			case '{', '[':
				depth++
				inObject = append(inObject, v == '{')
				expectKey = v == '{'
				continue
			case '}', ']':
				depth--
				inObject = inObject[:len(inObject)-1]
			}
		case string:
			if expectKey && v == key {
				n++
			}
			if expectKey {
				expectKey = false
				continue
			}
		}
		expectKey = len(inObject) > 0 && inObject[len(inObject)-1]
	}
}

// ptr is a pointer to v, for the optional fields of a wanted value.
func ptr[T any](v T) *T { return &v }

// TestExportsHaveAGateOfTheirOwn: an export holds its read for as long as its answer takes to
// write, so exports are bounded apart from reads (Pool.Exports). While one export is being
// written, with one place for reads and one for exports, a member's read still finds its place,
// and a second export is refused at once with ErrUnavailable and a Retry-After; once the first
// ends, the next export goes through.
func TestExportsHaveAGateOfTheirOwn(t *testing.T) {
	id := ids(t)
	member(t, id("exporter"), "Exporter")
	ctx := context.Background()
	store, err := neo4jstore.Open(ctx, neo4jstore.Config{URI: env.neo4jURI, Pool: neo4jstore.Pool{Reads: 1, Exports: 1}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close(ctx) })

	writing, done := make(chan struct{}), make(chan struct{})
	first := make(chan error, 1)
	go func() {
		first <- store.ReadAccount(ctx, id("exporter"), func(graph.Account) error {
			close(writing)
			<-done // a slow client reading the answer
			return nil
		})
	}()
	<-writing
	if ok, err := store.MemberExists(ctx, id("exporter")); err != nil || !ok {
		t.Errorf("a read while an export is written: %v, %v; want it to find its place", ok, err)
	}
	err = store.ReadAccount(ctx, id("exporter"), func(graph.Account) error { return nil })
	var ge *graph.Error
	if !errors.Is(err, graph.ErrUnavailable) || !errors.As(err, &ge) || ge.RetryAfter <= 0 {
		t.Errorf("a second export at once: %v, want ErrUnavailable with a Retry-After", err)
	}
	if shed := store.ShedStats().Exports; shed != 1 {
		t.Errorf("%d exports shed, want 1", shed)
	}
	close(done)
	if err := <-first; err != nil {
		t.Fatalf("the first export: %v", err)
	}
	if err := store.ReadAccount(ctx, id("exporter"), func(graph.Account) error { return nil }); err != nil {
		t.Errorf("an export after the first ended: %v", err)
	}
}

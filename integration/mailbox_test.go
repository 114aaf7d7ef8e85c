package integration

import (
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// mailCounterpart is the other member of a mailbox entry, with how the caller stands to them.
type mailCounterpart struct {
	ID        string `json:"id"`
	Name      string `json:"name"`
	Headline  string `json:"headline"`
	Degree    *int   `json:"degree"`
	Label     string `json:"label"`
	Connected bool   `json:"connected"`
}

// mailItem is one entry of the inbox (From set) or the sent box (To set).
type mailItem struct {
	ID              string           `json:"id"`
	ThreadID        string           `json:"threadId"`
	Kind            string           `json:"kind"`
	Icon            string           `json:"icon"`
	Subject         string           `json:"subject"`
	Preview         string           `json:"preview"`
	From            *mailCounterpart `json:"from"`
	To              *mailCounterpart `json:"to"`
	SentAt          time.Time        `json:"sentAt"`
	Read            bool             `json:"read"`
	Status          *string          `json:"status"`
	AttachmentCount int              `json:"attachmentCount"`
}

type mailPage struct {
	Items      []mailItem `json:"items"`
	NextCursor string     `json:"nextCursor"`
}

type mailAttachment struct {
	Name        string `json:"name"`
	ContentType string `json:"contentType"`
	Size        int64  `json:"size"`
	URL         string `json:"url"`
}

// mailMessage is a whole message, as GET /v1/messages/{id} and threads show it.
type mailMessage struct {
	ID          string           `json:"id"`
	ThreadID    string           `json:"threadId"`
	Kind        string           `json:"kind"`
	Icon        string           `json:"icon"`
	Subject     string           `json:"subject"`
	Body        string           `json:"body"`
	Attachments []mailAttachment `json:"attachments"`
	From        summary          `json:"from"`
	To          summary          `json:"to"`
	SentAt      time.Time        `json:"sentAt"`
	Read        bool             `json:"read"`
	Status      *string          `json:"status"`
}

type mailThreadPage struct {
	Items      []mailMessage `json:"items"`
	NextCursor string        `json:"nextCursor"`
}

// mailSent is the answer to POST /v1/messages.
type mailSent struct {
	ID            string `json:"id"`
	ThreadID      string `json:"threadId"`
	Kind          string `json:"kind"`
	Cost          int    `json:"cost"`
	InMailCredits int    `json:"inmailCredits"`
}

// mailMember creates a member through the admin API with extra profile fields, such as headline
// or inmailCredits.
func mailMember(t testing.TB, id, name string, fields map[string]any) {
	t.Helper()
	body := map[string]any{"name": name}
	maps.Copy(body, fields)
	admin(t).do(http.MethodPut, "/v1/admin/members/"+id, body).expect(http.StatusCreated)
}

// sendMail sends msg ({to, body, subject?, attachments?}) from a member and expects it sent.
func sendMail(t testing.TB, from string, msg map[string]any) mailSent {
	t.Helper()
	var s mailSent
	as(t, from).do(http.MethodPost, "/v1/messages", msg).expect(http.StatusCreated).into(&s)
	if s.ID == "" || s.ThreadID == "" {
		t.Fatalf("send from %s: incomplete answer %+v", from, s)
	}
	return s
}

// mailbox reads one page of a mailbox; path is /v1/inbox or /v1/sent with any query.
func mailbox(t testing.TB, who, path string) mailPage {
	t.Helper()
	var p mailPage
	as(t, who).get(path).expect(http.StatusOK).into(&p)
	return p
}

// mailboxAll pages through a mailbox limit entries at a time and returns every entry in order.
func mailboxAll(t testing.TB, who, path string, limit int) []mailItem {
	t.Helper()
	base, err := url.Parse(path)
	if err != nil {
		t.Fatal(err)
	}
	var all []mailItem
	cursor := ""
	for pages := 0; ; pages++ {
		if pages > 100 {
			t.Fatal("paging does not end")
		}
		q := base.Query()
		q.Set("limit", fmt.Sprint(limit))
		if cursor != "" {
			q.Set("cursor", cursor)
		}
		p := mailbox(t, who, base.Path+"?"+q.Encode())
		if len(p.Items) > limit {
			t.Fatalf("%s: page of %d items, limit %d", path, len(p.Items), limit)
		}
		all = append(all, p.Items...)
		if p.NextCursor == "" {
			return all
		}
		if len(p.Items) != limit {
			t.Fatalf("%s: a page of %d items before the last, want %d", path, len(p.Items), limit)
		}
		cursor = p.NextCursor
	}
}

// readMail reads one message as a member.
func readMail(t testing.TB, who, id string) mailMessage {
	t.Helper()
	var m mailMessage
	as(t, who).get("/v1/messages/" + id).expect(http.StatusOK).into(&m)
	return m
}

// mailEntryIDs lists the ids of mailbox entries, in order.
func mailEntryIDs(items []mailItem) []string {
	out := make([]string, len(items))
	for i, it := range items {
		out[i] = it.ID
	}
	return out
}

// findMail returns the entry with the given id, or fails.
func findMail(t testing.TB, items []mailItem, id string) mailItem {
	t.Helper()
	for _, it := range items {
		if it.ID == id {
			return it
		}
	}
	t.Fatalf("message %s not in %v", id, mailEntryIDs(items))
	return mailItem{}
}

// mailStatus and mailDegree make the pointers optional fields want.
func mailStatus(s string) *string { return &s }

func mailDegree(n int) *int { return &n }

// checkRecent fails unless at is within a minute of the store's clock.
func checkRecent(t testing.TB, what string, at time.Time) {
	t.Helper()
	if d := env.clock.now().Sub(at).Abs(); d > time.Minute {
		t.Errorf("%s: sentAt %v is %v away from the store's clock %v", what, at, d, env.clock.now())
	}
}

func TestInboxPreview(t *testing.T) {
	id := ids(t)
	mailMember(t, id("jane"), "Jane Smith", map[string]any{"headline": "Recruiter", "inmailCredits": 10})
	for _, n := range []string{"r79", "r80", "r81", "r100", "cat"} {
		member(t, id(n), "Recipient "+strings.ToUpper(n))
	}
	connect(t, id("jane"), id("cat"))

	// Bodies of multi-byte characters: "é" is 2 bytes, "😀" 4, so a cut by bytes would differ.
	body := func(n int) string {
		pattern := []rune("é😀ab")
		out := make([]rune, n)
		for i := range out {
			out[i] = pattern[i%len(pattern)]
		}
		return string(out)
	}
	sent := map[string]mailSent{}
	for _, tc := range []struct {
		name      string
		length    int
		recipient string
		want      string
	}{
		{"InMailLongerThan80IsCut", 100, "r100", "InMail from Jane Smith: " + body(80) + "…"},
		{"InMailOf81IsCut", 81, "r81", "InMail from Jane Smith: " + body(80) + "…"},
		{"InMailOfExactly80IsWhole", 80, "r80", "InMail from Jane Smith: " + body(80)},
		{"InMailOf79IsWhole", 79, "r79", "InMail from Jane Smith: " + body(79)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := sendMail(t, id("jane"), map[string]any{"to": id(tc.recipient), "subject": "Role", "body": body(tc.length)})
			if s.Kind != "inmail" {
				t.Fatalf("sent as %q, want inmail", s.Kind)
			}
			sent[tc.recipient] = s
			p := mailbox(t, id(tc.recipient), "/v1/inbox")
			if len(p.Items) != 1 {
				t.Fatalf("inbox has %d items, want 1", len(p.Items))
			}
			if got := p.Items[0].Preview; got != tc.want {
				t.Errorf("preview\n got %q\nwant %q", got, tc.want)
			}
			// The whole body is kept; only the preview is cut.
			if m := readMail(t, id(tc.recipient), s.ID); m.Body != body(tc.length) {
				t.Errorf("body %q, want %q", m.Body, body(tc.length))
			}
		})
	}
	t.Run("MessageFromConnection", func(t *testing.T) {
		s := sendMail(t, id("jane"), map[string]any{"to": id("cat"), "body": "Lunch on Friday? " + body(90)})
		if s.Kind != "message" {
			t.Fatalf("sent as %q, want message", s.Kind)
		}
		sent["cat"] = s
		p := mailbox(t, id("cat"), "/v1/inbox")
		want := "Message from Jane Smith: " + string([]rune("Lunch on Friday? " + body(90))[:80]) + "…"
		if len(p.Items) != 1 || p.Items[0].Preview != want {
			t.Fatalf("inbox %+v, want one item with preview %q", p.Items, want)
		}
		short := sendMail(t, id("jane"), map[string]any{"to": id("cat"), "body": "Or Saturday 😀"})
		p = mailbox(t, id("cat"), "/v1/inbox?limit=1")
		if len(p.Items) != 1 || p.Items[0].ID != short.ID || p.Items[0].Preview != "Message from Jane Smith: Or Saturday 😀" {
			t.Fatalf("newest inbox item %+v, want %s with preview %q", p.Items, short.ID, "Message from Jane Smith: Or Saturday 😀")
		}
	})
	t.Run("SentBox", func(t *testing.T) {
		items := mailboxAll(t, id("jane"), "/v1/sent", 20)
		for _, tc := range []struct{ recipient, want string }{
			{"r100", "InMail to Recipient R100: " + body(80) + "…"},
			{"r80", "InMail to Recipient R80: " + body(80)},
			{"cat", "Message to Recipient CAT: " + string([]rune("Lunch on Friday? " + body(90))[:80]) + "…"},
		} {
			s, ok := sent[tc.recipient]
			if !ok {
				t.Fatalf("nothing was sent to %s", tc.recipient)
			}
			if got := findMail(t, items, s.ID).Preview; got != tc.want {
				t.Errorf("sent box preview\n got %q\nwant %q", got, tc.want)
			}
		}
	})
}

func TestInboxItems(t *testing.T) {
	id := ids(t)
	// me - first - second - third; outsider is connected to nobody.
	mailMember(t, id("me"), "Mia Me", map[string]any{"headline": "Engineer"})
	mailMember(t, id("first"), "Fay First", map[string]any{"headline": "Colleague"})
	mailMember(t, id("second"), "Sam Second", map[string]any{"headline": "Hiring Manager", "inmailCredits": 1})
	mailMember(t, id("third"), "Tia Third", map[string]any{"headline": "Founder", "inmailCredits": 1})
	mailMember(t, id("outsider"), "Oz Outsider", map[string]any{"headline": "Sales", "inmailCredits": 2})
	connect(t, id("me"), id("first"))
	connect(t, id("first"), id("second"))
	connect(t, id("second"), id("third"))

	attachments := []mailAttachment{
		{Name: "job.pdf", ContentType: "application/pdf", Size: 48213, URL: "https://files.example.com/job.pdf"},
		{Name: "team photo.jpg", ContentType: "image/jpeg", Size: 0, URL: "http://cdn.example.org/a/b.jpg?x=1"},
		{Name: "Lebenslauf-Vorlage.docx", ContentType: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
			Size: 1 << 20, URL: "https://files.example.com/cv"},
	}
	fromFirst := sendMail(t, id("first"), map[string]any{"to": id("me"), "subject": "Lunch?", "body": "Free on Friday?"})
	fromSecond := sendMail(t, id("second"), map[string]any{"to": id("me"), "subject": "Opportunity",
		"body": "We are hiring.", "attachments": attachments})
	fromThird := sendMail(t, id("third"), map[string]any{"to": id("me"), "subject": "Hello", "body": "Coffee?"})
	fromOutsider := sendMail(t, id("outsider"), map[string]any{"to": id("me"), "body": "Great deal for you"})
	for _, s := range []mailSent{fromSecond, fromThird, fromOutsider} {
		if s.Kind != "inmail" || s.Cost != 1 {
			t.Fatalf("send %+v, want an InMail costing 1", s)
		}
	}
	if fromFirst.Kind != "message" || fromFirst.Cost != 0 {
		t.Fatalf("send %+v, want a message costing 0", fromFirst)
	}

	inbox := mailbox(t, id("me"), "/v1/inbox")
	t.Run("NewestFirstWithFields", func(t *testing.T) {
		want := []mailItem{
			{ID: fromOutsider.ID, ThreadID: fromOutsider.ThreadID, Kind: "inmail", Icon: "inmail",
				Preview: "InMail from Oz Outsider: Great deal for you", Status: mailStatus("pending"),
				From: &mailCounterpart{ID: id("outsider"), Name: "Oz Outsider", Headline: "Sales", Label: "out_of_network"}},
			{ID: fromThird.ID, ThreadID: fromThird.ThreadID, Kind: "inmail", Icon: "inmail", Subject: "Hello",
				Preview: "InMail from Tia Third: Coffee?", Status: mailStatus("pending"),
				From: &mailCounterpart{ID: id("third"), Name: "Tia Third", Headline: "Founder", Degree: mailDegree(3), Label: "3rd"}},
			{ID: fromSecond.ID, ThreadID: fromSecond.ThreadID, Kind: "inmail", Icon: "inmail", Subject: "Opportunity",
				Preview: "InMail from Sam Second: We are hiring.", Status: mailStatus("pending"), AttachmentCount: 3,
				From: &mailCounterpart{ID: id("second"), Name: "Sam Second", Headline: "Hiring Manager", Degree: mailDegree(2), Label: "2nd"}},
			{ID: fromFirst.ID, ThreadID: fromFirst.ThreadID, Kind: "message", Icon: "message", Subject: "Lunch?",
				Preview: "Message from Fay First: Free on Friday?",
				From:    &mailCounterpart{ID: id("first"), Name: "Fay First", Headline: "Colleague", Degree: mailDegree(1), Label: "1st", Connected: true}},
		}
		got := append([]mailItem(nil), inbox.Items...)
		for i := range got {
			checkRecent(t, got[i].ID, got[i].SentAt)
			if i > 0 && got[i].SentAt.After(got[i-1].SentAt) {
				t.Errorf("item %d sent at %v, after the one before it (%v)", i, got[i].SentAt, got[i-1].SentAt)
			}
		}
		for i := range got {
			got[i].SentAt = time.Time{}
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("inbox (-want +got):\n%s", diff)
		}
		if inbox.NextCursor != "" {
			t.Errorf("nextCursor %q on the only page", inbox.NextCursor)
		}
	})
	t.Run("PlainMessageStatusIsNull", func(t *testing.T) {
		var raw struct{ Items []map[string]json.RawMessage }
		as(t, id("me")).get("/v1/inbox?kind=message").expect(http.StatusOK).into(&raw)
		if len(raw.Items) != 1 {
			t.Fatalf("%d plain messages, want 1", len(raw.Items))
		}
		if s, ok := raw.Items[0]["status"]; !ok || string(s) != "null" {
			t.Errorf("status %s (present %v), want null", s, ok)
		}
		if _, ok := raw.Items[0]["to"]; ok {
			t.Errorf("an inbox item has a to: %v", raw.Items[0])
		}
	})
	t.Run("AttachmentsKeptIntact", func(t *testing.T) {
		m := readMail(t, id("me"), fromSecond.ID)
		if diff := cmp.Diff(attachments, m.Attachments); diff != "" {
			t.Errorf("attachments (-want +got):\n%s", diff)
		}
		want := mailMessage{ID: fromSecond.ID, ThreadID: fromSecond.ThreadID, Kind: "inmail", Icon: "inmail",
			Subject: "Opportunity", Body: "We are hiring.", Attachments: attachments,
			From:   summary{ID: id("second"), Name: "Sam Second", Headline: "Hiring Manager"},
			To:     summary{ID: id("me"), Name: "Mia Me", Headline: "Engineer"},
			SentAt: findMail(t, inbox.Items, fromSecond.ID).SentAt, Read: true, Status: mailStatus("pending")}
		if diff := cmp.Diff(want, m); diff != "" {
			t.Errorf("GET /v1/messages/%s (-want +got):\n%s", fromSecond.ID, diff)
		}
		if m := readMail(t, id("second"), fromSecond.ID); len(m.Attachments) != 3 {
			t.Errorf("the sender sees %d attachments, want 3", len(m.Attachments))
		}
		sent := mailbox(t, id("second"), "/v1/sent")
		if len(sent.Items) != 1 || sent.Items[0].AttachmentCount != 3 {
			t.Errorf("sent box %+v, want one item with 3 attachments", sent.Items)
		}
		if m := readMail(t, id("me"), fromFirst.ID); m.Attachments == nil || len(m.Attachments) != 0 {
			t.Errorf("attachments %v of a message without any, want []", m.Attachments)
		}
	})
	t.Run("SentBoxShowsRecipient", func(t *testing.T) {
		sent := mailbox(t, id("second"), "/v1/sent")
		if len(sent.Items) != 1 {
			t.Fatalf("sent box %+v, want one item", sent.Items)
		}
		it := sent.Items[0]
		want := &mailCounterpart{ID: id("me"), Name: "Mia Me", Headline: "Engineer", Degree: mailDegree(2), Label: "2nd"}
		if diff := cmp.Diff(want, it.To); diff != "" || it.From != nil {
			t.Errorf("sent item to (-want +got):\n%s\nfrom %+v", diff, it.From)
		}
		if it.ID != fromSecond.ID || it.Kind != "inmail" || it.Icon != "inmail" || it.Subject != "Opportunity" ||
			it.Status == nil || *it.Status != "pending" || it.Preview != "InMail to Mia Me: We are hiring." {
			t.Errorf("sent item %+v", it)
		}
	})
	t.Run("StatusRepliedAfterAnswer", func(t *testing.T) {
		reply := sendMail(t, id("me"), map[string]any{"to": id("second"), "body": "Tell me more"})
		if reply.Kind != "message" || reply.Cost != 0 || reply.ThreadID != fromSecond.ThreadID {
			t.Fatalf("reply %+v, want a free message in thread %s", reply, fromSecond.ThreadID)
		}
		it := findMail(t, mailbox(t, id("me"), "/v1/inbox").Items, fromSecond.ID)
		if it.Status == nil || *it.Status != "replied" {
			t.Errorf("inbox status %v, want replied", statusText(it.Status))
		}
		it = findMail(t, mailbox(t, id("second"), "/v1/sent").Items, fromSecond.ID)
		if it.Status == nil || *it.Status != "replied" {
			t.Errorf("sent box status %v, want replied", statusText(it.Status))
		}
		// The reply itself is a plain message in second's inbox.
		in := findMail(t, mailbox(t, id("second"), "/v1/inbox").Items, reply.ID)
		if in.Kind != "message" || in.Icon != "message" || in.Status != nil || in.Preview != "Message from Mia Me: Tell me more" {
			t.Errorf("reply in the inbox: %+v", in)
		}
	})
	t.Run("StatusDeclinedAfterDecline", func(t *testing.T) {
		as(t, id("me")).do(http.MethodPost, "/v1/messages/"+fromOutsider.ID+"/decline", nil).expect(http.StatusOK)
		it := findMail(t, mailbox(t, id("me"), "/v1/inbox").Items, fromOutsider.ID)
		if it.Status == nil || *it.Status != "declined" {
			t.Errorf("inbox status %v, want declined", statusText(it.Status))
		}
		it = findMail(t, mailbox(t, id("outsider"), "/v1/sent").Items, fromOutsider.ID)
		if it.Status == nil || *it.Status != "declined" {
			t.Errorf("sent box status %v, want declined", statusText(it.Status))
		}
		if it := findMail(t, mailbox(t, id("me"), "/v1/inbox").Items, fromThird.ID); it.Status == nil || *it.Status != "pending" {
			t.Errorf("an unanswered InMail is %v, want pending", statusText(it.Status))
		}
	})
}

// statusText shows an optional status in a failure message.
func statusText(p *string) any {
	if p == nil {
		return nil
	}
	return *p
}

func TestInboxPagingAndFilters(t *testing.T) {
	id := ids(t)
	member(t, id("star"), "Star")
	// 12 messages to star, alternating InMails from strangers and messages from connections.
	var all, inmails, messages []string
	for i := range 12 {
		from := id(fmt.Sprintf("s%02d", i))
		if i%3 == 0 {
			member(t, from, "Friend")
			connect(t, from, id("star"))
		} else {
			mailMember(t, from, "Stranger", map[string]any{"inmailCredits": 1})
		}
		s := sendMail(t, from, map[string]any{"to": id("star"), "body": fmt.Sprintf("Message number %d", i)})
		all = append([]string{s.ID}, all...)
		if s.Kind == "inmail" {
			inmails = append([]string{s.ID}, inmails...)
		} else {
			messages = append([]string{s.ID}, messages...)
		}
	}
	if len(inmails) != 8 || len(messages) != 4 {
		t.Fatalf("%d InMails and %d messages sent, want 8 and 4", len(inmails), len(messages))
	}

	for _, limit := range []int{1, 5, 12, 100} {
		t.Run(fmt.Sprintf("Limit%dVisitsEachOnceNewestFirst", limit), func(t *testing.T) {
			if diff := cmp.Diff(all, mailEntryIDs(mailboxAll(t, id("star"), "/v1/inbox", limit))); diff != "" {
				t.Errorf("inbox (-want +got):\n%s", diff)
			}
		})
	}
	t.Run("KindInMail", func(t *testing.T) {
		items := mailboxAll(t, id("star"), "/v1/inbox?kind=inmail", 3)
		if diff := cmp.Diff(inmails, mailEntryIDs(items)); diff != "" {
			t.Errorf("kind=inmail (-want +got):\n%s", diff)
		}
	})
	t.Run("KindMessage", func(t *testing.T) {
		items := mailboxAll(t, id("star"), "/v1/inbox?kind=message", 3)
		if diff := cmp.Diff(messages, mailEntryIDs(items)); diff != "" {
			t.Errorf("kind=message (-want +got):\n%s", diff)
		}
	})
	t.Run("UnreadOnly", func(t *testing.T) {
		// Read one InMail and one message; unread=true leaves exactly those out.
		readMail(t, id("star"), inmails[2])
		readMail(t, id("star"), messages[1])
		var want []string
		for _, m := range all {
			if m != inmails[2] && m != messages[1] {
				want = append(want, m)
			}
		}
		if diff := cmp.Diff(want, mailEntryIDs(mailboxAll(t, id("star"), "/v1/inbox?unread=true", 4))); diff != "" {
			t.Errorf("unread=true (-want +got):\n%s", diff)
		}
		if diff := cmp.Diff(all, mailEntryIDs(mailboxAll(t, id("star"), "/v1/inbox?unread=false", 4))); diff != "" {
			t.Errorf("unread=false (-want +got):\n%s", diff)
		}
		unreadInMails := mailboxAll(t, id("star"), "/v1/inbox?kind=inmail&unread=true", 4)
		if want := append(append([]string(nil), inmails[:2]...), inmails[3:]...); !cmp.Equal(want, mailEntryIDs(unreadInMails)) {
			t.Errorf("kind=inmail&unread=true: %v, want %v", mailEntryIDs(unreadInMails), want)
		}
		for _, it := range mailboxAll(t, id("star"), "/v1/inbox", 100) {
			if want := it.ID == inmails[2] || it.ID == messages[1]; it.Read != want {
				t.Errorf("message %s read %v, want %v", it.ID, it.Read, want)
			}
		}
	})
	t.Run("SentBoxPaging", func(t *testing.T) {
		mailMember(t, id("writer"), "Writer", map[string]any{"inmailCredits": 6})
		var sent []string
		for i := range 9 {
			to := id(fmt.Sprintf("w%d", i))
			member(t, to, "Reader")
			if i%3 == 0 {
				connect(t, id("writer"), to)
			}
			s := sendMail(t, id("writer"), map[string]any{"to": to, "body": fmt.Sprintf("Hello reader %d", i)})
			sent = append([]string{s.ID}, sent...)
		}
		if diff := cmp.Diff(sent, mailEntryIDs(mailboxAll(t, id("writer"), "/v1/sent", 4))); diff != "" {
			t.Errorf("sent box (-want +got):\n%s", diff)
		}
		if got := mailboxAll(t, id("writer"), "/v1/sent?kind=message", 2); len(got) != 3 {
			t.Errorf("sent box kind=message: %d items, want 3", len(got))
		}
		if got := mailbox(t, id("writer"), "/v1/inbox"); len(got.Items) != 0 {
			t.Errorf("the writer's inbox: %+v, want empty", got.Items)
		}
	})
	t.Run("NewMessageBetweenPagesNotListedTwice", func(t *testing.T) {
		first := mailbox(t, id("star"), "/v1/inbox?limit=5")
		if first.NextCursor == "" {
			t.Fatal("no cursor after the first page of 5")
		}
		late := sendMail(t, id("s00"), map[string]any{"to": id("star"), "body": "A late message"})
		got := mailEntryIDs(first.Items)
		for cursor := first.NextCursor; cursor != ""; {
			p := mailbox(t, id("star"), "/v1/inbox?limit=5&cursor="+url.QueryEscape(cursor))
			got = append(got, mailEntryIDs(p.Items)...)
			cursor = p.NextCursor
		}
		if diff := cmp.Diff(all, got); diff != "" {
			t.Errorf("paging while a message arrives (-want +got):\n%s", diff)
		}
		if p := mailbox(t, id("star"), "/v1/inbox?limit=1"); len(p.Items) != 1 || p.Items[0].ID != late.ID {
			t.Errorf("first page %v, want the late message %s", mailEntryIDs(p.Items), late.ID)
		}
	})
	t.Run("BadInput", func(t *testing.T) {
		c := as(t, id("star"))
		for _, box := range []string{"/v1/inbox", "/v1/sent"} {
			for _, tc := range []struct{ query, field string }{
				{"kind=email", "kind"},
				{"kind=INMAIL", "kind"},
				{"unread=yes", "unread"},
				{"unread=1", "unread"},
				{"limit=0", "limit"},
				{"limit=101", "limit"},
				{"limit=ten", "limit"},
				{"cursor=not-a-cursor", "cursor"},
				{"cursor=eyJ4IjoxfQ", "cursor"},
			} {
				if p := c.get(box + "?" + tc.query).expectProblem(http.StatusBadRequest); p.Field != tc.field {
					t.Errorf("%s?%s: field %q, want %q", box, tc.query, p.Field, tc.field)
				}
			}
		}
	})
}

func TestMailboxReadMessage(t *testing.T) {
	id := ids(t)
	mailMember(t, id("jane"), "Jane Smith", map[string]any{"inmailCredits": 1})
	member(t, id("me"), "Me")
	member(t, id("other"), "Other")
	s := sendMail(t, id("jane"), map[string]any{"to": id("me"), "subject": "Hi", "body": "Are you open to a chat?"})

	t.Run("SenderReadsWithoutMarkingRead", func(t *testing.T) {
		m := readMail(t, id("jane"), s.ID)
		if m.ID != s.ID || m.Body != "Are you open to a chat?" || m.From.ID != id("jane") || m.To.ID != id("me") || m.Read {
			t.Fatalf("sender reads %+v", m)
		}
		if it := findMail(t, mailbox(t, id("me"), "/v1/inbox").Items, s.ID); it.Read {
			t.Error("the sender reading the message marked it read")
		}
		if got := mailbox(t, id("me"), "/v1/inbox?unread=true").Items; len(got) != 1 {
			t.Errorf("unread inbox %v, want the message", mailEntryIDs(got))
		}
	})
	t.Run("ThirdMemberNotFound", func(t *testing.T) {
		as(t, id("other")).get("/v1/messages/" + s.ID).expectProblem(http.StatusNotFound)
		if it := findMail(t, mailbox(t, id("me"), "/v1/inbox").Items, s.ID); it.Read {
			t.Error("a third member's attempt marked the message read")
		}
	})
	t.Run("UnknownNotFound", func(t *testing.T) {
		as(t, id("me")).get("/v1/messages/UNKNOWNMESSAGE1").expectProblem(http.StatusNotFound)
	})
	t.Run("RecipientReadingMarksRead", func(t *testing.T) {
		m := readMail(t, id("me"), s.ID)
		if !m.Read || m.ID != s.ID || m.Kind != "inmail" || m.Subject != "Hi" {
			t.Fatalf("recipient reads %+v, want it read", m)
		}
		if it := findMail(t, mailbox(t, id("me"), "/v1/inbox").Items, s.ID); !it.Read {
			t.Error("inbox shows the message unread after the recipient read it")
		}
		if got := mailbox(t, id("me"), "/v1/inbox?unread=true").Items; len(got) != 0 {
			t.Errorf("unread inbox %v, want empty", mailEntryIDs(got))
		}
		if m := readMail(t, id("me"), s.ID); !m.Read {
			t.Error("read again, the message is unread")
		}
	})
}

func TestThread(t *testing.T) {
	id := ids(t)
	mailMember(t, id("ann"), "Ann", map[string]any{"inmailCredits": 2})
	member(t, id("bob"), "Bob")
	member(t, id("cy"), "Cy")
	member(t, id("eve"), "Eve")

	first := sendMail(t, id("ann"), map[string]any{"to": id("bob"), "subject": "Role", "body": "One"})
	second := sendMail(t, id("bob"), map[string]any{"to": id("ann"), "body": "Two"})
	third := sendMail(t, id("ann"), map[string]any{"to": id("bob"), "body": "Three"})
	fourth := sendMail(t, id("bob"), map[string]any{"to": id("ann"), "body": "Four"})
	fifth := sendMail(t, id("ann"), map[string]any{"to": id("bob"), "body": "Five"})
	toCy := sendMail(t, id("ann"), map[string]any{"to": id("cy"), "body": "Different pair"})
	want := []string{first.ID, second.ID, third.ID, fourth.ID, fifth.ID}

	t.Run("OnePerPair", func(t *testing.T) {
		for _, s := range []mailSent{second, third, fourth, fifth} {
			if s.ThreadID != first.ThreadID {
				t.Errorf("message %s in thread %s, want %s", s.ID, s.ThreadID, first.ThreadID)
			}
		}
		if second.Kind != "message" || second.Cost != 0 || third.Kind != "message" || third.Cost != 0 {
			t.Errorf("replies %+v and %+v, want free messages", second, third)
		}
		if toCy.ThreadID == first.ThreadID {
			t.Error("two pairs share a thread")
		}
	})
	for _, who := range []string{"ann", "bob"} {
		t.Run("OldestFirstFor"+strings.ToUpper(who[:1])+who[1:], func(t *testing.T) {
			var p mailThreadPage
			as(t, id(who)).get("/v1/threads/" + first.ThreadID).expect(http.StatusOK).into(&p)
			got := make([]string, len(p.Items))
			for i, m := range p.Items {
				got[i] = m.ID
				if m.ThreadID != first.ThreadID {
					t.Errorf("message %s has thread %s", m.ID, m.ThreadID)
				}
				if i > 0 && m.SentAt.Before(p.Items[i-1].SentAt) {
					t.Errorf("message %d sent at %v, before the one before it", i, m.SentAt)
				}
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Fatalf("thread (-want +got):\n%s", diff)
			}
			if p.NextCursor != "" {
				t.Errorf("nextCursor %q on the only page", p.NextCursor)
			}
			head := p.Items[0]
			if head.Kind != "inmail" || head.Subject != "Role" || head.Body != "One" || head.From.ID != id("ann") ||
				head.From.Name != "Ann" || head.To.ID != id("bob") || head.Status == nil || *head.Status != "replied" {
				t.Errorf("first message %+v", head)
			}
			if r := p.Items[1]; r.Kind != "message" || r.Body != "Two" || r.From.ID != id("bob") || r.To.ID != id("ann") || r.Status != nil {
				t.Errorf("reply %+v", r)
			}
		})
	}
	t.Run("Paging", func(t *testing.T) {
		for _, limit := range []int{1, 2, 5} {
			var got []string
			cursor := ""
			for pages := 0; ; pages++ {
				if pages > 10 {
					t.Fatal("paging does not end")
				}
				path := fmt.Sprintf("/v1/threads/%s?limit=%d", first.ThreadID, limit)
				if cursor != "" {
					path += "&cursor=" + url.QueryEscape(cursor)
				}
				var p mailThreadPage
				as(t, id("bob")).get(path).expect(http.StatusOK).into(&p)
				if len(p.Items) > limit {
					t.Fatalf("page of %d, limit %d", len(p.Items), limit)
				}
				for _, m := range p.Items {
					got = append(got, m.ID)
				}
				if p.NextCursor == "" {
					break
				}
				cursor = p.NextCursor
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("limit %d (-want +got):\n%s", limit, diff)
			}
		}
	})
	t.Run("ThirdMemberNotFound", func(t *testing.T) {
		as(t, id("eve")).get("/v1/threads/" + first.ThreadID).expectProblem(http.StatusNotFound)
		as(t, id("cy")).get("/v1/threads/" + first.ThreadID).expectProblem(http.StatusNotFound)
	})
	t.Run("ThirdMemberWithCursorNotFound", func(t *testing.T) {
		var p mailThreadPage
		as(t, id("ann")).get("/v1/threads/" + first.ThreadID + "?limit=2").expect(http.StatusOK).into(&p)
		if p.NextCursor == "" {
			t.Fatal("no cursor after the first page of 2")
		}
		as(t, id("eve")).get("/v1/threads/" + first.ThreadID + "?limit=2&cursor=" + url.QueryEscape(p.NextCursor)).
			expectProblem(http.StatusNotFound)
	})
	t.Run("UnknownNotFound", func(t *testing.T) {
		as(t, id("ann")).get("/v1/threads/th_UNKNOWNTHREAD").expectProblem(http.StatusNotFound)
	})
	t.Run("BadInput", func(t *testing.T) {
		c := as(t, id("ann"))
		for _, tc := range []struct{ query, field string }{
			{"limit=0", "limit"}, {"limit=101", "limit"}, {"cursor=not-a-cursor", "cursor"},
		} {
			if p := c.get("/v1/threads/" + first.ThreadID + "?" + tc.query).expectProblem(http.StatusBadRequest); p.Field != tc.field {
				t.Errorf("%s: field %q, want %q", tc.query, p.Field, tc.field)
			}
		}
	})
}

func TestMailboxDeleteMessage(t *testing.T) {
	id := ids(t)
	mailMember(t, id("jane"), "Jane", map[string]any{"inmailCredits": 1})
	member(t, id("me"), "Me")
	member(t, id("other"), "Other")
	inmail := sendMail(t, id("jane"), map[string]any{"to": id("me"), "body": "Hello there"})
	reply := sendMail(t, id("me"), map[string]any{"to": id("jane"), "body": "Hi Jane"})

	threadIDs := func(t *testing.T, who string) []string {
		var p mailThreadPage
		as(t, id(who)).get("/v1/threads/" + inmail.ThreadID).expect(http.StatusOK).into(&p)
		out := make([]string, len(p.Items))
		for i, m := range p.Items {
			out[i] = m.ID
		}
		return out
	}

	t.Run("ThirdMemberNotFound", func(t *testing.T) {
		as(t, id("other")).do(http.MethodDelete, "/v1/messages/"+inmail.ID, nil).expectProblem(http.StatusNotFound)
		readMail(t, id("me"), inmail.ID)
		readMail(t, id("jane"), inmail.ID)
	})
	t.Run("RecipientDeletesOwnCopy", func(t *testing.T) {
		as(t, id("me")).do(http.MethodDelete, "/v1/messages/"+inmail.ID, nil).expect(http.StatusNoContent)
		if got := mailEntryIDs(mailbox(t, id("me"), "/v1/inbox").Items); len(got) != 0 {
			t.Errorf("recipient's inbox %v, want empty", got)
		}
		as(t, id("me")).get("/v1/messages/" + inmail.ID).expectProblem(http.StatusNotFound)
		if got := threadIDs(t, "me"); !cmp.Equal(got, []string{reply.ID}) {
			t.Errorf("recipient's thread %v, want only the reply %s", got, reply.ID)
		}
		// The sender keeps it.
		if got := mailEntryIDs(mailbox(t, id("jane"), "/v1/sent").Items); !cmp.Equal(got, []string{inmail.ID}) {
			t.Errorf("sender's sent box %v, want %s", got, inmail.ID)
		}
		if m := readMail(t, id("jane"), inmail.ID); m.Body != "Hello there" {
			t.Errorf("sender reads %+v", m)
		}
		if got := threadIDs(t, "jane"); !cmp.Equal(got, []string{inmail.ID, reply.ID}) {
			t.Errorf("sender's thread %v, want both messages", got)
		}
	})
	t.Run("SenderDeletesOwnCopy", func(t *testing.T) {
		// me sent the reply; deleting it leaves jane's inbox copy alone.
		as(t, id("me")).do(http.MethodDelete, "/v1/messages/"+reply.ID, nil).expect(http.StatusNoContent)
		if got := mailEntryIDs(mailbox(t, id("me"), "/v1/sent").Items); len(got) != 0 {
			t.Errorf("sender's sent box %v, want empty", got)
		}
		as(t, id("me")).get("/v1/messages/" + reply.ID).expectProblem(http.StatusNotFound)
		if got := mailEntryIDs(mailbox(t, id("jane"), "/v1/inbox").Items); !cmp.Equal(got, []string{reply.ID}) {
			t.Errorf("recipient's inbox %v, want %s", got, reply.ID)
		}
		readMail(t, id("jane"), reply.ID)
	})
	t.Run("UnknownNotFound", func(t *testing.T) {
		as(t, id("me")).do(http.MethodDelete, "/v1/messages/UNKNOWNMESSAGE1", nil).expectProblem(http.StatusNotFound)
	})
}

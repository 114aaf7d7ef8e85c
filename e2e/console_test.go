package e2e

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// inboxEntry is what GET /v1/inbox answers for one entry, as far as these tests look.
type inboxEntry struct {
	ID      string `json:"id"`
	Preview string `json:"preview"`
	From    struct {
		ID string `json:"id"`
	} `json:"from"`
}

// inboxOf reads member's inbox through the API, to compare the console with it.
func inboxOf(t *testing.T, member string) []inboxEntry {
	t.Helper()
	var page struct{ Items []inboxEntry }
	as(t, member).Get("/v1/inbox").Expect(http.StatusOK).Into(&page)
	return page.Items
}

// row is the selector of the inbox row of a message.
func row(id string) string { return `#inbox-list a[data-message="` + id + `"]` }

// TestInMailInInbox checks Jane's inbox: Maria's InMail with its icon, the preview exactly as the
// API gives it, Maria's degree, the unread state, and the filters; then Jane opens it and replies.
func TestInMailInInbox(t *testing.T) {
	items := inboxOf(t, "jane")
	i := slices.IndexFunc(items, func(e inboxEntry) bool { return e.From.ID == "maria" })
	if i < 0 {
		t.Fatalf("the demo network's InMail from Maria is not in Jane's inbox: %+v", items)
	}
	inmail := items[i]
	p := newPage(t, desktop)
	p.actAs("jane")
	p.open("#/inbox", row(inmail.ID))
	if got := p.text(row(inmail.ID) + " .preview"); got != inmail.Preview {
		t.Errorf("preview %q, want the API's %q", got, inmail.Preview)
	}
	if !strings.HasPrefix(inmail.Preview, "InMail from Maria Garcia: ") {
		t.Errorf("the API's preview %q does not introduce the InMail", inmail.Preview)
	}
	if !eval[bool](p, `!!document.querySelector(`+js(row(inmail.ID)+` svg[data-icon="inmail"]`)+`)`) {
		t.Error("the row has no InMail icon")
	}
	if got := p.text(row(inmail.ID) + " [data-degree]"); got != "2nd" {
		t.Errorf("Maria's badge %q, want 2nd", got)
	}
	if !eval[bool](p, `document.querySelector(`+js(row(inmail.ID))+`).classList.contains("unread")`) {
		t.Error("the unread InMail is not shown unread")
	}
	p.shot("inbox")

	p.do(chromedp.Click(chromedp.CSS(`button[data-filter="message"]`)))
	p.waitFor("the messages filter", `!document.querySelector(`+js(row(inmail.ID))+`) && document.querySelector('button[data-filter="message"]').getAttribute("aria-pressed") === "true"`)
	p.do(chromedp.Click(chromedp.CSS(`button[data-filter="inmail"]`)), chromedp.WaitVisible(chromedp.CSS(row(inmail.ID))))
	p.do(chromedp.Click(chromedp.CSS(`button[data-filter="unread"]`)), chromedp.WaitVisible(chromedp.CSS(row(inmail.ID))))

	p.do(chromedp.Click(chromedp.CSS(row(inmail.ID))))
	p.waitFor("the thread", `document.querySelectorAll(".thread .msg").length === 1`)
	p.do(chromedp.Click(chromedp.Search(`//button[text()="Reply"]`)),
		chromedp.SendKeys(chromedp.CSS("#reply-body"), "Thank you Maria, next Tuesday suits me."),
		chromedp.Click(chromedp.Search(`//button[text()="Send reply"]`)))
	p.waitFor("the reply in the thread", `document.querySelectorAll(".thread .msg").length === 2 && document.querySelector(".thread .msg.mine .text").textContent.includes("next Tuesday")`)
	p.shot("thread-reply")
}

// TestConversationBoxes has Jane find Rex's blast in her Other box, not her inbox, move it to the
// inbox (not spam), archive it and bring it back, each from the conversation's row.
func TestConversationBoxes(t *testing.T) {
	p := newPage(t, desktop)
	p.actAs("jane")
	rex := `#inbox-list a[data-from="rex"]`
	p.open("#/inbox", "#inbox-list li")
	if eval[bool](p, `!!document.querySelector(`+js(rex)+`)`) {
		t.Error("Rex's blast is in Jane's inbox")
	}
	p.do(chromedp.Click(chromedp.CSS(`button[data-filter="other"]`)), chromedp.WaitVisible(chromedp.CSS(rex)))
	if got := p.text(rex + " .preview"); !strings.HasPrefix(got, "InMail from Rex Morgan: ") {
		t.Errorf("the Other box's row says %q", got)
	}
	p.shot("other-box")
	p.do(chromedp.Click(chromedp.CSS(`#inbox-list li:has(a[data-from="rex"]) button[data-action="not-spam"]`)))
	p.waitFor("Other emptied", `!document.querySelector(`+js(rex)+`)`)
	p.do(chromedp.Click(chromedp.CSS(`button[data-filter="all"]`)), chromedp.WaitVisible(chromedp.CSS(rex)))
	p.do(chromedp.Click(chromedp.CSS(`#inbox-list li:has(a[data-from="rex"]) button[data-action="archive"]`)))
	p.waitFor("archived", `!document.querySelector(`+js(rex)+`)`)
	p.do(chromedp.Click(chromedp.CSS(`button[data-filter="archived"]`)), chromedp.WaitVisible(chromedp.CSS(rex)))
	p.do(chromedp.Click(chromedp.CSS(`#inbox-list li:has(a[data-from="rex"]) button[data-action="unarchive"]`)))
	p.waitFor("unarchived", `!document.querySelector(`+js(rex)+`)`)
	p.do(chromedp.Click(chromedp.CSS(`button[data-filter="all"]`)), chromedp.WaitVisible(chromedp.CSS(rex)))
}

// TestDeclineInMail has Maria send David an InMail; David sees Maria outside his network, opens
// the InMail and declines it with a note.
func TestDeclineInMail(t *testing.T) {
	s := send(as(t, "maria"), "david", "SRE lead at Globex", "Hi David, would you talk about an SRE lead role?")
	if s.Kind != "inmail" {
		t.Fatalf("Maria's message to David is a %s, want an InMail", s.Kind)
	}
	p := newPage(t, desktop)
	p.actAs("david")
	p.open("#/inbox", row(s.ID))
	if got := p.text(row(s.ID) + " [data-degree]"); got != "Outside your network" {
		t.Errorf("Maria's badge %q, want Outside your network", got)
	}
	p.do(chromedp.Click(chromedp.CSS(row(s.ID))),
		chromedp.Click(chromedp.Search(`//button[text()="Decline"]`)),
		chromedp.SendKeys(chromedp.CSS("#decline-note"), "Happy where I am, thanks."),
		chromedp.Click(chromedp.Search(`//button[text()="Decline InMail"]`)))
	p.waitFor("the InMail declined", `!!document.querySelector(".thread .msg .from")?.textContent.includes("declined")`)
	if eval[bool](p, `!!document.evaluate('//button[text()="Decline"]', document, null, 9, null).singleNodeValue`) {
		t.Error("a declined InMail still offers Decline")
	}
	p.shot("declined")
}

// TestReport has Sofia report a message from Maria for spam.
func TestReport(t *testing.T) {
	s := send(as(t, "maria"), "sofia", "Quick question", "Hi Sofia, buy our recruiting package today!")
	p := newPage(t, desktop)
	p.actAs("sofia")
	p.open("#/message/"+s.ID, ".thread .msg")
	p.do(chromedp.Click(chromedp.Search(`//button[text()="Report"]`)),
		chromedp.SetValue(chromedp.CSS("#report-reason"), "spam"),
		chromedp.Click(chromedp.Search(`//button[text()="Send report"]`)))
	p.waitFor("the report received", `document.getElementById("live").textContent.includes("Report received")`)
	p.shot("reported")
}

// TestBlockHidesMember has Lena block Jane from Jane's InMail: Jane is gone from Lena's search
// and from her inbox.
func TestBlockHidesMember(t *testing.T) {
	s := send(as(t, "jane"), "lena", "Hello", "Hi Lena, I would like to hear about hiring at Hooli.")
	p := newPage(t, desktop)
	p.actAs("lena")
	p.open("#/search?q=Jane", `#results li[data-member="jane"]`)
	if got := p.text(`#results li[data-member="jane"] [data-degree]`); got != "3rd" {
		t.Errorf("Jane's badge in search %q, want 3rd", got)
	}
	p.open("#/inbox", row(s.ID))
	p.do(chromedp.Click(chromedp.CSS(row(s.ID))),
		chromedp.Click(chromedp.Search(`//button[text()="Block"]`)),
		chromedp.Click(chromedp.Search(`//button[text()="Block Jane Smith"]`)))
	p.waitFor("the inbox after the block", `location.hash === "#/inbox" && document.querySelector("#inbox-list li") && !document.querySelector('#inbox-list a[data-from="jane"]')`)
	p.shot("blocked-inbox")
	p.open("#/search?q=Jane", "#results li")
	if eval[bool](p, `!!document.querySelector('#results li[data-member="jane"]')`) {
		t.Error("Jane, blocked, is still found by search")
	}
}

// TestPathAndSharedConnections shows Jane's page of Maria: the chain drawn through a shared
// connection, and the shared connections paged once Emma and Tom know Maria too.
func TestPathAndSharedConnections(t *testing.T) {
	p := newPage(t, desktop)
	p.actAs("jane")
	p.open("#/member/maria", "#path svg")
	if n := eval[int](p, `document.querySelectorAll("#path svg g[data-member]").length`); n != 3 {
		t.Errorf("the chain to Maria has %d people, want 3 (Jane, a shared connection, Maria)", n)
	}
	if got := eval[string](p, `[...document.querySelectorAll("#path svg g[data-member]")].map(g => g.dataset.member).join(" ")`); !strings.HasPrefix(got, "jane ") || !strings.HasSuffix(got, " maria") {
		t.Errorf("the chain is %q, want Jane to Maria", got)
	}
	p.waitFor("the shared connections", `document.querySelectorAll("#mutual li").length === 2`)
	if got := p.text("#mutual-total"); got != "2 shared connections" {
		t.Errorf("shared %q, want 2 shared connections", got)
	}
	p.shot("member-maria")

	for _, who := range []string{"emma", "tom"} {
		var inv struct{ ID string }
		as(t, who).Do(http.MethodPost, "/v1/invitations", map[string]string{"to": "maria"}).Expect(http.StatusCreated).Into(&inv)
		as(t, "maria").Do(http.MethodPost, "/v1/invitations/"+inv.ID+"/accept", nil).Expect(http.StatusOK)
	}
	p.do(chromedp.Reload())
	p.waitFor("a first page of shared connections", `document.querySelectorAll("#mutual li").length === 3 && !!document.querySelector("#mutual [data-more]")`)
	p.do(chromedp.Click(chromedp.CSS("#mutual [data-more]")))
	p.waitFor("the second page", `document.querySelectorAll("#mutual li").length === 4 && !document.querySelector("#mutual [data-more]")`)
}

// TestSettingsShowInMessaging has Omar turn InMail on; Jane's "Can I message them?" about Omar
// changes from no to an InMail.
func TestSettingsShowInMessaging(t *testing.T) {
	p := newPage(t, desktop)
	p.actAs("jane")
	p.open("#/member/omar", "#can-message")
	if got := eval[string](p, `document.getElementById("can-message").dataset.reason`); got != "recipient_inmail_off" {
		t.Fatalf("before: reason %q, want recipient_inmail_off", got)
	}
	before := p.text("#can-message")

	p.actAs("omar")
	p.open("#/settings", "#settings")
	p.do(chromedp.Click(chromedp.CSS("#inmail-anyone")), chromedp.Click(chromedp.Search(`//button[text()="Save settings"]`)))
	p.waitFor("the settings saved", `document.getElementById("settings-status").textContent === "Saved."`)
	p.shot("settings")

	p.actAs("jane")
	p.open("#/member/omar", "#can-message")
	after := p.text("#can-message")
	if got := eval[string](p, `document.getElementById("can-message").dataset.reason`); got != "inmail" || !strings.HasPrefix(after, "Yes, with an InMail") {
		t.Errorf("after Omar turned InMail on: %q (%s), want an InMail; before: %q", after, got, before)
	}
	if !eval[bool](p, `!!document.evaluate('//button[starts-with(text(), "InMail (1 credit)")]', document, null, 9, null).singleNodeValue`) {
		t.Error("no InMail button once InMail is allowed")
	}
	p.shot("member-omar")
}

// TestLiveInMail keeps Yuki's inbox open while Maria sends her an InMail through the API: it
// shows without a reload.
func TestLiveInMail(t *testing.T) {
	p := newPage(t, phone)
	p.actAs("yuki")
	p.open("#/inbox", "#inbox-list li")
	p.waitFor("the event stream", `document.body.dataset.live === "on"`)
	p.do(chromedp.Evaluate[chromedp.Void](`window.__notReloaded = true`))
	s := send(as(t, "maria"), "yuki", "Translation work", "Hi Yuki, we need a Japanese translator for a product launch.")
	p.waitFor("the InMail in the inbox", `!!document.querySelector(`+js(row(s.ID))+`)`)
	if !eval[bool](p, `window.__notReloaded === true`) {
		t.Error("the page reloaded")
	}
	want := "InMail from Maria Garcia: Hi Yuki, we need a Japanese translator for a product launch."
	if got := p.text(row(s.ID) + " .preview"); got != want {
		t.Errorf("preview %q, want %q", got, want)
	}
	if !strings.Contains(p.text("#live"), want) {
		t.Errorf("no notice of the InMail: %q", p.text("#live"))
	}
	p.shot("live-inmail-phone")
}

// TestFormerMember has Zoe write to Yuki and then close her account: Yuki's inbox keeps the
// message, from "Former member" with no degree, and opening it shows the conversation with no
// link to a profile and nothing to do but read.
func TestFormerMember(t *testing.T) {
	zoe := as(t, "zoe")
	s := send(zoe, "yuki", "Leaving", "Hi Yuki, I am closing my account here; write to me by email.")
	zoe.Do(http.MethodDelete, "/v1/me", nil).Expect(http.StatusNoContent)
	p := newPage(t, desktop)
	p.actAs("yuki")
	p.open("#/inbox", row(s.ID))
	want := "Message from Former member: Hi Yuki, I am closing my account here; write to me by email."
	if got := p.text(row(s.ID) + " .preview"); got != want {
		t.Errorf("preview %q, want %q", got, want)
	}
	if got := p.text(row(s.ID) + " [data-former]"); got != "Former member" {
		t.Errorf("the sender's badge %q, want Former member", got)
	}
	p.do(chromedp.Click(chromedp.CSS(row(s.ID))))
	p.waitFor("the thread", `document.querySelectorAll(".thread .msg").length >= 1`)
	if got := p.text(".thread .msg .from"); !strings.Contains(got, "Former member") {
		t.Errorf("the message's sender %q, want Former member", got)
	}
	if eval[bool](p, `!!document.querySelector('main a[href^="#/member/"]') || !!document.evaluate('//button[text()="Reply"]', document, null, 9, null).singleNodeValue`) {
		t.Error("a message from a former member links to a profile or offers a reply")
	}
	p.shot("former-member")
}

// requestEntry is what GET /v1/inbox?box=requests answers for one message request.
type requestEntry struct {
	inboxEntry
	Kind string `json:"kind"`
	Via  *struct {
		Kind, ID, Name string
	} `json:"via"`
}

// requestsOf reads member's requests box through the API.
func requestsOf(t *testing.T, member string) []requestEntry {
	t.Helper()
	var page struct{ Items []requestEntry }
	as(t, member).Get("/v1/inbox?box=requests").Expect(http.StatusOK).Into(&page)
	return page.Items
}

// statusOf reads a message's status through the API, as member.
func statusOf(t *testing.T, member, id string) string {
	t.Helper()
	var m struct{ Status string }
	as(t, member).Get("/v1/messages/" + id).Expect(http.StatusOK).Into(&m)
	return m.Status
}

// hasButton is a JavaScript expression: whether the page has a button labelled text.
func hasButton(text string) string {
	return `!!document.evaluate('//button[text()=` + js(text) + `]', document, null, 9, null).singleNodeValue`
}

// TestMessageRequestAccepted has Jane find David's message request under Requests, not in her
// inbox, with what allowed it (Go Developers); she accepts it and it moves to her inbox.
func TestMessageRequestAccepted(t *testing.T) {
	reqs := requestsOf(t, "jane")
	if len(reqs) != 1 || reqs[0].From.ID != "david" || reqs[0].Via == nil || reqs[0].Via.Name != "Go Developers" {
		t.Fatalf("the demo network's request from David is not in Jane's requests box: %+v", reqs)
	}
	req := reqs[0]
	p := newPage(t, desktop)
	p.actAs("jane")
	p.open("#/inbox", `button[data-filter="requests"][data-count]`)
	p.waitFor("the inbox", `document.querySelectorAll("#inbox-list li").length > 0`)
	if got := p.text(`button[data-filter="requests"]`); got != "Requests (1)" {
		t.Errorf("the requests button says %q, want Requests (1)", got)
	}
	if eval[bool](p, `!!document.querySelector(`+js(row(req.ID))+`)`) {
		t.Error("the pending request is in the inbox")
	}

	p.do(chromedp.Click(chromedp.CSS(`button[data-filter="requests"]`)), chromedp.WaitVisible(chromedp.CSS(row(req.ID))))
	if got := p.text(row(req.ID) + " .preview"); got != req.Preview || !strings.HasPrefix(got, "Message request from David Kim: ") {
		t.Errorf("preview %q, want the API's %q", got, req.Preview)
	}
	if got := p.text(row(req.ID) + " [data-via]"); got != "via Go Developers" {
		t.Errorf("the request says %q, want via Go Developers", got)
	}
	if got := p.text(row(req.ID) + " [data-degree]"); got != "2nd" {
		t.Errorf("David's badge %q, want 2nd", got)
	}
	if !eval[bool](p, `!!document.querySelector(`+js(row(req.ID)+` svg[data-icon="request"]`)+`)`) {
		t.Error("the row has no message request icon")
	}
	p.shot("requests")

	p.do(chromedp.Click(chromedp.CSS(row(req.ID))), chromedp.WaitVisible(chromedp.CSS(`#request-status[data-status="pending"]`)))
	if got := p.text("#request-status"); !strings.Contains(got, "via Go Developers") {
		t.Errorf("the request's line %q does not say via Go Developers", got)
	}
	if !eval[bool](p, hasButton("Accept")+` && `+hasButton("Decline")+` && `+hasButton("Report")+` && `+hasButton("Block")) {
		t.Error("a pending request does not offer Accept, Decline, Report and Block")
	}
	if eval[bool](p, hasButton("Reply")) {
		t.Error("a pending request offers Reply before it is accepted")
	}
	p.do(chromedp.Click(chromedp.Search(`//button[text()="Accept"]`)))
	p.waitFor("the request accepted", `!!document.querySelector('#request-status[data-status="accepted"]') && `+hasButton("Reply")+` && !`+hasButton("Accept"))
	if got := statusOf(t, "jane", req.ID); got != "accepted" {
		t.Errorf("the API says the request is %q, want accepted", got)
	}
	p.shot("request-accepted")

	p.open("#/inbox", `button[data-filter="all"]`)
	p.do(chromedp.Click(chromedp.CSS(`button[data-filter="all"]`)), chromedp.WaitVisible(chromedp.CSS(row(req.ID))))
	p.waitFor("no requests waiting", `document.querySelector('button[data-filter="requests"]').dataset.count === "0"`)
	if n := len(requestsOf(t, "jane")); n != 0 {
		t.Errorf("Jane's requests box holds %d requests after she accepted David's", n)
	}
}

// TestMessageRequestDeclined has Tom read on Alex's page that he may send a free message request
// as both are in Go Developers, and send one with the Message request button; Alex, at phone
// width, declines it from the requests box, and Tom's page of Alex says so.
func TestMessageRequestDeclined(t *testing.T) {
	var me struct{ MessageRequestsLeft int }
	as(t, "tom").Get("/v1/me").Expect(http.StatusOK).Into(&me)
	p := newPage(t, desktop)
	p.actAs("tom")
	p.open("#/member/alex", "#can-message")
	want := fmt.Sprintf("Yes, free: a message request, since you are both in Go Developers (%d left this month).", me.MessageRequestsLeft)
	if got := p.text("#can-message"); got != want {
		t.Errorf("Tom's answer about Alex %q, want %q", got, want)
	}
	if got := eval[string](p, `document.getElementById("can-message").dataset.reason`); got != "shared_group" {
		t.Fatalf("reason %q, want shared_group", got)
	}
	p.do(chromedp.Click(chromedp.Search(`//button[text()="Message request"]`)),
		chromedp.SendKeys(chromedp.CSS("#send-body"), "Hi Alex, would you help with the Go Developers meetup in June?"),
		chromedp.Click(chromedp.Search(`//button[text()="Send request"]`)))
	p.waitFor("the request sent", `document.getElementById("live").textContent.includes("Message request sent to Alex Chen")`)
	p.waitFor("the answer once sent", `document.getElementById("can-message")?.dataset.reason === "awaiting_reply"`)
	if got := p.text("#can-message"); got != "No: your earlier InMail or message request is still waiting for their answer." {
		t.Errorf("Tom's answer while his request waits: %q", got)
	}
	var req requestEntry
	for _, r := range requestsOf(t, "alex") {
		if r.From.ID == "tom" {
			req = r
		}
	}
	if req.ID == "" || req.Kind != "request" {
		t.Fatalf("Tom's request is not in Alex's requests box: %+v", req)
	}

	a := newPage(t, phone)
	a.actAs("alex")
	a.open("#/inbox", `button[data-filter="requests"]`)
	a.do(chromedp.Click(chromedp.CSS(`button[data-filter="requests"]`)), chromedp.WaitVisible(chromedp.CSS(row(req.ID))))
	if got := a.text(row(req.ID) + " [data-via]"); got != "via Go Developers" {
		t.Errorf("the request says %q, want via Go Developers", got)
	}
	a.shot("requests-phone")
	a.do(chromedp.Click(chromedp.CSS(row(req.ID))),
		chromedp.Click(chromedp.Search(`//button[text()="Decline"]`)),
		chromedp.Click(chromedp.Search(`//button[text()="Decline request"]`)))
	a.waitFor("the requests box without it", `location.hash === "#/inbox" && document.getElementById("inbox-list")?.dataset.box === "requests" && !!document.querySelector("#inbox-list li") && !document.querySelector(`+js(row(req.ID))+`)`)
	if got := statusOf(t, "alex", req.ID); got != "declined" {
		t.Errorf("the API says the request is %q, want declined", got)
	}

	p.do(chromedp.Reload())
	p.waitFor("Tom's answer once declined", `document.getElementById("can-message")?.dataset.reason === "declined"`)
	if got := p.text("#can-message"); got != "No: they declined your InMail or message request." {
		t.Errorf("Tom's answer once declined: %q", got)
	}
}

// sharedList is one of the lists of what two members share, as the API gives it.
type sharedList struct {
	Total int
	Items []struct{ ID, Name string }
}

// TestSharedOnMemberPage shows Jane what she shares with Alex (Acme, Go Developers), Noah (KTH)
// and Maria (Globex, Engineering Leadership), exactly as the profile's shared says.
func TestSharedOnMemberPage(t *testing.T) {
	p := newPage(t, desktop)
	p.actAs("jane")
	for member, want := range map[string]string{
		"alex":  "companies: Acme; groups: Go Developers",
		"noah":  "schools: KTH Royal Institute of Technology",
		"maria": "companies: Globex; groups: Engineering Leadership",
	} {
		var profile struct {
			Name   string
			Shared map[string]sharedList
		}
		as(t, "jane").Get("/v1/members/" + member).Expect(http.StatusOK).Into(&profile)
		var api []string
		for _, kind := range []string{"companies", "schools", "groups"} {
			l := profile.Shared[kind]
			if l.Total == 0 {
				continue
			}
			var names []string
			for _, o := range l.Items {
				names = append(names, o.Name)
			}
			api = append(api, kind+": "+strings.Join(names, ", ")+more(l.Total-len(l.Items)))
		}
		if got := strings.Join(api, "; "); got != want {
			t.Fatalf("the API says Jane shares with %s %q, want %q", member, got, want)
		}
		p.open("#/member/"+member, "#shared h2")
		p.waitFor("the profile of "+member, `document.querySelector("h1").textContent === `+js(profile.Name)+` && !!document.querySelector("#shared dl")`)
		shown := eval[[]string](p, `[...document.querySelectorAll("#shared dd")].map(dd =>
			dd.dataset.kind + ": " + [...dd.querySelectorAll("li")].map(li => li.textContent).join(", ") +
			(dd.querySelector("[data-more]")?.textContent ?? ""))`)
		if got := strings.Join(shown, "; "); got != want {
			t.Errorf("Jane's page of %s shows %q, want the API's %q", member, got, want)
		}
	}
	p.shot("member-shared")
}

// more is how the console words the rest of a shared list beyond its names.
func more(n int) string {
	if n <= 0 {
		return ""
	}
	return fmt.Sprintf(" and %d more", n)
}

// TestRequestSettingShowsInMessaging has Alex turn message requests off in her settings: David,
// a fellow member of Go Developers, may no longer send her one.
func TestRequestSettingShowsInMessaging(t *testing.T) {
	p := newPage(t, desktop)
	p.actAs("david")
	p.open("#/member/alex", "#can-message")
	if got := eval[string](p, `document.getElementById("can-message").dataset.reason`); got != "shared_group" {
		t.Fatalf("before: reason %q, want shared_group", got)
	}

	p.actAs("alex")
	p.open("#/settings", "#settings")
	if !eval[bool](p, `document.getElementById("messageRequests").checked`) {
		t.Fatal("message requests are off before Alex turns them off")
	}
	p.do(chromedp.Click(chromedp.CSS("#messageRequests")), chromedp.Click(chromedp.Search(`//button[text()="Save settings"]`)))
	p.waitFor("the settings saved", `document.getElementById("settings-status").textContent === "Saved."`)
	var me struct {
		Settings struct{ MessageRequests bool }
	}
	as(t, "alex").Get("/v1/me").Expect(http.StatusOK).Into(&me)
	if me.Settings.MessageRequests {
		t.Error("the API says Alex still takes message requests")
	}

	p.actAs("david")
	p.open("#/member/alex", "#can-message")
	if got := eval[string](p, `document.getElementById("can-message").dataset.reason`); got == "shared_group" || got == "coworker" {
		t.Errorf("after Alex turned requests off, David's answer is still a request: %q", p.text("#can-message"))
	}
}

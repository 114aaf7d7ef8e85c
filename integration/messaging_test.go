package integration

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"sync"
	"testing"
	"time"
)

// decision is the messaging part of a reachability answer.
type decision struct {
	Allowed bool    `json:"allowed"`
	Channel *string `json:"channel"`
	Cost    int     `json:"cost"`
	Reason  string  `json:"reason"`
}

type sentMessage struct {
	ID            string `json:"id"`
	ThreadID      string `json:"threadId"`
	Kind          string `json:"kind"`
	Cost          int    `json:"cost"`
	InMailCredits int    `json:"inmailCredits"`
}

// messaging returns what reachability says about messaging member to.
func messaging(t *testing.T, from, to string) decision {
	t.Helper()
	var r struct{ Messaging decision }
	as(t, from).get("/v1/members/" + to + "/reachability").expect(http.StatusOK).into(&r)
	return r.Messaging
}

// send posts a message and returns the response.
func send(t *testing.T, from, to, body string) *response {
	t.Helper()
	return as(t, from).do(http.MethodPost, "/v1/messages", map[string]any{"to": to, "subject": "Hello", "body": body})
}

// credits sets a member's InMail credits.
func credits(t *testing.T, id string, n int) {
	t.Helper()
	admin(t).do(http.MethodPut, "/v1/admin/members/"+id, map[string]any{"name": "Member " + id, "inmailCredits": n}).
		expect(http.StatusOK)
}

// creditsOf reads a member's InMail credits.
func creditsOf(t *testing.T, id string) int {
	t.Helper()
	var m me
	as(t, id).get("/v1/me").expect(http.StatusOK).into(&m)
	return m.InMailCredits
}

// set changes a member's settings.
func set(t *testing.T, id string, change map[string]any) {
	t.Helper()
	as(t, id).do(http.MethodPatch, "/v1/me/settings", change).expect(http.StatusOK)
}

// restrict has three members report id.
func restrict(t *testing.T, prefix func(string) string, id string) {
	t.Helper()
	for i := range 3 {
		reporter := prefix(fmt.Sprintf("reporter%d_%s", i, id))
		member(t, reporter, "Reporter")
		as(t, reporter).do(http.MethodPost, "/v1/reports", map[string]any{"member": id, "reason": "spam"}).
			expect(http.StatusAccepted)
	}
}

// setup prepares a pair of members, me and them, for a case of the messaging rules.
type setup func(t *testing.T, me, them string)

// connected connects the two.
func connected(t *testing.T, me, them string) { connect(t, me, them) }

// theyWrote has them write to me first.
func theyWrote(t *testing.T, me, them string) {
	credits(t, them, 1)
	send(t, them, me, "Hi, we should talk").expect(http.StatusCreated)
}

// restrictedSetup has me restricted by reports from members named with prefix.
func restrictedSetup(prefix func(string) string) setup {
	return func(t *testing.T, me, _ string) { restrict(t, prefix, me) }
}

// answeredSetup has me send them body, which they then answer with action (decline or accept).
func answeredSetup(body, action string) setup {
	return func(t *testing.T, me, them string) {
		var s sentMessage
		send(t, me, them, body).expect(http.StatusCreated).into(&s)
		as(t, them).do(http.MethodPost, "/v1/messages/"+s.ID+"/"+action, nil).expect(http.StatusOK)
	}
}

// TestMessagingRules checks every rule of "may I message X", and what wins when two apply, both
// as reachability decides it and as sending enforces it: a send is allowed exactly when the
// decision allows it, at the decision's cost, and refused with the decision's reason.
func TestMessagingRules(t *testing.T) {
	id := ids(t)
	restricted := restrictedSetup(id)
	declined := answeredSetup("Would you consider a new role?", "decline")
	awaiting := func(t *testing.T, me, them string) {
		send(t, me, them, "Would you consider a new role?").expect(http.StatusCreated)
	}
	inmail := func(policy string) setup {
		return func(t *testing.T, _, them string) { set(t, them, map[string]any{"inmail": policy}) }
	}
	openProfile := func(t *testing.T, _, them string) { set(t, them, map[string]any{"openProfile": true}) }
	noCredits := func(t *testing.T, me, _ string) { credits(t, me, 0) }
	thirdDegree := func(t *testing.T, me, them string) {
		// me - x - z - them
		network(t, id, [2]string{me + "x", me + "z"})
		connect(t, id(me+"x"), me)
		connect(t, id(me+"z"), them)
	}
	str := func(s string) *string { return &s }
	cases := []struct {
		name  string
		setup []setup
		want  decision
	}{
		{"InMail", nil, decision{true, str("inmail"), 1, "inmail"}},
		{"Connected", []setup{connected}, decision{true, str("message"), 0, "connected"}},
		{"ConnectedBeatsRestrictedAndInMailOff", []setup{connected, restricted, inmail("off")}, decision{true, str("message"), 0, "connected"}},
		{"ThreadReply", []setup{theyWrote}, decision{true, str("reply"), 0, "thread_reply"}},
		{"ThreadReplyBeatsRestrictedAndNoCredits", []setup{theyWrote, restricted, noCredits, inmail("off")}, decision{true, str("reply"), 0, "thread_reply"}},
		{"SenderRestricted", []setup{restricted}, decision{false, nil, 0, "sender_restricted"}},
		{"RestrictedBeatsDeclined", []setup{declined, restricted}, decision{false, nil, 0, "sender_restricted"}},
		{"Declined", []setup{declined}, decision{false, nil, 0, "declined"}},
		{"DeclinedBeatsInMailOff", []setup{declined, inmail("off")}, decision{false, nil, 0, "declined"}},
		{"AwaitingReply", []setup{awaiting}, decision{false, nil, 0, "awaiting_reply"}},
		{"AwaitingReplyBeatsInMailOff", []setup{awaiting, inmail("off")}, decision{false, nil, 0, "awaiting_reply"}},
		{"RecipientInMailOff", []setup{inmail("off")}, decision{false, nil, 0, "recipient_inmail_off"}},
		{"InMailOffBeatsOpenProfile", []setup{inmail("off"), openProfile}, decision{false, nil, 0, "recipient_inmail_off"}},
		{"RecipientNetworkOnly", []setup{inmail("network")}, decision{false, nil, 0, "recipient_network_only"}},
		{"NetworkOnlyBeatsOpenProfile", []setup{inmail("network"), openProfile}, decision{false, nil, 0, "recipient_network_only"}},
		{"NetworkOnlyAllowsThirdDegree", []setup{inmail("network"), thirdDegree}, decision{true, str("inmail"), 1, "inmail"}},
		{"OpenProfile", []setup{openProfile}, decision{true, str("open_profile"), 0, "open_profile"}},
		{"OpenProfileBeatsNoCredits", []setup{openProfile, noCredits}, decision{true, str("open_profile"), 0, "open_profile"}},
		{"NoCredits", []setup{noCredits}, decision{false, nil, 0, "no_credits"}},
	}
	for i, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			me, them := id("me"+strconv.Itoa(i)), id("them"+strconv.Itoa(i))
			member(t, me, "Me")
			member(t, them, "Them")
			credits(t, me, 2)
			for _, s := range tc.setup {
				s(t, me, them)
			}
			got := messaging(t, me, them)
			if got.Allowed != tc.want.Allowed || got.Cost != tc.want.Cost || got.Reason != tc.want.Reason ||
				(got.Channel == nil) != (tc.want.Channel == nil) || (got.Channel != nil && *got.Channel != *tc.want.Channel) {
				t.Fatalf("decision %+v (channel %v), want %+v (channel %v)", got, deref2(got.Channel), tc.want, deref2(tc.want.Channel))
			}
			before := creditsOf(t, me)
			res := send(t, me, them, "A message for the rule "+tc.name)
			if !tc.want.Allowed {
				if p := res.expectProblem(http.StatusForbidden); p.Reason != tc.want.Reason {
					t.Fatalf("send refused with reason %q, want %q", p.Reason, tc.want.Reason)
				}
				if after := creditsOf(t, me); after != before {
					t.Fatalf("a refused send changed credits from %d to %d", before, after)
				}
				return
			}
			var s sentMessage
			res.expect(http.StatusCreated).into(&s)
			wantKind := "message"
			if *tc.want.Channel == "inmail" || *tc.want.Channel == "open_profile" {
				wantKind = "inmail"
			}
			if s.Kind != wantKind || s.Cost != tc.want.Cost || s.InMailCredits != before-tc.want.Cost {
				t.Fatalf("sent %+v, want kind %s, cost %d, credits %d", s, wantKind, tc.want.Cost, before-tc.want.Cost)
			}
			if after := creditsOf(t, me); after != before-tc.want.Cost {
				t.Fatalf("credits %d after sending, want %d", after, before-tc.want.Cost)
			}
		})
	}

	t.Run("Self", func(t *testing.T) {
		member(t, id("self"), "Self")
		if got := messaging(t, id("self"), id("self")); got.Allowed || got.Channel != nil || got.Reason != "self" {
			t.Fatalf("decision %+v, want refused for self", got)
		}
		if p := send(t, id("self"), id("self"), "Note to self").expectProblem(http.StatusUnprocessableEntity); p.Reason != "self" {
			t.Fatalf("reason %q, want self", p.Reason)
		}
	})
	t.Run("UnknownMember", func(t *testing.T) {
		member(t, id("lonely"), "Lonely")
		p := send(t, id("lonely"), id("nobody"), "Hello?").expectProblem(http.StatusNotFound)
		if p.Reason != "" {
			t.Fatalf("a missing member must not say why: reason %q", p.Reason)
		}
	})
	t.Run("BlockedEitherWayIsNotFound", func(t *testing.T) {
		member(t, id("blocker"), "Blocker")
		member(t, id("blocked"), "Blocked")
		credits(t, id("blocked"), 5)
		as(t, id("blocker")).do(http.MethodPut, "/v1/blocks/"+id("blocked"), nil).expect(http.StatusNoContent)
		for _, pair := range [][2]string{{id("blocked"), id("blocker")}, {id("blocker"), id("blocked")}} {
			as(t, pair[0]).get("/v1/members/" + pair[1] + "/reachability").expectProblem(http.StatusNotFound)
			if p := send(t, pair[0], pair[1], "Hello").expectProblem(http.StatusNotFound); p.Reason != "" {
				t.Fatalf("a block must not say why: reason %q", p.Reason)
			}
		}
	})
}

func deref2(p *string) any {
	if p == nil {
		return nil
	}
	return *p
}

func TestSendValidation(t *testing.T) {
	id := ids(t)
	member(t, id("me"), "Me")
	member(t, id("you"), "You")
	long := func(n int) string { return string(repeat('é', n)) }
	attachment := map[string]any{"name": "cv.pdf", "contentType": "application/pdf", "size": 1024, "url": "https://files.example/cv.pdf"}
	many := make([]any, 11)
	for i := range many {
		many[i] = attachment
	}
	with := func(edit func(map[string]any)) map[string]any {
		b := map[string]any{"to": id("you"), "body": "Hello", "attachments": []any{attachment}}
		edit(b)
		return b
	}
	for _, tc := range []struct {
		name  string
		body  map[string]any
		field string
	}{
		{"NoTo", with(func(b map[string]any) { delete(b, "to") }), "to"},
		{"BadTo", with(func(b map[string]any) { b["to"] = "a b" }), "to"},
		{"NoBody", with(func(b map[string]any) { delete(b, "body") }), "body"},
		{"BlankBody", with(func(b map[string]any) { b["body"] = "   " }), "body"},
		{"BodyTooLong", with(func(b map[string]any) { b["body"] = long(8001) }), "body"},
		{"SubjectTooLong", with(func(b map[string]any) { b["subject"] = long(201) }), "subject"},
		{"TooManyAttachments", with(func(b map[string]any) { b["attachments"] = many }), "attachments"},
		{"AttachmentURL", with(func(b map[string]any) {
			b["attachments"] = []any{map[string]any{"name": "x", "contentType": "text/plain", "size": 1, "url": "javascript:alert(1)"}}
		}), "attachments[0].url"},
		{"AttachmentType", with(func(b map[string]any) {
			b["attachments"] = []any{map[string]any{"name": "x", "contentType": "pdf", "size": 1, "url": "https://x.example/a"}}
		}), "attachments[0].contentType"},
		{"AttachmentSize", with(func(b map[string]any) {
			b["attachments"] = []any{map[string]any{"name": "x", "contentType": "text/plain", "size": -1, "url": "https://x.example/a"}}
		}), "attachments[0].size"},
		{"AttachmentName", with(func(b map[string]any) {
			b["attachments"] = []any{map[string]any{"contentType": "text/plain", "size": 1, "url": "https://x.example/a"}}
		}), "attachments[0].name"},
		{"AttachmentUnknownField", with(func(b map[string]any) {
			b["attachments"] = []any{map[string]any{"name": "x", "contentType": "text/plain", "size": 1, "url": "https://x.example/a", "path": "/etc/passwd"}}
		}), "attachments[0].path"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := as(t, id("me")).do(http.MethodPost, "/v1/messages", tc.body).expectProblem(http.StatusBadRequest)
			if p.Field != tc.field {
				t.Errorf("field %q, want %q (%s)", p.Field, tc.field, p.Detail)
			}
		})
	}
	t.Run("LongestBodyIsFine", func(t *testing.T) {
		credits(t, id("me"), 1)
		as(t, id("me")).do(http.MethodPost, "/v1/messages", with(func(b map[string]any) { b["body"] = long(8000) })).
			expect(http.StatusCreated)
	})
}

func TestIdempotentSend(t *testing.T) {
	id := ids(t)
	member(t, id("me"), "Me")
	member(t, id("you"), "You")
	member(t, id("other"), "Other")
	credits(t, id("me"), 5)
	post := func(t *testing.T, key, to, body string) *response {
		return as(t, id("me")).send(http.MethodPost, "/v1/messages", map[string]any{"to": to, "body": body},
			http.Header{"Idempotency-Key": {key}})
	}
	var first, again sentMessage
	post(t, "key-1", id("you"), "An InMail sent once").expect(http.StatusCreated).into(&first)
	post(t, "key-1", id("you"), "An InMail sent once").expect(http.StatusCreated).into(&again)
	if first != again {
		t.Fatalf("retry answered %+v, want the first answer %+v", again, first)
	}
	if got := creditsOf(t, id("me")); got != 4 {
		t.Fatalf("credits %d after a send and its retry, want 4 (charged once)", got)
	}
	var sentBox struct{ Items []struct{ ID string } }
	as(t, id("me")).get("/v1/sent").expect(http.StatusOK).into(&sentBox)
	if len(sentBox.Items) != 1 || sentBox.Items[0].ID != first.ID {
		t.Fatalf("sent box %+v, want exactly the one message %s", sentBox.Items, first.ID)
	}
	t.Run("SameKeyOtherRequest", func(t *testing.T) {
		p := post(t, "key-1", id("other"), "Something else").expectProblem(http.StatusUnprocessableEntity)
		if p.Field != "Idempotency-Key" {
			t.Errorf("field %q, want Idempotency-Key", p.Field)
		}
	})
	t.Run("OtherKeySendsAgain", func(t *testing.T) {
		// The same InMail again under a new key is a new send, refused by rule 7.
		if p := post(t, "key-2", id("you"), "An InMail sent once").expectProblem(http.StatusForbidden); p.Reason != "awaiting_reply" {
			t.Errorf("reason %q, want awaiting_reply", p.Reason)
		}
	})
	t.Run("ConcurrentRetries", func(t *testing.T) {
		var wg sync.WaitGroup
		answers := make([]sentMessage, 8)
		statuses := make([]int, 8)
		for i := range answers {
			wg.Go(func() {
				status, body, err := rawPost(as(t, id("me")).token, "/v1/messages",
					fmt.Sprintf(`{"to": %q, "body": "Racing retries"}`, id("other")), "key-race")
				if err != nil {
					return
				}
				statuses[i] = status
				_ = json.Unmarshal(body, &answers[i])
			})
		}
		wg.Wait()
		for i := range answers {
			if statuses[i] != http.StatusCreated || answers[i] != answers[0] {
				t.Fatalf("retry %d: status %d, answer %+v; want 201 and %+v", i, statuses[i], answers[i], answers[0])
			}
		}
		if got := creditsOf(t, id("me")); got != 3 {
			t.Fatalf("credits %d, want 3: eight racing retries charge once", got)
		}
	})
	t.Run("BadKey", func(t *testing.T) {
		post(t, "has space", id("other"), "x").expectProblem(http.StatusBadRequest)
	})
	// A retry finds its first answer once the recipient can no longer be written to: blocked by
	// them, and then gone. A new key finds no one.
	t.Run("RetryAfterBlockAndClose", func(t *testing.T) {
		member(t, id("later"), "Later")
		var sent, retried, closed sentMessage
		post(t, "key-later", id("later"), "Before the block").expect(http.StatusCreated).into(&sent)
		as(t, id("later")).do(http.MethodPut, "/v1/blocks/"+id("me"), nil).expect(http.StatusNoContent)
		post(t, "key-later", id("later"), "Before the block").expect(http.StatusCreated).into(&retried)
		as(t, id("later")).do(http.MethodDelete, "/v1/me", nil).expect(http.StatusNoContent)
		post(t, "key-later", id("later"), "Before the block").expect(http.StatusCreated).into(&closed)
		// Closing moves the messages to a new thread (CloseMessages), so the thread may differ.
		closed.ThreadID = sent.ThreadID
		if retried != sent || closed != sent {
			t.Fatalf("retries answered %+v and %+v, want the first answer %+v", retried, closed, sent)
		}
		post(t, "key-after", id("later"), "Before the block").expectProblem(http.StatusNotFound)
	})
}

// TestConcurrentInMails sends 20 InMails at once from a member with 3 credits: exactly 3 go out
// and no credit is overspent.
func TestConcurrentInMails(t *testing.T) {
	id := ids(t)
	member(t, id("sender"), "Sender")
	credits(t, id("sender"), 3)
	const n = 20
	for i := range n {
		member(t, id(fmt.Sprintf("to%d", i)), "Recipient")
	}
	token := as(t, id("sender")).token
	var wg sync.WaitGroup
	statuses := make([]int, n)
	reasons := make([]string, n)
	for i := range n {
		wg.Go(func() {
			status, body, err := rawPost(token, "/v1/messages",
				fmt.Sprintf(`{"to": %q, "body": "Opportunity number %d"}`, id(fmt.Sprintf("to%d", i)), i), "")
			if err != nil {
				return
			}
			statuses[i] = status
			var p problem
			_ = json.Unmarshal(body, &p)
			reasons[i] = p.Reason
		})
	}
	wg.Wait()
	sent := 0
	for i, s := range statuses {
		switch {
		case s == http.StatusCreated:
			sent++
		case s == http.StatusForbidden && reasons[i] == "no_credits":
		default:
			t.Errorf("send %d: status %d reason %q", i, s, reasons[i])
		}
	}
	if sent != 3 {
		t.Fatalf("%d InMails sent, want exactly 3", sent)
	}
	if got := creditsOf(t, id("sender")); got != 0 {
		t.Fatalf("%d credits left, want 0", got)
	}
}

func TestAbuseLimits(t *testing.T) {
	id := ids(t)
	t.Run("DailyLimit", func(t *testing.T) {
		member(t, id("busy"), "Busy")
		credits(t, id("busy"), 100)
		for i := range 51 {
			member(t, id(fmt.Sprintf("d%d", i)), "Recipient")
		}
		for i := range 50 {
			send(t, id("busy"), id(fmt.Sprintf("d%d", i)), fmt.Sprintf("Personal note number %d", i)).expect(http.StatusCreated)
		}
		res := send(t, id("busy"), id("d50"), "One more")
		if p := res.expectProblem(http.StatusTooManyRequests); p.Reason != "rate_limited" {
			t.Fatalf("reason %q, want rate_limited", p.Reason)
		}
		after, err := strconv.Atoi(res.Header.Get("Retry-After"))
		if err != nil || after < 1 || after > 24*3600 {
			t.Fatalf("Retry-After %q, want seconds until the oldest InMail leaves the 24-hour window", res.Header.Get("Retry-After"))
		}
		if got := creditsOf(t, id("busy")); got != 50 {
			t.Fatalf("credits %d, want 50: the refused send costs nothing", got)
		}
		// Messages to connections are not InMail and are not limited.
		connect(t, id("busy"), id("d50"))
		send(t, id("busy"), id("d50"), "Now we are connected").expect(http.StatusCreated)
		// A day later the window has moved on.
		env.clock.advance(24*time.Hour + time.Minute)
		member(t, id("late"), "Late")
		send(t, id("busy"), id("late"), "A new day").expect(http.StatusCreated)
	})
	t.Run("MassBlast", func(t *testing.T) {
		member(t, id("blaster"), "Blaster")
		credits(t, id("blaster"), 100)
		for i := range 12 {
			member(t, id(fmt.Sprintf("b%d", i)), "Recipient")
		}
		bodies := []string{"Great opportunity at Acme!", "great   OPPORTUNITY at acme!", " Great opportunity\nat Acme! "}
		for i := range 10 {
			send(t, id("blaster"), id(fmt.Sprintf("b%d", i)), bodies[i%len(bodies)]).expect(http.StatusCreated)
		}
		p := send(t, id("blaster"), id("b10"), "GREAT opportunity at Acme!").expectProblem(http.StatusForbidden)
		if p.Reason != "mass_blast" {
			t.Fatalf("reason %q, want mass_blast", p.Reason)
		}
		send(t, id("blaster"), id("b11"), "A different, personal message").expect(http.StatusCreated)
	})
}

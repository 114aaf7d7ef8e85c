package integration

import (
	"maps"
	"net/http"
	"testing"
	"time"
)

// creditAccount is what GET /v1/me says about a member's plan and InMail credits.
type creditAccount struct {
	Plan          string `json:"plan"`
	InMailCredits int    `json:"inmailCredits"`
}

// accountOf reads a member's plan and credits, with the monthly grants that fell due applied.
func accountOf(t testing.TB, id string) creditAccount {
	t.Helper()
	var a creditAccount
	as(t, id).get("/v1/me").expect(http.StatusOK).into(&a)
	return a
}

// wantCredits fails unless the member has exactly n InMail credits.
func wantCredits(t testing.TB, id string, n int) {
	t.Helper()
	if got := accountOf(t, id).InMailCredits; got != n {
		t.Errorf("%s has %d InMail credits, want %d", id, got, n)
	}
}

// updateMember changes an existing member through the admin API; fields come on top of the name.
func updateMember(t testing.TB, id, name string, fields map[string]any) creditAccount {
	t.Helper()
	body := map[string]any{"name": name}
	maps.Copy(body, fields)
	var a creditAccount
	admin(t).do(http.MethodPut, "/v1/admin/members/"+id, body).expect(http.StatusOK).into(&a)
	return a
}

// mailDecision is the messaging part of the reachability answer.
type mailDecision struct {
	Allowed bool    `json:"allowed"`
	Channel *string `json:"channel"`
	Cost    int     `json:"cost"`
	Reason  string  `json:"reason"`
}

// mailMessaging reads whether and how one member may message another.
func mailMessaging(t testing.TB, from, to string) mailDecision {
	t.Helper()
	var r struct {
		Messaging *mailDecision `json:"messaging"`
	}
	as(t, from).get("/v1/members/" + to + "/reachability").expect(http.StatusOK).into(&r)
	if r.Messaging == nil {
		t.Fatalf("reachability of %s from %s has no messaging", to, from)
	}
	return *r.Messaging
}

// wantRefusedDeclined checks that from may no longer InMail to, who declined: the decision and
// a send both say declined, and the refused send costs nothing.
func wantRefusedDeclined(t testing.TB, from, to string) {
	t.Helper()
	before := accountOf(t, from).InMailCredits
	if d := mailMessaging(t, from, to); d.Allowed || d.Channel != nil || d.Cost != 0 || d.Reason != "declined" {
		t.Errorf("messaging %+v (channel %v), want refused with reason declined", d, statusText(d.Channel))
	}
	p := as(t, from).do(http.MethodPost, "/v1/messages", map[string]any{"to": to, "body": "Please reconsider"}).
		expectProblem(http.StatusForbidden)
	if p.Reason != "declined" {
		t.Errorf("send refused with reason %q, want declined", p.Reason)
	}
	wantCredits(t, from, before)
}

// declineMail declines a message as who; body is nil or the request body.
func declineMail(t testing.TB, who, id string, body any) *response {
	t.Helper()
	return as(t, who).do(http.MethodPost, "/v1/messages/"+id+"/decline", body)
}

// wantStatus fails unless who reads message id with the given InMail status.
func wantStatus(t testing.TB, who, id, status string) {
	t.Helper()
	if m := readMail(t, who, id); m.Status == nil || *m.Status != status {
		t.Errorf("message %s has status %v for %s, want %s", id, statusText(m.Status), who, status)
	}
}

func TestDeclineInMail(t *testing.T) {
	id := ids(t)
	mailMember(t, id("sender"), "Sender", map[string]any{"inmailCredits": 1})
	member(t, id("rita"), "Rita")
	member(t, id("other"), "Other")
	s := sendMail(t, id("sender"), map[string]any{"to": id("rita"), "subject": "Role", "body": "Interested in a new role?"})
	if s.Kind != "inmail" || s.Cost != 1 || s.InMailCredits != 0 {
		t.Fatalf("send %+v, want an InMail costing 1 and leaving 0 credits", s)
	}
	wantCredits(t, id("sender"), 0)

	t.Run("BySenderForbidden", func(t *testing.T) {
		declineMail(t, id("sender"), s.ID, nil).expectProblem(http.StatusForbidden)
		wantStatus(t, id("sender"), s.ID, "pending")
		wantCredits(t, id("sender"), 0)
	})
	t.Run("ByThirdMemberNotFound", func(t *testing.T) {
		declineMail(t, id("other"), s.ID, map[string]any{"note": "no"}).expectProblem(http.StatusNotFound)
		wantStatus(t, id("sender"), s.ID, "pending")
		wantCredits(t, id("sender"), 0)
	})
	t.Run("UnknownNotFound", func(t *testing.T) {
		declineMail(t, id("rita"), "UNKNOWNMESSAGE1", nil).expectProblem(http.StatusNotFound)
	})
	t.Run("WithNoteDeclinedAndRefunded", func(t *testing.T) {
		var m mailMessage
		declineMail(t, id("rita"), s.ID, map[string]any{"note": "Not looking right now"}).expect(http.StatusOK).into(&m)
		if m.ID != s.ID || m.Kind != "inmail" || m.Status == nil || *m.Status != "declined" {
			t.Fatalf("decline answered %+v, want the InMail with status declined", m)
		}
		wantCredits(t, id("sender"), 1)
		wantStatus(t, id("sender"), s.ID, "declined")
		wantRefusedDeclined(t, id("sender"), id("rita"))
	})
	t.Run("TwiceConflict", func(t *testing.T) {
		declineMail(t, id("rita"), s.ID, nil).expectProblem(http.StatusConflict)
		wantCredits(t, id("sender"), 1)
	})
	t.Run("ReplyAfterDeclineRefundsNothingMore", func(t *testing.T) {
		// Rita may still write to the sender; that answers nothing and gives no second credit.
		sendMail(t, id("rita"), map[string]any{"to": id("sender"), "body": "Actually, tell me more"})
		wantCredits(t, id("sender"), 1)
		wantStatus(t, id("sender"), s.ID, "declined")
	})
	t.Run("WithoutBodyDeclinedAndRefunded", func(t *testing.T) {
		mailMember(t, id("sender2"), "Sender Two", map[string]any{"inmailCredits": 3})
		member(t, id("rob"), "Rob")
		s := sendMail(t, id("sender2"), map[string]any{"to": id("rob"), "body": "Hello Rob"})
		wantCredits(t, id("sender2"), 2)
		var m mailMessage
		declineMail(t, id("rob"), s.ID, nil).expect(http.StatusOK).into(&m)
		if m.Status == nil || *m.Status != "declined" {
			t.Fatalf("status %v, want declined", statusText(m.Status))
		}
		wantCredits(t, id("sender2"), 3)
		wantRefusedDeclined(t, id("sender2"), id("rob"))
	})
	t.Run("PlainMessageUnprocessable", func(t *testing.T) {
		member(t, id("ann"), "Ann")
		member(t, id("bob"), "Bob")
		connect(t, id("ann"), id("bob"))
		s := sendMail(t, id("ann"), map[string]any{"to": id("bob"), "body": "Hi Bob"})
		if s.Kind != "message" {
			t.Fatalf("sent as %q, want message", s.Kind)
		}
		declineMail(t, id("bob"), s.ID, nil).expectProblem(http.StatusUnprocessableEntity)
		declineMail(t, id("ann"), s.ID, nil).expectProblem(http.StatusForbidden)
		if m := readMail(t, id("bob"), s.ID); m.Status != nil {
			t.Errorf("a plain message has status %v", statusText(m.Status))
		}
	})
	t.Run("AfterReplyConflictWithoutSecondRefund", func(t *testing.T) {
		mailMember(t, id("sender3"), "Sender Three", map[string]any{"inmailCredits": 1})
		member(t, id("ron"), "Ron")
		s := sendMail(t, id("sender3"), map[string]any{"to": id("ron"), "body": "Hello Ron"})
		wantCredits(t, id("sender3"), 0)
		sendMail(t, id("ron"), map[string]any{"to": id("sender3"), "body": "Thanks, not now"})
		wantCredits(t, id("sender3"), 1)
		declineMail(t, id("ron"), s.ID, nil).expectProblem(http.StatusConflict)
		wantCredits(t, id("sender3"), 1)
		wantStatus(t, id("ron"), s.ID, "replied")
	})
}

func TestRefundOnReply(t *testing.T) {
	id := ids(t)
	mailMember(t, id("sender"), "Sender", map[string]any{"inmailCredits": 2})
	mailMember(t, id("rita"), "Rita", map[string]any{"inmailCredits": 4})
	s := sendMail(t, id("sender"), map[string]any{"to": id("rita"), "body": "Open to a chat?"})
	wantCredits(t, id("sender"), 1)
	wantStatus(t, id("sender"), s.ID, "pending")

	t.Run("ReplyRefundsTheSender", func(t *testing.T) {
		r := sendMail(t, id("rita"), map[string]any{"to": id("sender"), "body": "Sure"})
		if r.Kind != "message" || r.Cost != 0 || r.InMailCredits != 4 || r.ThreadID != s.ThreadID {
			t.Errorf("reply %+v, want a free message in thread %s leaving Rita 4 credits", r, s.ThreadID)
		}
		wantCredits(t, id("sender"), 2)
		wantCredits(t, id("rita"), 4)
		wantStatus(t, id("sender"), s.ID, "replied")
		wantStatus(t, id("rita"), s.ID, "replied")
	})
	t.Run("SecondReplyRefundsNothing", func(t *testing.T) {
		sendMail(t, id("rita"), map[string]any{"to": id("sender"), "body": "Are you there?"})
		wantCredits(t, id("sender"), 2)
	})
	t.Run("MessageAsNewConnectionRefunds", func(t *testing.T) {
		// Any message from the recipient answers the InMail, also once the two are connected.
		mailMember(t, id("sender2"), "Sender Two", map[string]any{"inmailCredits": 1})
		member(t, id("ray"), "Ray")
		s := sendMail(t, id("sender2"), map[string]any{"to": id("ray"), "body": "Shall we connect?"})
		wantCredits(t, id("sender2"), 0)
		connect(t, id("sender2"), id("ray"))
		r := sendMail(t, id("ray"), map[string]any{"to": id("sender2"), "body": "Connected, hi"})
		if r.Kind != "message" || r.Cost != 0 {
			t.Errorf("reply %+v, want a free message", r)
		}
		wantCredits(t, id("sender2"), 1)
		wantStatus(t, id("sender2"), s.ID, "replied")
	})
	t.Run("SenderFollowUpIsFree", func(t *testing.T) {
		f := sendMail(t, id("sender"), map[string]any{"to": id("rita"), "body": "Yes, Tuesday?"})
		if f.Kind != "message" || f.Cost != 0 || f.InMailCredits != 2 {
			t.Errorf("follow-up %+v, want a free message", f)
		}
		wantCredits(t, id("sender"), 2)
	})
}

func TestRefundWindow(t *testing.T) {
	id := ids(t)
	// Four pairs on the free plan, so no monthly grant moves the credits. Each sender spends its
	// only credit now; two recipients answer after 89 days, two after 91.
	pairs := []string{"declineEarly", "replyEarly", "declineLate", "replyLate"}
	sent := map[string]mailSent{}
	for _, p := range pairs {
		mailMember(t, id(p+"From"), "Sender", map[string]any{"inmailCredits": 1})
		member(t, id(p+"To"), "Recipient")
		sent[p] = sendMail(t, id(p+"From"), map[string]any{"to": id(p + "To"), "body": "Hello from " + p})
		wantCredits(t, id(p+"From"), 0)
	}
	answer := func(t *testing.T, pair string) {
		t.Helper()
		if pair == "declineEarly" || pair == "declineLate" {
			declineMail(t, id(pair+"To"), sent[pair].ID, nil).expect(http.StatusOK)
			wantStatus(t, id(pair+"From"), sent[pair].ID, "declined")
			return
		}
		sendMail(t, id(pair+"To"), map[string]any{"to": id(pair + "From"), "body": "Thanks"})
		wantStatus(t, id(pair+"From"), sent[pair].ID, "replied")
	}

	env.clock.advance(89 * 24 * time.Hour)
	t.Run("DeclineWithin90DaysRefunds", func(t *testing.T) {
		answer(t, "declineEarly")
		wantCredits(t, id("declineEarlyFrom"), 1)
	})
	t.Run("ReplyWithin90DaysRefunds", func(t *testing.T) {
		answer(t, "replyEarly")
		wantCredits(t, id("replyEarlyFrom"), 1)
	})
	env.clock.advance(2 * 24 * time.Hour)
	t.Run("DeclineAfter90DaysRefundsNothing", func(t *testing.T) {
		answer(t, "declineLate")
		wantCredits(t, id("declineLateFrom"), 0)
		wantRefusedDeclined(t, id("declineLateFrom"), id("declineLateTo"))
	})
	t.Run("ReplyAfter90DaysRefundsNothing", func(t *testing.T) {
		answer(t, "replyLate")
		wantCredits(t, id("replyLateFrom"), 0)
	})
	t.Run("EarlyRefundsStayOnce", func(t *testing.T) {
		wantCredits(t, id("declineEarlyFrom"), 1)
		wantCredits(t, id("replyEarlyFrom"), 1)
	})
}

func TestRefundOpenProfile(t *testing.T) {
	id := ids(t)
	mailMember(t, id("sender"), "Sender", map[string]any{"inmailCredits": 2})
	member(t, id("open1"), "Open One")
	member(t, id("open2"), "Open Two")
	for _, o := range []string{"open1", "open2"} {
		as(t, id(o)).do(http.MethodPatch, "/v1/me/settings", map[string]any{"openProfile": true}).expect(http.StatusOK)
	}

	t.Run("CostsNothing", func(t *testing.T) {
		d := mailMessaging(t, id("sender"), id("open1"))
		if !d.Allowed || d.Channel == nil || *d.Channel != "open_profile" || d.Cost != 0 || d.Reason != "open_profile" {
			t.Fatalf("messaging %+v (channel %v), want open_profile at cost 0", d, statusText(d.Channel))
		}
		s := sendMail(t, id("sender"), map[string]any{"to": id("open1"), "body": "Hello, open profile"})
		if s.Kind != "inmail" || s.Cost != 0 || s.InMailCredits != 2 {
			t.Fatalf("send %+v, want a free InMail leaving 2 credits", s)
		}
		wantCredits(t, id("sender"), 2)
		wantStatus(t, id("open1"), s.ID, "pending")

		t.Run("ReplyRefundsNothing", func(t *testing.T) {
			sendMail(t, id("open1"), map[string]any{"to": id("sender"), "body": "Hi back"})
			wantStatus(t, id("sender"), s.ID, "replied")
			wantCredits(t, id("sender"), 2)
		})
	})
	t.Run("DeclineRefundsNothing", func(t *testing.T) {
		s := sendMail(t, id("sender"), map[string]any{"to": id("open2"), "body": "Hello again, open profile"})
		if s.Cost != 0 {
			t.Fatalf("send %+v, want cost 0", s)
		}
		declineMail(t, id("open2"), s.ID, nil).expect(http.StatusOK)
		wantStatus(t, id("sender"), s.ID, "declined")
		wantCredits(t, id("sender"), 2)
	})
}

func TestPlanCredits(t *testing.T) {
	id := ids(t)
	const month = 32 * 24 * time.Hour // at least one calendar month, and less than two
	cases := []struct {
		name    string
		updates []map[string]any // admin updates applied in order to a new member with 0 credits
		plan    string
		want    [3]int // credits at once, after one month, after three months
	}{
		{"CareerGrantsFiveMonthlyUpToFifteen", []map[string]any{{"plan": "career"}}, "career", [3]int{5, 10, 15}},
		{"SamePlanAgainGrantsNothing", []map[string]any{{"plan": "career"}, {"plan": "career"}, {"plan": "career", "headline": "Still career"}},
			"career", [3]int{5, 10, 15}},
		{"CreditsGivenWithPlanAreExact", []map[string]any{{"plan": "career", "inmailCredits": 2}}, "career", [3]int{2, 7, 15}},
		{"AboveCapKept", []map[string]any{{"plan": "career", "inmailCredits": 20}}, "career", [3]int{20, 20, 20}},
		{"AboveCapKeptWhenMovingToPlan", []map[string]any{{"inmailCredits": 20}, {"plan": "career"}}, "career", [3]int{20, 20, 20}},
		{"FreeGetsNothing", []map[string]any{{"plan": "free", "inmailCredits": 3}}, "free", [3]int{3, 3, 3}},
		{"BackToFreeKeepsCreditsGrantsNothing", []map[string]any{{"plan": "career"}, {"plan": "free"}}, "free", [3]int{5, 5, 5}},
		{"BusinessAddsFifteenUpToFortyFive", []map[string]any{{"plan": "career"}, {"plan": "business"}}, "business", [3]int{20, 35, 45}},
		{"BusinessGrantCappedAtFortyFive", []map[string]any{{"plan": "career", "inmailCredits": 40}, {"plan": "business"}},
			"business", [3]int{45, 45, 45}},
		{"RecruiterLiteGrantsThirty", []map[string]any{{"plan": "recruiter_lite"}}, "recruiter_lite", [3]int{30, 60, 90}},
		{"SalesNavigatorGrantsFifty", []map[string]any{{"plan": "sales_navigator"}}, "sales_navigator", [3]int{50, 100, 150}},
	}
	for _, tc := range cases {
		member(t, id(tc.name), "Subscriber")
		for _, u := range tc.updates {
			updateMember(t, id(tc.name), "Subscriber", u)
		}
	}
	check := func(t *testing.T, when int) {
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				if got := accountOf(t, id(tc.name)); got.Plan != tc.plan || got.InMailCredits != tc.want[when] {
					t.Errorf("%+v, want plan %s with %d credits", got, tc.plan, tc.want[when])
				}
			})
		}
	}
	t.Run("AtOnce", func(t *testing.T) { check(t, 0) })
	t.Run("GrantShownByAdminUpdate", func(t *testing.T) {
		member(t, id("shown"), "Shown")
		if a := updateMember(t, id("shown"), "Shown", map[string]any{"plan": "career"}); a.Plan != "career" || a.InMailCredits != 5 {
			t.Errorf("admin update answered %+v, want career with 5 credits", a)
		}
	})
	env.clock.advance(month)
	t.Run("AfterOneMonth", func(t *testing.T) { check(t, 1) })
	env.clock.advance(2 * month)
	t.Run("AfterThreeMonths", func(t *testing.T) { check(t, 2) })
}

func TestPlanSpendThenRenew(t *testing.T) {
	id := ids(t)
	const month = 32 * 24 * time.Hour
	member(t, id("payer"), "Payer")
	member(t, id("friend"), "Friend")
	connect(t, id("payer"), id("friend"))
	for _, r := range []string{"r1", "r2", "r3"} {
		member(t, id(r), "Recipient")
	}
	updateMember(t, id("payer"), "Payer", map[string]any{"plan": "career"})
	wantCredits(t, id("payer"), 5)

	spend := func(t *testing.T, to string, left int) {
		t.Helper()
		s := sendMail(t, id("payer"), map[string]any{"to": id(to), "body": "Hello " + to})
		if s.Kind != "inmail" || s.Cost != 1 || s.InMailCredits != left {
			t.Errorf("send %+v, want an InMail costing 1 and leaving %d credits", s, left)
		}
		wantCredits(t, id("payer"), left)
	}
	t.Run("SpendOne", func(t *testing.T) { spend(t, "r1", 4) })
	env.clock.advance(month)
	t.Run("RenewedAfterOneMonth", func(t *testing.T) { wantCredits(t, id("payer"), 9) })
	t.Run("FreeMessageGrantsNothingMore", func(t *testing.T) {
		s := sendMail(t, id("payer"), map[string]any{"to": id("friend"), "body": "Hi friend"})
		if s.Kind != "message" || s.Cost != 0 || s.InMailCredits != 9 {
			t.Errorf("send %+v, want a free message leaving 9 credits", s)
		}
		wantCredits(t, id("payer"), 9)
	})
	t.Run("SpendAfterRenewal", func(t *testing.T) { spend(t, "r2", 8) })
	env.clock.advance(month)
	t.Run("RenewedAfterTwoMonths", func(t *testing.T) { wantCredits(t, id("payer"), 13) })
	env.clock.advance(month)
	t.Run("CappedAfterThreeMonths", func(t *testing.T) {
		wantCredits(t, id("payer"), 15)
		spend(t, "r3", 14)
	})
}

func TestPlanCreditsSetDirectly(t *testing.T) {
	id := ids(t)
	const month = 32 * 24 * time.Hour
	for _, m := range []string{"withPlan", "withoutPlan"} {
		member(t, id(m), "Subscriber")
		updateMember(t, id(m), "Subscriber", map[string]any{"plan": "career"})
	}
	env.clock.advance(month)
	// A grant fell due a month after the plan began; an administrator then sets the balance.
	t.Run("WithSamePlanExact", func(t *testing.T) {
		wantCredits(t, id("withPlan"), 10)
		updateMember(t, id("withPlan"), "Subscriber", map[string]any{"plan": "career", "inmailCredits": 2})
		wantCredits(t, id("withPlan"), 2)
	})
	t.Run("WithoutPlanExact", func(t *testing.T) {
		wantCredits(t, id("withoutPlan"), 10)
		updateMember(t, id("withoutPlan"), "Subscriber", map[string]any{"inmailCredits": 1})
		if a := accountOf(t, id("withoutPlan")); a.Plan != "career" || a.InMailCredits != 1 {
			t.Errorf("%+v, want career with exactly 1 credit", a)
		}
	})
}

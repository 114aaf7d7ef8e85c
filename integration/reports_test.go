package integration

import (
	"net/http"
	"testing"
	"time"
)

// reachMessaging is a reachability answer with its messaging decision.
type reachMessaging struct {
	Label     string `json:"label"`
	Messaging struct {
		Allowed bool    `json:"allowed"`
		Channel *string `json:"channel"`
		Cost    int     `json:"cost"`
		Reason  string  `json:"reason"`
	} `json:"messaging"`
}

func messagingReason(t *testing.T, from, to string) reachMessaging {
	t.Helper()
	var r reachMessaging
	as(t, from).get("/v1/members/" + to + "/reachability").expect(http.StatusOK).into(&r)
	return r
}

// fileReport reports member as reporter and checks the 202 answer.
func fileReport(t *testing.T, reporter, member string, body map[string]any) {
	t.Helper()
	req := map[string]any{"member": member, "reason": "spam"}
	for k, v := range body {
		req[k] = v
	}
	var got struct {
		Status string `json:"status"`
	}
	as(t, reporter).do(http.MethodPost, "/v1/reports", req).expect(http.StatusAccepted).into(&got)
	if got.Status != "received" {
		t.Fatalf("report answered status %q, want received", got.Status)
	}
}

func restricted(t *testing.T, who string) bool {
	t.Helper()
	var m struct {
		Restricted *bool `json:"restricted"`
	}
	as(t, who).get("/v1/me").expect(http.StatusOK).into(&m)
	if m.Restricted == nil {
		t.Fatal("GET /v1/me has no restricted field")
	}
	return *m.Restricted
}

// reportTarget creates a member with InMail credits, so that only a restriction stops their
// InMail to a stranger.
func reportTarget(t *testing.T, id string) {
	t.Helper()
	admin(t).do(http.MethodPut, "/v1/admin/members/"+id, map[string]any{"name": "Sam Spammer", "inmailCredits": 5}).
		expect(http.StatusCreated)
}

// expectInMailAllowed checks that from may send to an InMail, which a restriction would refuse.
func expectInMailAllowed(t *testing.T, from, to string) {
	t.Helper()
	if r := messagingReason(t, from, to); !r.Messaging.Allowed || r.Messaging.Reason != "inmail" {
		t.Errorf("messaging %+v, want allowed with reason inmail", r.Messaging)
	}
}

func TestReportRestricts(t *testing.T) {
	id := ids(t)
	reportTarget(t, id("sam"))
	for _, n := range []string{"r1", "r2", "r3", "stranger", "friend"} {
		member(t, id(n), "Member "+n)
	}
	connect(t, id("sam"), id("friend"))
	admin(t).do(http.MethodPut, "/v1/admin/members/"+id("writer"), map[string]any{"name": "Wendy Writer", "inmailCredits": 1}).
		expect(http.StatusCreated)
	first := deliver(t, id("writer"), id("sam"), "Would you like to talk about a role?")
	if first.Kind != "inmail" {
		t.Fatalf("writer's first message is a %s, want an inmail", first.Kind)
	}

	t.Run("TwoReportersDoNotRestrict", func(t *testing.T) {
		fileReport(t, id("r1"), id("sam"), map[string]any{"reason": "spam"})
		fileReport(t, id("r2"), id("sam"), map[string]any{"reason": "harassment"})
		if restricted(t, id("sam")) {
			t.Fatal("restricted after 2 reports")
		}
		expectInMailAllowed(t, id("sam"), id("stranger"))
	})
	t.Run("ThirdReporterRestricts", func(t *testing.T) {
		fileReport(t, id("r3"), id("sam"), map[string]any{"reason": "fake"})
		if !restricted(t, id("sam")) {
			t.Fatal("not restricted after 3 different reporters")
		}
	})
	t.Run("StrangerRefusedSenderRestricted", func(t *testing.T) {
		r := messagingReason(t, id("sam"), id("stranger"))
		if r.Messaging.Allowed || r.Messaging.Channel != nil || r.Messaging.Cost != 0 || r.Messaging.Reason != "sender_restricted" {
			t.Errorf("messaging %+v, want refused with reason sender_restricted and no channel", r.Messaging)
		}
		p := as(t, id("sam")).do(http.MethodPost, "/v1/messages", map[string]string{"to": id("stranger"), "body": "Buy now"}).
			expectProblem(http.StatusForbidden)
		if p.Reason != "sender_restricted" {
			t.Errorf("reason %q, want sender_restricted", p.Reason)
		}
		var m me
		as(t, id("sam")).get("/v1/me").expect(http.StatusOK).into(&m)
		if m.InMailCredits != 5 {
			t.Errorf("credits %d after a refused send, want 5", m.InMailCredits)
		}
	})
	t.Run("ConnectionStillMessaged", func(t *testing.T) {
		if r := messagingReason(t, id("sam"), id("friend")); !r.Messaging.Allowed || r.Messaging.Reason != "connected" {
			t.Errorf("messaging %+v, want allowed with reason connected", r.Messaging)
		}
		if d := deliver(t, id("sam"), id("friend"), "See you tomorrow"); d.Kind != "message" || d.Cost != 0 {
			t.Errorf("sent %+v, want a free message", d)
		}
	})
	t.Run("ReplyStillAllowed", func(t *testing.T) {
		if r := messagingReason(t, id("sam"), id("writer")); !r.Messaging.Allowed || r.Messaging.Reason != "thread_reply" {
			t.Errorf("messaging %+v, want allowed with reason thread_reply", r.Messaging)
		}
		if d := deliver(t, id("sam"), id("writer"), "Yes, tell me more"); d.Kind != "message" || d.Cost != 0 || d.ThreadID != first.ThreadID {
			t.Errorf("sent %+v, want a free message in thread %s", d, first.ThreadID)
		}
	})
}

func TestReportSameReporterThriceDoesNotRestrict(t *testing.T) {
	id := ids(t)
	reportTarget(t, id("sam"))
	member(t, id("r1"), "Reporter")
	member(t, id("stranger"), "Stranger")
	for _, reason := range []string{"spam", "spam", "harassment"} {
		fileReport(t, id("r1"), id("sam"), map[string]any{"reason": reason})
	}
	if restricted(t, id("sam")) {
		t.Fatal("restricted by one member's three reports")
	}
	expectInMailAllowed(t, id("sam"), id("stranger"))
}

func TestReportWindow(t *testing.T) {
	id := ids(t)
	reportTarget(t, id("sam"))
	reportTarget(t, id("sue"))
	for _, n := range []string{"r1", "r2", "r3", "r4", "stranger"} {
		member(t, id(n), "Member "+n)
	}

	t.Run("ReportsWithin30DaysCount", func(t *testing.T) {
		fileReport(t, id("r1"), id("sue"), nil)
		env.clock.advance(29 * 24 * time.Hour)
		fileReport(t, id("r2"), id("sue"), nil)
		fileReport(t, id("r3"), id("sue"), nil)
		if !restricted(t, id("sue")) {
			t.Error("not restricted by 3 reporters within 29 days")
		}
	})
	t.Run("ReportsOlderThan30DaysDoNotCount", func(t *testing.T) {
		fileReport(t, id("r1"), id("sam"), nil)
		env.clock.advance(31 * 24 * time.Hour)
		fileReport(t, id("r2"), id("sam"), nil)
		fileReport(t, id("r3"), id("sam"), nil)
		if restricted(t, id("sam")) {
			t.Fatal("a report 31 days old counted towards the restriction")
		}
		expectInMailAllowed(t, id("sam"), id("stranger"))
		fileReport(t, id("r4"), id("sam"), nil)
		if !restricted(t, id("sam")) {
			t.Error("not restricted by 3 reporters within the last 30 days")
		}
	})
}

func TestReportLiftRestriction(t *testing.T) {
	id := ids(t)
	reportTarget(t, id("sam"))
	for _, n := range []string{"r1", "r2", "r3", "stranger"} {
		member(t, id(n), "Member "+n)
	}
	for _, r := range []string{"r1", "r2", "r3"} {
		fileReport(t, id(r), id("sam"), nil)
	}
	if !restricted(t, id("sam")) {
		t.Fatal("not restricted after 3 reporters")
	}
	path := "/v1/admin/members/" + id("sam") + "/restriction"

	t.Run("NonAdminIs403", func(t *testing.T) {
		as(t, id("sam")).do(http.MethodDelete, path, nil).expectProblem(http.StatusForbidden)
		as(t, id("r1")).do(http.MethodDelete, path, nil).expectProblem(http.StatusForbidden)
		if !restricted(t, id("sam")) {
			t.Error("a member lifted the restriction")
		}
	})
	t.Run("AdminLifts", func(t *testing.T) {
		admin(t).do(http.MethodDelete, path, nil).expect(http.StatusNoContent)
		if restricted(t, id("sam")) {
			t.Fatal("still restricted after the lift")
		}
		expectInMailAllowed(t, id("sam"), id("stranger"))
		if d := deliver(t, id("sam"), id("stranger"), "Hello again"); d.Kind != "inmail" || d.Cost != 1 {
			t.Errorf("sent %+v, want a paid inmail", d)
		}
	})
	t.Run("EarlierReportsNoLongerCount", func(t *testing.T) {
		// r1 and r2 report again: with r3's report from before the lift that would make three.
		fileReport(t, id("r1"), id("sam"), nil)
		fileReport(t, id("r2"), id("sam"), nil)
		if restricted(t, id("sam")) {
			t.Fatal("reports from before the lift counted towards a new restriction")
		}
		fileReport(t, id("r3"), id("sam"), nil)
		if !restricted(t, id("sam")) {
			t.Error("not restricted by 3 reporters after the lift")
		}
	})
	t.Run("UnknownIs404", func(t *testing.T) {
		admin(t).do(http.MethodDelete, "/v1/admin/members/"+id("nobody")+"/restriction", nil).expectProblem(http.StatusNotFound)
	})
}

func TestReportAndBlock(t *testing.T) {
	id := ids(t)
	network(t, id, [2]string{"sam", "r1"}, [2]string{"sam", "r2"})
	fileReport(t, id("r1"), id("sam"), map[string]any{"reason": "harassment", "block": true})
	fileReport(t, id("r2"), id("sam"), map[string]any{"reason": "harassment", "block": false})

	t.Run("BlockTrueBlocks", func(t *testing.T) {
		got := blockList(t, id("r1"), 10)
		if len(got) != 1 || got[0].ID != id("sam") {
			t.Errorf("the reporter's blocks: %+v, want sam", got)
		}
		as(t, id("r1")).get("/v1/members/" + id("sam")).expectProblem(http.StatusNotFound)
		as(t, id("sam")).get("/v1/members/" + id("r1")).expectProblem(http.StatusNotFound)
	})
	t.Run("WithoutBlockNoBlock", func(t *testing.T) {
		if got := blockList(t, id("r2"), 10); len(got) != 0 {
			t.Errorf("the reporter's blocks: %+v, want none", got)
		}
		if r := reachability(t, id("r2"), id("sam")); r.Label != "1st" {
			t.Errorf("reachability %+v, want 1st still", r)
		}
	})
}

func TestReportMessage(t *testing.T) {
	id := ids(t)
	network(t, id, [2]string{"sam", "me"}, [2]string{"sam", "other"}, [2]string{"me", "other"})
	fromSam := deliver(t, id("sam"), id("me"), "Cheap watches")
	fromMe := deliver(t, id("me"), id("sam"), "Stop it")
	samToOther := deliver(t, id("sam"), id("other"), "Cheap watches")
	fromOther := deliver(t, id("other"), id("me"), "Did sam write to you too?")

	t.Run("MessageFromThemToMe", func(t *testing.T) {
		fileReport(t, id("me"), id("sam"), map[string]any{"message": fromSam.ID})
	})
	for _, tc := range []struct{ name, member, message string }{
		{"MessageIWroteIs404", id("sam"), fromMe.ID},
		{"MessageToSomeoneElseIs404", id("sam"), samToOther.ID},
		{"MessageFromAnotherMemberIs404", id("sam"), fromOther.ID},
		{"MemberDidNotSendItIs404", id("other"), fromSam.ID},
		{"UnknownMessageIs404", id("sam"), "NOSUCHMESSAGE0000000000000"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			as(t, id("me")).do(http.MethodPost, "/v1/reports", map[string]any{
				"member": tc.member, "message": tc.message, "reason": "spam",
			}).expectProblem(http.StatusNotFound)
		})
	}
}

func TestReportBadInput(t *testing.T) {
	id := ids(t)
	member(t, id("me"), "Me")
	member(t, id("sam"), "Sam")
	for _, tc := range []struct {
		name  string
		body  any
		field string
	}{
		{"InvalidReason", map[string]any{"member": id("sam"), "reason": "rude"}, "reason"},
		{"MissingReason", map[string]any{"member": id("sam")}, "reason"},
		{"ReasonWrongType", map[string]any{"member": id("sam"), "reason": 3}, "reason"},
		{"MissingMember", map[string]any{"reason": "spam"}, "member"},
		{"BadMember", map[string]any{"member": "a b", "reason": "spam"}, "member"},
		{"BadMessage", map[string]any{"member": id("sam"), "reason": "spam", "message": "not an id"}, "message"},
		{"UnknownField", map[string]any{"member": id("sam"), "reason": "spam", "comment": "x"}, "comment"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := as(t, id("me")).do(http.MethodPost, "/v1/reports", tc.body).expectProblem(http.StatusBadRequest)
			if p.Field != tc.field {
				t.Errorf("field %q, want %q (%s)", p.Field, tc.field, p.Detail)
			}
		})
	}
	t.Run("SelfIs422", func(t *testing.T) {
		as(t, id("me")).do(http.MethodPost, "/v1/reports", map[string]any{"member": id("me"), "reason": "spam"}).
			expectProblem(http.StatusUnprocessableEntity)
	})
	t.Run("UnknownMemberIs404", func(t *testing.T) {
		as(t, id("me")).do(http.MethodPost, "/v1/reports", map[string]any{"member": id("nobody"), "reason": "spam"}).
			expectProblem(http.StatusNotFound)
	})
	t.Run("EveryReasonAccepted", func(t *testing.T) {
		for _, r := range []string{"spam", "harassment", "inappropriate", "fake", "other"} {
			fileReport(t, id("me"), id("sam"), map[string]any{"reason": r})
		}
	})
}

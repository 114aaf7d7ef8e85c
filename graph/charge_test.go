package graph

import (
	"testing"
	"time"
)

// TestChargeFor checks what a send changes of its sender: a message nothing, an InMail its cost
// in credits and a pending status, a request one more of the month's requests, counted afresh in
// a new month.
func TestChargeFor(t *testing.T) {
	now := time.Date(2026, 12, 6, 10, 0, 0, 0, time.UTC)
	sender := Member{ID: "ann", Plan: PlanFree, InMailCredits: 3,
		Quota: Quota{GrantedAt: now.Add(-time.Hour), RequestsMonth: RequestMonth(now.AddDate(0, -1, 0)), RequestsSent: 9}}
	for _, tc := range []struct {
		name                   string
		d                      Decision
		credits, month, sentRq int
		status                 InMailStatus
	}{
		{"Message", Decision{Allowed: true, Channel: ChannelMessage}, 3, sender.Quota.RequestsMonth, 9, ""},
		{"InMail", Decision{Allowed: true, Channel: ChannelInMail, Cost: 1}, 2, sender.Quota.RequestsMonth, 9, StatusPending},
		{"RequestInANewMonth", Decision{Allowed: true, Channel: ChannelRequest}, 3, RequestMonth(now), 1, StatusPending},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := ChargeFor(sender, "bob", tc.d, "m1", now)
			if c.Sent.InMailCredits != tc.credits || c.RequestsMonth != tc.month || c.RequestsSent != tc.sentRq || c.Status != tc.status {
				t.Errorf("%+v", c)
			}
			if c.Sent.ID != "m1" || c.Sent.ThreadID != ThreadID("ann", "bob") || c.Sent.Cost != tc.d.Cost {
				t.Errorf("sent %+v", c.Sent)
			}
		})
	}
}

package graph

import (
	"testing"
	"time"
)

func TestDecide(t *testing.T) {
	// base is a stranger who would be sent a paid InMail; each case changes what it names.
	base := Facts{Degree: OutOfNetwork, InMail: InMailAnyone, Credits: 2}
	allow := func(c Channel, cost int, r Reason) Decision {
		return Decision{Allowed: true, Channel: c, Cost: cost, Reason: r}
	}
	refuse := func(r Reason) Decision { return Decision{Reason: r} }
	group, acme := Affiliate{ID: "g1", Name: "Go users"}, Affiliate{ID: "acme", Name: "Acme"}
	request := func(r Reason, via Affiliate) Decision {
		return Decision{Allowed: true, Channel: ChannelRequest, Reason: r, Via: via}
	}
	// fellow makes the pair fellow members of a group, with requests left to send.
	fellow := func(f *Facts) { f.SharedGroup, f.RequestsLeft = group, 3 }
	cases := []struct {
		name string
		edit func(*Facts)
		want Decision
	}{
		{"InMail", func(*Facts) {}, allow(ChannelInMail, 1, ReasonInMail)},
		{"Self", func(f *Facts) { f.Self, f.Degree = true, Self }, refuse(ReasonSelf)},
		{"SelfBeatsEverything", func(f *Facts) { f.Self, f.Degree, f.Restricted, f.Credits = true, Self, true, 0 }, refuse(ReasonSelf)},
		{"Connected", func(f *Facts) { f.Degree = First }, allow(ChannelMessage, 0, ReasonConnected)},
		{"ConnectedBeatsRestricted", func(f *Facts) { f.Degree, f.Restricted, f.InMail = First, true, InMailOff }, allow(ChannelMessage, 0, ReasonConnected)},
		{"ConnectedBeatsReply", func(f *Facts) { f.Degree, f.TheyWroteFirst = First, true }, allow(ChannelMessage, 0, ReasonConnected)},
		{"Reply", func(f *Facts) { f.TheyWroteFirst = true }, allow(ChannelReply, 0, ReasonThreadReply)},
		{"ReplyBeatsRestrictedAndDeclined", func(f *Facts) { f.TheyWroteFirst, f.Restricted, f.Declined = true, true, true }, allow(ChannelReply, 0, ReasonThreadReply)},
		{"Restricted", func(f *Facts) { f.Restricted = true }, refuse(ReasonSenderRestricted)},
		{"RestrictedBeatsDeclined", func(f *Facts) { f.Restricted, f.Declined = true, true }, refuse(ReasonSenderRestricted)},
		{"Declined", func(f *Facts) { f.Declined = true }, refuse(ReasonDeclined)},
		{"DeclinedBeatsAwaiting", func(f *Facts) { f.Declined, f.AwaitingReply = true, true }, refuse(ReasonDeclined)},
		{"Awaiting", func(f *Facts) { f.AwaitingReply = true }, refuse(ReasonAwaitingReply)},
		{"AwaitingBeatsInMailOff", func(f *Facts) { f.AwaitingReply, f.InMail = true, InMailOff }, refuse(ReasonAwaitingReply)},
		{"Accepted", func(f *Facts) { f.Accepted = true }, allow(ChannelReply, 0, ReasonThreadReply)},
		{"AcceptedBeatsRestricted", func(f *Facts) { f.Accepted, f.Restricted = true, true }, allow(ChannelReply, 0, ReasonThreadReply)},
		{"SharedGroup", fellow, request(ReasonSharedGroup, group)},
		{"Coworker", func(f *Facts) { f.Coworker, f.RequestsLeft = acme, 1 }, request(ReasonCoworker, acme)},
		{"SharedGroupBeatsCoworker", func(f *Facts) { fellow(f); f.Coworker = acme }, request(ReasonSharedGroup, group)},
		{"ConnectedBeatsRequest", func(f *Facts) { fellow(f); f.Degree = First }, allow(ChannelMessage, 0, ReasonConnected)},
		{"ReplyBeatsRequest", func(f *Facts) { fellow(f); f.TheyWroteFirst = true }, allow(ChannelReply, 0, ReasonThreadReply)},
		{"RestrictedBeatsRequest", func(f *Facts) { fellow(f); f.Restricted = true }, refuse(ReasonSenderRestricted)},
		{"DeclinedBeatsRequest", func(f *Facts) { fellow(f); f.Declined = true }, refuse(ReasonDeclined)},
		{"AwaitingBeatsRequest", func(f *Facts) { fellow(f); f.AwaitingReply = true }, refuse(ReasonAwaitingReply)},
		{"RequestBeatsInMailOff", func(f *Facts) { fellow(f); f.InMail = InMailOff }, request(ReasonSharedGroup, group)},
		{"RequestBeatsNetworkOnly", func(f *Facts) { fellow(f); f.InMail = InMailNetwork }, request(ReasonSharedGroup, group)},
		{"RequestBeatsOpenProfile", func(f *Facts) { fellow(f); f.OpenProfile = true }, request(ReasonSharedGroup, group)},
		{"RequestsOffThenInMail", func(f *Facts) { fellow(f); f.RequestsOff = true }, allow(ChannelInMail, 1, ReasonInMail)},
		{"RequestsOffThenInMailOff", func(f *Facts) { fellow(f); f.RequestsOff, f.InMail = true, InMailOff }, refuse(ReasonRecipientInMailOff)},
		{"PastTheCapThenInMail", func(f *Facts) { fellow(f); f.RequestsLeft = 0 }, allow(ChannelInMail, 1, ReasonInMail)},
		{"PastTheCapThenNoCredits", func(f *Facts) { fellow(f); f.RequestsLeft, f.Credits = 0, 0 }, refuse(ReasonNoCredits)},
		{"NoBasisThenInMail", func(f *Facts) { f.RequestsLeft = 15 }, allow(ChannelInMail, 1, ReasonInMail)},
		{"InMailOff", func(f *Facts) { f.InMail = InMailOff }, refuse(ReasonRecipientInMailOff)},
		{"InMailOffBeatsOpenProfile", func(f *Facts) { f.InMail, f.OpenProfile = InMailOff, true }, refuse(ReasonRecipientInMailOff)},
		{"NetworkOnly", func(f *Facts) { f.InMail = InMailNetwork }, refuse(ReasonRecipientNetworkOnly)},
		{"NetworkOnlyBeatsOpenProfile", func(f *Facts) { f.InMail, f.OpenProfile = InMailNetwork, true }, refuse(ReasonRecipientNetworkOnly)},
		{"NetworkOnlyThirdDegree", func(f *Facts) { f.InMail, f.Degree = InMailNetwork, Third }, allow(ChannelInMail, 1, ReasonInMail)},
		{"NetworkOnlySecondDegree", func(f *Facts) { f.InMail, f.Degree = InMailNetwork, Second }, allow(ChannelInMail, 1, ReasonInMail)},
		{"OpenProfile", func(f *Facts) { f.OpenProfile = true }, allow(ChannelOpenProfile, 0, ReasonOpenProfile)},
		{"OpenProfileBeatsNoCredits", func(f *Facts) { f.OpenProfile, f.Credits = true, 0 }, allow(ChannelOpenProfile, 0, ReasonOpenProfile)},
		{"NoCredits", func(f *Facts) { f.Credits = 0 }, refuse(ReasonNoCredits)},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := base
			tc.edit(&f)
			if got := Decide(f); got != tc.want {
				t.Errorf("Decide(%+v) = %+v, want %+v", f, got, tc.want)
			}
		})
	}
}

func TestRequestsLeft(t *testing.T) {
	now := time.Date(2026, 12, 1, 0, 30, 0, 0, time.UTC)
	cases := []struct {
		name        string
		month, sent int
		want        int
	}{
		{"NoneSent", 0, 0, 15},
		{"SomeThisMonth", 202612, 4, 11},
		{"AllThisMonth", 202612, 15, 0},
		{"AboveTheCap", 202612, 20, 0}, // the cap was lowered
		{"LastMonthsDoNotCount", 202611, 15, 15},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := RequestsLeft(15, tc.month, tc.sent, now); got != tc.want {
				t.Errorf("RequestsLeft(15, %d, %d) = %d, want %d", tc.month, tc.sent, got, tc.want)
			}
		})
	}
	// The month is UTC's: just past midnight on the first in UTC is still November further west.
	if got := RequestMonth(now.In(time.FixedZone("PST", -8*3600))); got != 202612 {
		t.Errorf("RequestMonth = %d, want 202612", got)
	}
}

func TestRenew(t *testing.T) {
	start := time.Date(2026, 1, 31, 12, 0, 0, 0, time.UTC)
	cases := []struct {
		name        string
		plan        Plan
		credits     int
		now         time.Time
		wantCredits int
		wantGranted time.Time
	}{
		{"NotYetAMonth", PlanCareer, 5, start.AddDate(0, 0, 27), 5, start},
		{"OneMonth", PlanCareer, 2, start.AddDate(0, 1, 0), 7, start.AddDate(0, 1, 0)},
		{"TwoMonthsBankedToThree", PlanCareer, 5, start.AddDate(0, 2, 3), 15, start.AddDate(0, 2, 0)},
		{"BankCapped", PlanCareer, 14, start.AddDate(0, 5, 0), 15, start.AddDate(0, 5, 0)},
		{"AboveCapKept", PlanCareer, 40, start.AddDate(0, 1, 0), 40, start.AddDate(0, 1, 0)},
		{"Free", PlanFree, 3, start.AddDate(1, 0, 0), 3, start},
		{"SalesNavigator", PlanSalesNavigator, 0, start.AddDate(0, 1, 0), 50, start.AddDate(0, 1, 0)},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c, g := Renew(tc.plan, tc.credits, start, tc.now)
			if c != tc.wantCredits || !g.Equal(tc.wantGranted) {
				t.Errorf("renew = %d, %v; want %d, %v", c, g, tc.wantCredits, tc.wantGranted)
			}
		})
	}
	if got := Grant(PlanBusiness, 40); got != 45 {
		t.Errorf("grant(business, 40) = %d, want 45 (capped at three allotments)", got)
	}
	if got := Grant(PlanBusiness, 50); got != 50 {
		t.Errorf("grant(business, 50) = %d, want 50 (kept)", got)
	}
}

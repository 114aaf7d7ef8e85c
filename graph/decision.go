package graph

import (
	"time"
)

// Channel is how a message may reach its recipient.
type Channel string

// The channels.
const (
	ChannelNone        Channel = ""
	ChannelMessage     Channel = "message"      // a 1st-degree connection: free
	ChannelReply       Channel = "reply"        // the recipient wrote to the sender before: free
	ChannelOpenProfile Channel = "open_profile" // the recipient accepts InMail from anyone for free
	ChannelInMail      Channel = "inmail"       // a paid InMail: one credit
	// ChannelRequest is a message request, free, to a fellow member of a group or a current
	// coworker; it counts towards the sender's monthly cap and waits for the recipient to accept.
	ChannelRequest Channel = "request"
)

// Reason says which rule decided.
type Reason string

// The reasons, in the order the rules apply.
const (
	ReasonSelf                 Reason = "self"
	ReasonConnected            Reason = "connected"
	ReasonThreadReply          Reason = "thread_reply"
	ReasonSenderRestricted     Reason = "sender_restricted"
	ReasonDeclined             Reason = "declined"
	ReasonAwaitingReply        Reason = "awaiting_reply"
	ReasonSharedGroup          Reason = "shared_group"
	ReasonCoworker             Reason = "coworker"
	ReasonRecipientInMailOff   Reason = "recipient_inmail_off"
	ReasonRecipientNetworkOnly Reason = "recipient_network_only"
	ReasonOpenProfile          Reason = "open_profile"
	ReasonNoCredits            Reason = "no_credits"
	ReasonInMail               Reason = "inmail"
	// Abuse limits, applied when sending.
	ReasonRateLimited Reason = "rate_limited"
	ReasonMassBlast   Reason = "mass_blast"
	// ReasonClosed: the member closed their account (a conversation with a former member).
	ReasonClosed Reason = "closed"
)

// Decision is whether the caller may message a member, how, and at what cost in credits.
type Decision struct {
	Allowed bool
	Channel Channel
	Cost    int
	Reason  Reason
	// Via is what allows a message request: the group both are in (ReasonSharedGroup) or the
	// company where both hold a current position (ReasonCoworker). Zero on other channels.
	Via Affiliate
}

// RequestVia is what allows the message request d decides on, as a message records it; zero when
// d is not a request.
func (d Decision) RequestVia() Via {
	switch d.Reason {
	case ReasonSharedGroup:
		return Via{Kind: "group", Affiliate: d.Via}
	case ReasonCoworker:
		return Via{Kind: "company", Affiliate: d.Via}
	}
	return Via{}
}

// Kind is the kind of message a channel sends: an InMail for inmail and open_profile, a request
// for request, a plain message otherwise.
func (c Channel) Kind() MessageKind {
	switch c {
	case ChannelInMail, ChannelOpenProfile:
		return KindInMail
	case ChannelRequest:
		return KindRequest
	}
	return KindMessage
}

// Facts are what the graph says about a caller and a member, everything the decision needs.
// A missing member, or a block either way, never reaches Decide: the store answers not found.
type Facts struct {
	Self           bool
	Degree         Degree
	TheyWroteFirst bool // the member has sent the caller a message before
	Accepted       bool // the member accepted a message request from the caller
	Restricted     bool // the caller is restricted by reports
	Declined       bool // the member declined an InMail or a message request from the caller
	AwaitingReply  bool // the caller has an InMail or a request to the member not yet answered
	// SharedGroup is a group both are in, and Coworker a company where both hold a current
	// position: of each, the one with the lowest id; zero when there is none.
	SharedGroup  Affiliate
	Coworker     Affiliate
	RequestsOff  bool // the member turned message requests off
	RequestsLeft int  // the message requests the caller may still send this month
	InMail       InMailPolicy
	OpenProfile  bool
	Credits      int // the caller's InMail credits
}

// Decide applies the messaging rules in order; the first that applies wins.
func Decide(f Facts) Decision {
	refuse := func(r Reason) Decision { return Decision{Reason: r} }
	allow := func(c Channel, cost int, r Reason) Decision {
		return Decision{Allowed: true, Channel: c, Cost: cost, Reason: r}
	}
	switch {
	case f.Self:
		return refuse(ReasonSelf)
	case f.Degree == First:
		return allow(ChannelMessage, 0, ReasonConnected)
	case f.TheyWroteFirst || f.Accepted:
		return allow(ChannelReply, 0, ReasonThreadReply)
	case f.Restricted:
		return refuse(ReasonSenderRestricted)
	case f.Declined:
		return refuse(ReasonDeclined)
	case f.AwaitingReply:
		return refuse(ReasonAwaitingReply)
	case f.mayRequest() && f.SharedGroup.ID != "":
		return Decision{Allowed: true, Channel: ChannelRequest, Reason: ReasonSharedGroup, Via: f.SharedGroup}
	case f.mayRequest() && f.Coworker.ID != "":
		return Decision{Allowed: true, Channel: ChannelRequest, Reason: ReasonCoworker, Via: f.Coworker}
	case f.InMail == InMailOff:
		return refuse(ReasonRecipientInMailOff)
	case f.InMail == InMailNetwork && !f.Degree.InNetwork():
		return refuse(ReasonRecipientNetworkOnly)
	case f.OpenProfile:
		return allow(ChannelOpenProfile, 0, ReasonOpenProfile)
	case f.Credits < 1:
		return refuse(ReasonNoCredits)
	default:
		return allow(ChannelInMail, 1, ReasonInMail)
	}
}

// mayRequest reports whether a message request is open to the caller, given a group or company
// the two share: the member has not turned requests off and the caller is within the monthly cap.
// Past the cap, the InMail rules decide.
func (f Facts) mayRequest() bool { return !f.RequestsOff && f.RequestsLeft > 0 }

// RequestsLeft is how many message requests a member may still send in the month of now, under a
// cap of monthly, given that they sent sent requests in month (as RequestMonth numbers it): a
// count from an earlier month no longer counts.
func RequestsLeft(monthly, month, sent int, now time.Time) int {
	if month != RequestMonth(now) {
		sent = 0
	}
	return max(monthly-sent, 0)
}

// RequestMonth numbers the calendar month (UTC) of t as year*100 + month: the period the monthly
// cap on message requests counts over.
func RequestMonth(t time.Time) int {
	t = t.UTC()
	return t.Year()*100 + int(t.Month())
}

// DefaultRequestsMonthly is how many message requests a member may send a month, LinkedIn's figure.
const DefaultRequestsMonthly = 15

// Plan is a member's subscription; it decides the InMail credits granted each month.
type Plan string

// The plans.
const (
	PlanFree           Plan = "free"
	PlanCareer         Plan = "career"
	PlanBusiness       Plan = "business"
	PlanSalesNavigator Plan = "sales_navigator"
	PlanRecruiterLite  Plan = "recruiter_lite"
)

// monthlyCredits is each plan's monthly InMail allotment.
var monthlyCredits = map[Plan]int{
	PlanFree: 0, PlanCareer: 5, PlanBusiness: 15, PlanSalesNavigator: 50, PlanRecruiterLite: 30,
}

// Valid reports whether p is one of the plans.
func (p Plan) Valid() bool { _, ok := monthlyCredits[p]; return ok }

// Allotment is the plan's monthly InMail credits.
func (p Plan) Allotment() int { return monthlyCredits[p] }

// bankedMonths is how many monthly allotments unused credits may add up to.
const bankedMonths = 3

// renew grants the allotments that fell due between grantedAt and now: one per whole month,
// banking up to three allotments. A balance already above that (set by an administrator) is
// kept. It returns the new balance and the time of the latest grant.
func Renew(p Plan, credits int, grantedAt, now time.Time) (int, time.Time) {
	allot := p.Allotment()
	if allot == 0 || grantedAt.IsZero() {
		return credits, grantedAt
	}
	months := 0
	for !grantedAt.AddDate(0, months+1, 0).After(now) {
		months++
	}
	if months == 0 {
		return credits, grantedAt
	}
	ceiling := bankedMonths * allot
	if credits < ceiling {
		credits = min(credits+months*allot, ceiling)
	}
	return credits, grantedAt.AddDate(0, months, 0)
}

// grant is the plan's first allotment, given when a member is put on it.
func Grant(p Plan, credits int) int {
	ceiling := bankedMonths * p.Allotment()
	if credits >= ceiling {
		return credits
	}
	return min(credits+p.Allotment(), ceiling)
}

// Complete finishes an answer whose degree, mutual count and pair facts an answering path has
// read: it adds what the rules need of the caller and the member (self, restriction, InMail
// policy, open profile, credits, requests left) and decides. Every path calls it, so the rules
// read the same facts whichever path answers.
func Complete(r Reach, member, caller Member, now time.Time, requestsMonthly int) Reach {
	caller = caller.Current(now, requestsMonthly)
	r.MemberID = member.ID
	r.Facts.Self = r.Degree == Self
	r.Facts.Degree = r.Degree
	r.Facts.Restricted = caller.Restricted
	r.Facts.InMail = member.Settings.InMail
	r.Facts.OpenProfile = member.Settings.OpenProfile
	r.Facts.Credits = caller.InMailCredits
	r.Facts.RequestsOff = !member.Settings.MessageRequests
	r.Facts.RequestsLeft = caller.RequestsLeft
	r.Messaging = Decide(r.Facts)
	return r
}

// Current is m as of now: the monthly grants of credits that fell due since the last one written
// applied, and the message requests m may still send this month under a cap of requestsMonthly.
func (m Member) Current(now time.Time, requestsMonthly int) Member {
	m.InMailCredits, m.Quota.GrantedAt = Renew(m.Plan, m.InMailCredits, m.Quota.GrantedAt, now)
	m.RequestsLeft = RequestsLeft(requestsMonthly, m.Quota.RequestsMonth, m.Quota.RequestsSent, now)
	return m
}

// RefusalDetail says in words why a message to the member named name may not be sent, as a
// refusal for reason r tells its sender.
func RefusalDetail(r Reason, name string) string {
	switch r {
	case ReasonSenderRestricted:
		return "your messaging is restricted after reports from other members"
	case ReasonDeclined:
		return name + " declined your InMail or message request before"
	case ReasonAwaitingReply:
		return "your InMail or message request to " + name + " has not been answered yet"
	case ReasonRecipientInMailOff:
		return name + " does not accept InMail"
	case ReasonRecipientNetworkOnly:
		return name + " accepts InMail only from members within 3 degrees"
	case ReasonNoCredits:
		return "you have no InMail credits left"
	default:
		return "you may not message " + name
	}
}

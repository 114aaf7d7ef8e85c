package graph

import (
	"context"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/reach-network/reach/cypher"
)

// Baseline answers the hot questions the way a team without reach would, straight through the
// driver: shortestPath for the degree, a pattern count for mutual connections, and a separate
// query, each its own round trip, for blocks, settings, credits and history. The benchmark runs
// it beside the store on the same graph. It applies the same rules (Decide), so any difference
// is in how the graph is asked.
type Baseline struct{ s *Store }

// Baseline returns the baseline over the store's driver.
func (s *Store) Baseline() *Baseline { return &Baseline{s: s} }

// Reachability answers degree, mutual count and the messaging decision in six round trips.
func (b *Baseline) Reachability(ctx context.Context, caller, member string) (_ Relation, err error) {
	defer wrap(&err, "Baseline.Reachability(%q, %q)", caller, member)
	params := map[string]any{"caller": caller, "member": member}
	one := func(query string) (*neo4j.Record, error) {
		recs, err := b.s.read(ctx, query, params)
		if err != nil || len(recs) == 0 {
			if err == nil {
				err = memberNotFound(member)
			}
			return nil, err
		}
		return recs[0], nil
	}
	rec, err := one(cypher.BaselineBlocked)
	if err != nil {
		return Relation{}, err
	}
	if blocked, _ := value[bool](rec, "blocked"); blocked {
		return Relation{}, memberNotFound(member)
	}
	r := Relation{Degree: OutOfNetwork}
	if caller == member {
		r.Degree = Self
	} else {
		if rec, err = one(cypher.BaselineDegree); err != nil {
			return Relation{}, err
		}
		if d, isNull, err := neo4j.GetRecordValue[int64](rec, "degree"); err == nil && !isNull {
			r.Degree = Degree(d)
		}
		if rec, err = one(cypher.BaselineMutualCount); err != nil {
			return Relation{}, err
		}
		mutual, _ := value[int64](rec, "mutual")
		r.MutualCount = int(mutual)
	}
	if rec, err = one(cypher.BaselineSettings); err != nil {
		return Relation{}, err
	}
	inmail, _ := value[string](rec, "inmail")
	open, _ := value[bool](rec, "openProfile")
	requests, _ := value[bool](rec, "messageRequests")
	if rec, err = one(cypher.BaselineSender); err != nil {
		return Relation{}, err
	}
	credits, _ := value[int64](rec, "credits")
	plan, _ := value[string](rec, "plan")
	grantedAt, _ := value[time.Time](rec, "planGrantedAt")
	restricted, _ := value[bool](rec, "restricted")
	month, _ := value[int64](rec, "requestsMonth")
	sent, _ := value[int64](rec, "requestsSent")
	if rec, err = one(cypher.BaselineHistory); err != nil {
		return Relation{}, err
	}
	wrote, _ := value[bool](rec, "theyWroteFirst")
	declined, _ := value[bool](rec, "declined")
	awaiting, _ := value[bool](rec, "awaitingReply")
	accepted, _ := value[bool](rec, "accepted")
	groups, _ := value[[]any](rec, "sharedGroup")
	companies, _ := value[[]any](rec, "coworker")
	group, _ := firstAffiliate(groups)
	company, _ := firstAffiliate(companies)
	now := b.s.clock()
	current, _ := renew(Plan(plan), int(credits), grantedAt, now)
	r.Facts = Facts{
		Self: r.Degree == Self, Degree: r.Degree, TheyWroteFirst: wrote, Accepted: accepted,
		Restricted: restricted, Declined: declined, AwaitingReply: awaiting,
		SharedGroup: group, Coworker: company, RequestsOff: !requests,
		RequestsLeft: RequestsLeft(b.s.limits.RequestsMonthly, int(month), int(sent), now),
		InMail:       InMailPolicy(inmail), OpenProfile: open, Credits: current,
	}
	r.Messaging = Decide(r.Facts)
	return r, nil
}

// MutualConnections answers the first page of shared connections and their total in two round
// trips: the page, then the count.
func (b *Baseline) MutualConnections(ctx context.Context, caller, member string, limit int) (_ Page[MemberSummary], err error) {
	defer wrap(&err, "Baseline.MutualConnections(%q, %q)", caller, member)
	params := map[string]any{"caller": caller, "member": member, "limit": int64(limit)}
	recs, err := b.s.read(ctx, cypher.BaselineMutualPage, params)
	if err != nil {
		return Page[MemberSummary]{}, err
	}
	var page Page[MemberSummary]
	for _, rec := range recs {
		id, _ := value[string](rec, "id")
		name, _ := value[string](rec, "name")
		headline, _ := value[string](rec, "headline")
		page.Items = append(page.Items, MemberSummary{ID: id, Name: name, Headline: headline})
	}
	count, err := b.s.read(ctx, cypher.BaselineMutualCount, params)
	if err != nil || len(count) == 0 {
		return page, err
	}
	total, err := value[int64](count[0], "mutual")
	page.Total = int(total)
	return page, err
}

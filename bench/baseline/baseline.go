// Package baseline is the benchmark's Cypher baseline, the way a team without reach would ask
// Neo4j, with the sampling and export statements only the benchmark runs. The service never
// imports it.
package baseline

import (
	"context"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
	"github.com/reach-network/reach/graph"
	"github.com/reach-network/reach/graph/bolt"
	"github.com/reach-network/reach/graph/neo4jstore"
)

// Baseline answers the hot questions the way a team without reach would, straight through the
// driver: shortestPath for the degree, a pattern count for mutual connections, and a separate
// query, each its own round trip, for blocks, settings, credits and history. The benchmark runs
// it beside the store on the same graph. It applies the same rules (Decide), so any difference
// is in how the graph is asked.
type Baseline struct {
	db     *bolt.DB
	clock  func() time.Time
	limits graph.Limits
}

// NewBaseline returns the baseline over the store's driver, with the store's clock and limits.
func NewBaseline(s *neo4jstore.Store) *Baseline {
	return &Baseline{db: s.DB(), clock: s.Clock, limits: s.Limits()}
}

// Reachability answers degree, mutual count and the messaging decision in six round trips.
func (b *Baseline) Reachability(ctx context.Context, caller, member string) (_ graph.Relation, err error) {
	defer bolt.Wrap(&err, "Baseline.Reachability(%q, %q)", caller, member)
	params := map[string]any{"caller": caller, "member": member}
	one := func(query string) (*neo4j.Record, error) {
		recs, err := b.db.Read(ctx, query, params)
		if err != nil || len(recs) == 0 {
			if err == nil {
				err = graph.MemberNotFound(member)
			}
			return nil, err
		}
		return recs[0], nil
	}
	rec, err := one(baselineBlocked)
	if err != nil {
		return graph.Relation{}, err
	}
	if blocked, _ := bolt.Value[bool](rec, "blocked"); blocked {
		return graph.Relation{}, graph.MemberNotFound(member)
	}
	r := graph.Relation{Degree: graph.OutOfNetwork}
	if caller == member {
		r.Degree = graph.Self
	} else {
		if rec, err = one(baselineDegree); err != nil {
			return graph.Relation{}, err
		}
		if d, isNull, err := neo4j.GetRecordValue[int64](rec, "degree"); err == nil && !isNull {
			r.Degree = graph.Degree(d)
		}
		if rec, err = one(baselineMutualCount); err != nil {
			return graph.Relation{}, err
		}
		mutual, _ := bolt.Value[int64](rec, "mutual")
		r.MutualCount = int(mutual)
	}
	if rec, err = one(baselineSettings); err != nil {
		return graph.Relation{}, err
	}
	inmail, _ := bolt.Value[string](rec, "inmail")
	open, _ := bolt.Value[bool](rec, "openProfile")
	requests, _ := bolt.Value[bool](rec, "messageRequests")
	if rec, err = one(baselineSender); err != nil {
		return graph.Relation{}, err
	}
	credits, _ := bolt.Value[int64](rec, "credits")
	plan, _ := bolt.Value[string](rec, "plan")
	grantedAt, _ := bolt.Value[time.Time](rec, "planGrantedAt")
	restricted, _ := bolt.Value[bool](rec, "restricted")
	month, _ := bolt.Value[int64](rec, "requestsMonth")
	sent, _ := bolt.Value[int64](rec, "requestsSent")
	if rec, err = one(baselineHistory); err != nil {
		return graph.Relation{}, err
	}
	wrote, _ := bolt.Value[bool](rec, "theyWroteFirst")
	declined, _ := bolt.Value[bool](rec, "declined")
	awaiting, _ := bolt.Value[bool](rec, "awaitingReply")
	accepted, _ := bolt.Value[bool](rec, "accepted")
	groups, _ := bolt.Value[[]any](rec, "sharedGroup")
	companies, _ := bolt.Value[[]any](rec, "coworker")
	group, _ := neo4jstore.FirstAffiliate(groups)
	company, _ := neo4jstore.FirstAffiliate(companies)
	now := b.clock()
	current, _ := graph.Renew(graph.Plan(plan), int(credits), grantedAt, now)
	r.Facts = graph.Facts{
		Self: r.Degree == graph.Self, Degree: r.Degree, TheyWroteFirst: wrote, Accepted: accepted,
		Restricted: restricted, Declined: declined, AwaitingReply: awaiting,
		SharedGroup: group, Coworker: company, RequestsOff: !requests,
		RequestsLeft: graph.RequestsLeft(b.limits.RequestsMonthly, int(month), int(sent), now),
		InMail:       graph.InMailPolicy(inmail), OpenProfile: open, Credits: current,
	}
	r.Messaging = graph.Decide(r.Facts)
	return r, nil
}

// MutualConnections answers the first page of shared connections and their total in two round
// trips: the page, then the count.
func (b *Baseline) MutualConnections(ctx context.Context, caller, member string, limit int) (_ graph.Page[graph.MemberSummary], err error) {
	defer bolt.Wrap(&err, "Baseline.MutualConnections(%q, %q)", caller, member)
	params := map[string]any{"caller": caller, "member": member, "limit": int64(limit)}
	recs, err := b.db.Read(ctx, baselineMutualPage, params)
	if err != nil {
		return graph.Page[graph.MemberSummary]{}, err
	}
	var page graph.Page[graph.MemberSummary]
	for _, rec := range recs {
		id, _ := bolt.Value[string](rec, "id")
		name, _ := bolt.Value[string](rec, "name")
		headline, _ := bolt.Value[string](rec, "headline")
		page.Items = append(page.Items, graph.MemberSummary{ID: id, Name: name, Headline: headline})
	}
	count, err := b.db.Read(ctx, baselineMutualCount, params)
	if err != nil || len(count) == 0 {
		return page, err
	}
	total, err := bolt.Value[int64](count[0], "mutual")
	page.Total = int(total)
	return page, err
}

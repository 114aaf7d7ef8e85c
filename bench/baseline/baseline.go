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
// it beside the store on the same graph. It hands what it reads to the same completion and rules
// (graph.Complete), so any difference is in how the graph is asked.
type Baseline struct {
	db     *bolt.DB
	clock  func() time.Time
	limits graph.Limits
}

// NewBaseline returns the baseline over the store's driver, with the store's clock and limits.
func NewBaseline(s *neo4jstore.Store) *Baseline {
	return &Baseline{db: s.DB(), clock: s.Clock, limits: s.Limits()}
}

// Answer is the baseline's answer about a pair: the degree, the mutual count, the facts it read
// and the decision. It does not say what the two share, which the baseline does not ask.
type Answer struct {
	Degree      graph.Degree
	MutualCount int
	Facts       graph.Facts
	Messaging   graph.Decision
}

// Reachability answers degree, mutual count and the messaging decision in six round trips.
func (b *Baseline) Reachability(ctx context.Context, caller, member string) (_ Answer, err error) {
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
		return Answer{}, err
	}
	if blocked, _ := bolt.Value[bool](rec, "blocked"); blocked {
		return Answer{}, graph.MemberNotFound(member)
	}
	r := graph.Reach{Degree: graph.OutOfNetwork}
	if caller == member {
		r.Degree = graph.Self
	} else {
		if rec, err = one(baselineDegree); err != nil {
			return Answer{}, err
		}
		if d, isNull, err := neo4j.GetRecordValue[int64](rec, "degree"); err == nil && !isNull {
			r.Degree = graph.Degree(d)
		}
		if rec, err = one(baselineMutualCount); err != nil {
			return Answer{}, err
		}
		mutual, _ := bolt.Value[int64](rec, "mutual")
		r.MutualCount = int(mutual)
	}
	if rec, err = one(baselineSettings); err != nil {
		return Answer{}, err
	}
	inmail, _ := bolt.Value[string](rec, "inmail")
	to := graph.Member{ID: member, Settings: graph.Settings{InMail: graph.InMailPolicy(inmail)}}
	to.Settings.OpenProfile, _ = bolt.Value[bool](rec, "openProfile")
	to.Settings.MessageRequests, _ = bolt.Value[bool](rec, "messageRequests")
	if rec, err = one(baselineSender); err != nil {
		return Answer{}, err
	}
	credits, _ := bolt.Value[int64](rec, "credits")
	plan, _ := bolt.Value[string](rec, "plan")
	month, _ := bolt.Value[int64](rec, "requestsMonth")
	sent, _ := bolt.Value[int64](rec, "requestsSent")
	from := graph.Member{ID: caller, Plan: graph.Plan(plan), InMailCredits: int(credits),
		Quota: graph.Quota{RequestsMonth: int(month), RequestsSent: int(sent)}}
	from.Quota.GrantedAt, _ = bolt.Value[time.Time](rec, "planGrantedAt")
	from.Restricted, _ = bolt.Value[bool](rec, "restricted")
	if rec, err = one(baselineHistory); err != nil {
		return Answer{}, err
	}
	groups, _ := bolt.Value[[]any](rec, "sharedGroup")
	companies, _ := bolt.Value[[]any](rec, "coworker")
	r.Facts.TheyWroteFirst, _ = bolt.Value[bool](rec, "theyWroteFirst")
	r.Facts.Declined, _ = bolt.Value[bool](rec, "declined")
	r.Facts.AwaitingReply, _ = bolt.Value[bool](rec, "awaitingReply")
	r.Facts.Accepted, _ = bolt.Value[bool](rec, "accepted")
	r.Facts.SharedGroup, _ = neo4jstore.FirstAffiliate(groups)
	r.Facts.Coworker, _ = neo4jstore.FirstAffiliate(companies)
	r = graph.Complete(r, to, from, b.clock(), b.limits.RequestsMonthly)
	return Answer{Degree: r.Degree, MutualCount: r.MutualCount, Facts: r.Facts, Messaging: r.Messaging}, nil
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

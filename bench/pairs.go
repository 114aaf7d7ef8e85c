package bench

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"

	"github.com/reach-network/reach/api"
	"github.com/reach-network/reach/graph"
)

// Kinds of pairs the benchmark asks about, so that every answer is well represented.
const (
	KindFirst        = "1st"
	KindSecond       = "2nd"
	KindThird        = "3rd"
	KindOutOfNetwork = "out_of_network"
	KindHub          = "hub" // one side is among the most connected members
)

// Members whose mailboxes the benchmark pages, each filed as a pair with the second member left
// empty: the members with the most conversations, and members with the median number.
const (
	KindMailboxLargest = "mailbox_largest"
	KindMailboxMedian  = "mailbox_median"
)

// LargestMailboxes is how many of the largest mailboxes the benchmark pages.
const LargestMailboxes = 3

// MailboxPage is how many conversations a page the benchmark asks for holds at most: the API's
// default page, since its requests name no limit.
const MailboxPage = api.DefaultLimit

// Kinds lists the pair kinds in the order they are reported.
var Kinds = []string{KindFirst, KindSecond, KindThird, KindOutOfNetwork, KindHub}

// Sampler is what drawing pairs needs of the graph.
type Sampler interface {
	SampleMembers(ctx context.Context, n int) ([]string, error)
	TopConnected(ctx context.Context, n int) ([]string, error)
	RandomNeighbor(ctx context.Context, id string) (string, error)
	Relation(ctx context.Context, caller, member string) (graph.Relation, error)
}

// Pairs are (caller, member) pairs by kind.
type Pairs map[string][][2]string

// Counts says how many pairs of each kind were drawn.
func (p Pairs) Counts() map[string]int {
	out := make(map[string]int, len(p))
	for k, v := range p {
		out[k] = len(v)
	}
	return out
}

// Pick returns a pair of a kind drawn uniformly among the kinds that have pairs, so each kind
// gets the same share of requests however rare it is in the graph.
func (p Pairs) Pick(rng *rand.Rand, kinds ...string) [2]string {
	var have []string
	for _, k := range kinds {
		if len(p[k]) > 0 {
			have = append(have, k)
		}
	}
	list := p[have[rng.IntN(len(have))]]
	return list[rng.IntN(len(list))]
}

// Caller returns the first member of a pair of one of kinds, as Pick draws it; or of any of
// Kinds when none of kinds has pairs (pairs drawn from a graph with no conversations, or before
// mailboxes were drawn).
func (p Pairs) Caller(rng *rand.Rand, kinds ...string) string {
	for _, k := range kinds {
		if len(p[k]) > 0 {
			return p.Pick(rng, kinds...)[0]
		}
	}
	return p.Pick(rng, Kinds...)[0]
}

// MailboxSampler is what drawing mailboxes needs of the graph.
type MailboxSampler interface {
	LargestMailboxes(ctx context.Context, n int) ([]string, error)
	MedianMailboxes(ctx context.Context, n, page int) ([]string, error)
}

// DrawMailboxes files under KindMailboxLargest the LargestMailboxes members with the most
// conversations, and under KindMailboxMedian up to n members whose inbox fills a page
// (MailboxPage) and holds at most the median number of conversations among such members: pages
// of the same size, so that the two differ by their mailboxes only.
func (p Pairs) DrawMailboxes(ctx context.Context, s MailboxSampler, n int) error {
	largest, err := s.LargestMailboxes(ctx, LargestMailboxes)
	if err != nil {
		return err
	}
	median, err := s.MedianMailboxes(ctx, n, MailboxPage)
	if err != nil {
		return err
	}
	for kind, ids := range map[string][]string{KindMailboxLargest: largest, KindMailboxMedian: median} {
		for _, id := range ids {
			p[kind] = append(p[kind], [2]string{id, ""})
		}
	}
	return nil
}

// DrawPairs draws up to perKind pairs of each kind: from random members, it walks one, two and
// three random steps along connections and also pairs them with other random members, and sorts
// each candidate by the degree reach answers; hub pairs put one of the ten most connected members
// on either side. Pairs in a block relation are skipped.
func DrawPairs(ctx context.Context, s Sampler, perKind int, rng *rand.Rand) (Pairs, error) {
	pairs := Pairs{}
	sources, err := s.SampleMembers(ctx, 4*perKind)
	if err != nil {
		return nil, err
	}
	if len(sources) < 2 {
		return nil, errors.New("the graph has fewer than two members")
	}
	hubs, err := s.TopConnected(ctx, 10)
	if err != nil {
		return nil, err
	}
	add := func(kind string, a, b string) {
		if len(pairs[kind]) < perKind {
			pairs[kind] = append(pairs[kind], [2]string{a, b})
		}
	}
	classify := func(a, b string) error {
		if a == "" || b == "" || a == b {
			return nil
		}
		r, err := s.Relation(ctx, a, b)
		if errors.Is(err, graph.ErrNotFound) {
			return nil
		}
		if err != nil {
			return err
		}
		add(r.Degree.Label(), a, b)
		return nil
	}
	full := func() bool {
		for _, k := range []string{KindFirst, KindSecond, KindThird, KindOutOfNetwork} {
			if len(pairs[k]) < perKind {
				return false
			}
		}
		return true
	}
	for _, src := range sources {
		if full() {
			break
		}
		step := src
		for range 3 {
			if step, err = s.RandomNeighbor(ctx, step); err != nil {
				return nil, err
			}
			if err := classify(src, step); err != nil {
				return nil, err
			}
		}
		if err := classify(src, sources[rng.IntN(len(sources))]); err != nil {
			return nil, err
		}
	}
	for i := 0; len(hubs) > 0 && i < perKind; i++ {
		hub, other := hubs[rng.IntN(len(hubs))], sources[rng.IntN(len(sources))]
		if i%2 == 1 {
			hub, other = other, hub
		}
		if _, err := s.Relation(ctx, hub, other); err == nil && hub != other {
			add(KindHub, hub, other)
		} else if err != nil && !errors.Is(err, graph.ErrNotFound) {
			return nil, err
		}
	}
	if len(pairs) == 0 {
		return nil, fmt.Errorf("no pairs drawn from %d members", len(sources))
	}
	return pairs, nil
}

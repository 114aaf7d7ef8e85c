package api

import (
	"context"
	"time"

	"github.com/maypok86/otter/v2"
)

// Roster is what authentication asks of the graph, through knownMembers: whether a member exists.
type Roster interface {
	MemberExists(ctx context.Context, id string) (bool, error)
	// Gone reports whether the replica's copy of the graph does not hold id as present: closed
	// (as the change log says), or not known yet; false when it has no copy.
	Gone(id string) bool
}

// Bounds of the known-members cache: how many ids it holds at most, and for how long.
const (
	knownMembersMax = 100_000
	knownMembersTTL = time.Minute
)

// knownMembers remembers, for a while, the ids of members who exist, so that authenticating a
// request rarely asks the graph. It never remembers that a member does not exist, so one created
// a moment after a refusal is admitted at once; and it holds a bounded number of ids, evicting
// the least useful, so a stream of different callers cannot grow it without limit.
type knownMembers struct {
	graph Roster
	ids   *otter.Cache[string, struct{}]
}

// newKnownMembers remembers up to knownMembersMax ids for knownMembersTTL each.
func newKnownMembers(graph Roster) *knownMembers {
	return newKnownMembersWith(graph, knownMembersMax, knownMembersTTL, nil)
}

// newKnownMembersWith is newKnownMembers with its bounds, and the cache's clock (nil for the real
// one), given.
func newKnownMembersWith(graph Roster, size int, ttl time.Duration, clock otter.Clock) *knownMembers {
	return &knownMembers{graph: graph, ids: otter.Must(&otter.Options[string, struct{}]{
		MaximumSize:      size,
		ExpiryCalculator: otter.ExpiryWriting[string, struct{}](ttl),
		Clock:            clock,
	})}
}

// forget drops id from memory, as its account closes: the next request with its token asks the
// graph, and is refused.
func (k *knownMembers) forget(id string) { k.ids.Invalidate(id) }

// exist reports whether member id exists, from memory when it was seen lately and the change log
// has not since said the member is gone (an account closed through another replica). The graph's
// errors are returned as they are.
func (k *knownMembers) exist(ctx context.Context, id string) (bool, error) {
	if _, ok := k.ids.GetIfPresent(id); ok && !k.graph.Gone(id) {
		return true, nil
	}
	exists, err := k.graph.MemberExists(ctx, id)
	if err != nil || !exists {
		return false, err
	}
	k.ids.Set(id, struct{}{})
	return true, nil
}

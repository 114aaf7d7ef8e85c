package seed

import "github.com/reach-network/reach/graph"

// What members choose of their conversations: most leave them in the inbox, some archive those
// they are done with, a few mute one.
const (
	archivedShare    = 0.2  // of the sides whose last message is at least archiveAfterDays old
	archiveAfterDays = 14   // archiving is for conversations gone quiet
	mutedShare       = 0.03 // of every side
)

// side is what member chose of their side of the conversation with other.
type side struct {
	member, other uint32
	flags         uint8 // sideArchived, sideMuted
}

const (
	sideArchived uint8 = 1 << iota
	sideMuted
)

// makeSides draws, for each side of each conversation, whether its member archived or muted it,
// keeping the sides that chose either. It draws from a stream of its own, after every message is
// made, so that the rest of the network is the same as without them.
func (g *Generated) makeSides() {
	r := newRNG(g.spec.Seed, streamSides, 0)
	var pairs []uint64 // in the order of their first message, so that the draws are the same each time
	last := make(map[uint64]stamp)
	for _, m := range g.messages {
		key := pairKey(m.from, m.to)
		if _, ok := last[key]; !ok {
			pairs = append(pairs, key)
		}
		last[key] = max(last[key], m.sent)
	}
	for _, key := range pairs {
		lo, hi := unpair(key)
		quiet := g.now-last[key] >= archiveAfterDays*day
		for _, ends := range [2][2]uint32{{lo, hi}, {hi, lo}} {
			var flags uint8
			if quiet && r.chance(archivedShare) {
				flags |= sideArchived
			}
			if r.chance(mutedShare) {
				flags |= sideMuted
			}
			if flags != 0 {
				g.sides = append(g.sides, side{member: ends[0], other: ends[1], flags: flags})
			}
		}
	}
}

// Side is the k-th side a member chose something of.
func (g *Generated) Side(k int) graph.ImportSide {
	x := &g.sides[k]
	return graph.ImportSide{Member: g.ID(int(x.member)), With: g.ID(int(x.other)),
		Archived: x.flags&sideArchived != 0, Muted: x.flags&sideMuted != 0}
}

// sideConversations are the conversations of the sides, each once, as indices of the side that
// comes first: both sides of a conversation are next to each other in g.sides.
func (g *Generated) sideConversations() []int {
	var out []int
	for k, x := range g.sides {
		if k == 0 || pairKey(x.member, x.other) != pairKey(g.sides[k-1].member, g.sides[k-1].other) {
			out = append(out, k)
		}
	}
	return out
}

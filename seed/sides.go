package seed

import "github.com/reach-network/reach/graph"

// What members choose of their conversations: most leave them in the inbox, some archive those
// they are done with, a few mute one.
const (
	archivedShare    = 0.2  // of the sides whose last message is at least archiveAfterDays old
	archiveAfterDays = 14   // archiving is for conversations gone quiet
	mutedShare       = 0.03 // of every side
)

// side is what member chose of their side of the conversation with other, and where the rules
// filed it.
type side struct {
	member, other uint32
	flags         uint8 // sideArchived, sideMuted, sideOther
}

const (
	sideArchived uint8 = 1 << iota
	sideMuted
	sideOther // the rules filed it in Other: its first message came from a sender who looked like a blast
)

// makeSides draws, for each side of each conversation, whether its member archived or muted it,
// keeping the sides that chose either. It draws from a stream of its own, after every message is
// made, so that the rest of the network is the same as without them.
func (g *Generated) makeSides() {
	r := newRNG(g.spec.Seed, streamSides, 0)
	other := g.filedInOther()
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
			if other[[2]uint32{ends[0], ends[1]}] {
				flags |= sideOther
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
		Archived: x.flags&sideArchived != 0, Muted: x.flags&sideMuted != 0, Other: x.flags&sideOther != 0}
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

// filedInOther replays the Other box's rule (graph.Limits.Blasting, with the default limits) over
// the InMails, reading at each send what cypher/SenderSignals.cypher reads then: the sender's
// InMails of the 30 days before it and how many of them had been declined by then, the other members who got the same body in the 24 hours before it, and
// the reports against the sender in those 30 days. It returns the sides, as {recipient, sender},
// that an InMail filed in Other: each InMail starts its conversation, between members not
// connected, so nothing filed the recipient's side before it.
func (g *Generated) filedInOther() map[[2]uint32]bool {
	bySender := make(map[uint32][]int) // indices in g.messages
	for i, m := range g.messages {
		if channels[m.channel].Kind() == graph.KindInMail {
			bySender[m.from] = append(bySender[m.from], i)
		}
	}
	reported := make(map[uint32][]stamp)
	for _, rep := range g.reports {
		reported[rep.member] = append(reported[rep.member], rep.at)
	}
	out := make(map[[2]uint32]bool)
	for from, sent := range bySender {
		for _, i := range sent {
			if graph.DefaultLimits.Blasting(g.blastSignals(sent, g.messages[i], reported[from])) {
				out[[2]uint32{g.messages[i].to, from}] = true
			}
		}
	}
	return out
}

// blastSignals are the signals of a sender as InMail m goes out, sent their InMails (indices in
// g.messages; those not before m count for nothing) and reports the times of the reports against
// them.
func (g *Generated) blastSignals(sent []int, m message, reports []stamp) graph.BlastSignals {
	const day, month = stamp(graph.AbuseWindow / 1e9), stamp(graph.ReportWindow / 1e9)
	var s graph.BlastSignals
	sameBody := make(map[uint32]bool)
	for _, i := range sent {
		e := g.messages[i]
		if e.sent <= m.sent-month || e.sent >= m.sent {
			continue
		}
		s.Sent++
		if e.status == statusDeclined && e.answered < m.sent {
			s.Declined++
		}
		if e.sent > m.sent-day && g.inmailBody(e) == g.inmailBody(m) && e.to != m.to {
			sameBody[e.to] = true
		}
	}
	s.SameBody = len(sameBody)
	for _, at := range reports {
		if at > m.sent-month && at < m.sent {
			s.Reported++
		}
	}
	return s
}

package seed

import "github.com/reach-network/reach/graph"

// A few members send mass blasts: one InMail body to as many strangers in a day as the blast limit
// lets through. The Other box's rule files it in their recipients' Other box from its
// OtherSameBody-th recipient on (filedInOther), as it would have online.
const (
	blastersPerMember = 1.0 / 10_000
	blastBursts       = 2 // days each blaster blasts on, within the last month
)

// blasting is what makeInMails shares with the blasts: who sends InMails, their credits left, the
// pairs an InMail passed between, the network, and each sender's InMails as the limits count them.
type blasting struct {
	d       draws
	senders *alias
	budget  []uint16
	pairs   map[uint64]bool
	adj     adjacency
	sent    map[uint32][]sentInMail
}

// makeBlasts has blasters, drawn among the members who send InMail, each send blastBursts bursts of
// one blast body, up to one recipient short of the blast limit in a day, ten minutes apart, each
// InMail where the rules allow it and within the abuse limits; half are declined.
func (g *Generated) makeBlasts(r *rng, b *blasting) {
	for range max(1, int(float64(len(g.members))*blastersPerMember)) {
		from := b.senders.pick(r)
		for range blastBursts {
			start := g.now - stamp(r.between(2*day, 30*day))
			text := uint8(r.intn(len(blastBodies)))
			for made, tries := 0, 0; made < graph.DefaultLimits.BlastLimit-1 && tries < 200; tries++ {
				m := message{from: from, to: b.d.global.pick(r), status: statusPending, flags: msgBlast, text: text,
					sent: start + stamp(made*600)}
				if g.blast(r, b, &m) {
					made++
				}
			}
		}
	}
}

// blast sends InMail m of a blast when the rules and the limits let it go, and tells whether it went.
func (g *Generated) blast(r *rng, b *blasting, m *message) bool {
	key := pairKey(m.from, m.to)
	if m.from == m.to || b.pairs[key] {
		return false
	}
	f := g.facts(m.from, m.to, b.adj.degree(m.from, m.to))
	f.Credits = int(b.budget[m.from])
	if !g.decide(m, f) || m.channel != channelInMail && m.channel != channelOpenProfile {
		return false
	}
	body := sentInMail{at: m.sent, body: g.inmailBody(*m)}
	if !withinAbuseLimits(b.sent[m.from], body) {
		return false
	}
	b.budget[m.from] -= uint16(m.cost)
	b.sent[m.from] = append(b.sent[m.from], body)
	b.pairs[key] = true
	if at := m.sent + stamp(r.between(600, 2*day)); r.chance(0.5) && at < g.now-60 {
		m.status, m.answered, m.read = statusDeclined, at, m.sent+stamp(r.between(1, int64(at-m.sent)))
		g.messages = append(g.messages, *m)
		g.declines = append(g.declines, decline{by: m.to, sender: m.from, at: at, message: uint32(len(g.messages) - 1)})
		return true
	}
	g.messages = append(g.messages, *m)
	return true
}

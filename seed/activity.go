package seed

import (
	"cmp"
	"net/url"
	"slices"
	"strconv"
	"time"

	"github.com/reach-network/reach/graph"
)

// Activity: what members did besides connecting, drawn so that every row is one the service's
// rules would have let happen: every message goes by the channel and at the cost graph.Decide
// answers for the facts the network holds, within the abuse limits. InMails go to strangers who
// accept them, paid ones only from members with credits left, never where the rules offer a
// message request; a reply or a decline answers each, a decline is recorded as such and
// sometimes followed by a block; blocks and pending invitations never stand between connected
// members; plain messages pass between connections.

// How much activity a network of n members holds, per member.
const (
	inmailsPerMember     = 1.0 / 25
	blocksPerMember      = 1.0 / 200
	invitationsPerMember = 1.0 / 8
	threadsPerMember     = 1.0 / 5
	reportsPerMember     = 1.0 / 500 // besides those of restricted members
	day                  = 86400     // seconds
)

// The largest mailboxes: the few most connected members (recruiters, well-known names) have
// talked with most of their connections, so that their conversations run to tens of thousands
// in a network of 100,000, against one or two for most members.
const (
	busyMembers     = 3      // how many hold the largest mailboxes
	busyShare       = 0.8    // the share of their connections they have a conversation with
	busyMostMailbox = 40_000 // at most this many conversations each
	busyReplyShare  = 0.4    // the share of those conversations the busy member answered
	busyHistoryDays = 365    // their conversations began within the last year
)

type block struct {
	by, member uint32
	at         stamp
}

type invitation struct {
	from, to uint32
	sent     stamp
	note     uint8 // 0 for none, else 1 + the note template
}

type message struct {
	from, to     uint32
	sent         stamp
	read         stamp // 0 while unread
	answered     stamp // when an InMail was replied to or declined
	channel      uint8 // index in channels
	cost         uint8 // in credits, as the rules priced it
	status       uint8 // index in statuses
	text         uint8 // template draw
	flags        uint8
	creditsAfter uint16
}

type report struct {
	by, member uint32
	at         stamp
	reason     uint8 // index in reportReasons
}

var reportReasons = [...]graph.ReportReason{
	graph.ReportSpam, graph.ReportHarassment, graph.ReportInappropriate, graph.ReportFake, graph.ReportOther,
}

type decline struct {
	by, sender uint32
	at         stamp
	message    uint32 // index in messages
}

var (
	channels = [...]graph.Channel{graph.ChannelMessage, graph.ChannelReply, graph.ChannelOpenProfile, graph.ChannelInMail}
	statuses = [...]graph.InMailStatus{graph.StatusNone, graph.StatusPending, graph.StatusReplied, graph.StatusDeclined}
)

// Indexes in channels and statuses.
const (
	channelMessage uint8 = iota
	channelReply
	channelOpenProfile
	channelInMail
)

const (
	statusNone uint8 = iota
	statusPending
	statusReplied
	statusDeclined
)

// Message flags.
const (
	msgRefunded uint8 = 1 << iota
	msgDeletedBySender
	msgDeletedByRecipient
	msgAttachment
	msgBlast // one body, the same for every recipient (blastBodies)
)

// senderWeights says how much more InMail members on each plan send than a career member.
var senderWeights = [len(plans)]float64{0, 1, 2, 4, 6}

// makeActivity draws InMails, blocks, invitations and conversations between connections, then
// replays every send and refund in time order to settle each member's credits, and draws what
// members chose of their conversations.
func (g *Generated) makeActivity(d draws, progress Progress) {
	n := len(g.members)
	targets := [5]int{
		max(1, int(float64(n)*inmailsPerMember)), max(1, int(float64(n)*blocksPerMember)),
		max(1, int(float64(n)*invitationsPerMember)), max(1, int(float64(n)*threadsPerMember)),
		max(1, int(float64(n)*reportsPerMember)),
	}
	progress.Start("generate activity", int64(targets[0]+targets[1]+targets[2]+targets[3]+targets[4]))
	defer progress.Done()
	r := newRNG(g.spec.Seed, streamActivity, 0)
	blocked := make(map[uint64]bool)
	inmailed := g.makeInMails(r, d, targets[0], blocked, progress)
	g.makeBlocks(r, targets[1], blocked, inmailed, progress)
	g.makeInvitations(r, d, targets[2], blocked, progress)
	talked := g.makeThreads(r, targets[3], progress)
	g.makeBusyMailboxes(r, talked)
	g.makeReports(r, targets[4], progress)
	g.settleCredits()
	g.makeSides()
}

// makeInMails sends InMails to strangers, drawn by plan (or, to open profiles, from anyone),
// wherever graph.Decide lets the sender InMail the recipient: at most one per pair, paid ones
// within the sender's credits, and within the abuse limits (graph.DefaultLimits). A pair the rules
// give a message request (a shared group, a current coworker) gets none: the generator sends no
// requests. Each is then replied to (the reply as the rules send it), declined (sometimes followed
// by a block) or left pending. It returns the pairs an InMail passed between.
func (g *Generated) makeInMails(r *rng, d draws, target int, blocked map[uint64]bool, progress Progress) map[uint64]bool {
	n := len(g.members)
	weights := make([]float64, n)
	budget := make([]uint16, n)
	anySender := false
	for i, m := range g.members {
		if m.flags&flagRestricted == 0 {
			weights[i] = senderWeights[m.plan]
			budget[i] = m.credits
			anySender = anySender || weights[i] > 0
		}
	}
	senders := newAlias(weights)
	pairs := make(map[uint64]bool)
	adj := g.adjacency()
	sent := make(map[uint32][]sentInMail) // by sender
	for made, tries := 0, 0; made < target && tries < 50*target; tries++ {
		to := d.global.pick(r)
		recipient := &g.members[to]
		var from uint32
		switch {
		case recipient.flags&flagOpenProfile != 0 && r.chance(0.5):
			from = uint32(r.intn(n))
		case anySender:
			from = senders.pick(r)
		default:
			continue
		}
		key := pairKey(from, to)
		if pairs[key] {
			continue
		}
		degree := adj.degree(from, to)
		f := g.facts(from, to, degree)
		f.Credits = int(budget[from])
		m := message{from: from, to: to, status: statusPending}
		if !g.decide(&m, f) || m.channel != channelInMail && m.channel != channelOpenProfile {
			continue
		}
		m.text, m.sent = uint8(r.next()), g.now-stamp(r.between(3600, 60*day))
		body := sentInMail{at: m.sent, body: g.inmailBody(m)}
		if !withinAbuseLimits(sent[from], body) {
			continue
		}
		budget[from] -= uint16(m.cost)
		sent[from] = append(sent[from], body)
		pairs[key] = true
		made++
		progress.Add(1)
		m.flags |= g.messageFlags(r)
		answered := m.sent + stamp(r.between(600, 7*day))
		if answered < g.now-60 {
			switch u := r.float(); {
			case u < 0.35:
				m.status, m.answered = statusReplied, answered
			case u < 0.60:
				m.status, m.answered = statusDeclined, answered
			}
		}
		switch {
		case m.status != statusPending:
			m.read = m.sent + stamp(r.between(1, int64(m.answered-m.sent)))
		case r.chance(0.5):
			m.read = g.readAt(r, m.sent)
		}
		g.messages = append(g.messages, m)
		switch m.status {
		case statusReplied:
			// The reply, and the sender's answer to it, go as the rules send them once the
			// other has written first.
			reply := message{from: to, to: from, sent: m.answered, text: uint8(r.next())}
			back := g.facts(to, from, degree)
			back.TheyWroteFirst = true
			if !g.decide(&reply, back) {
				break
			}
			reply.read = g.readAt(r, reply.sent)
			g.messages = append(g.messages, reply)
			next := message{from: from, to: to, sent: reply.sent + stamp(r.between(3600, 3*day))}
			f.TheyWroteFirst = true
			if r.chance(0.5) && next.sent < g.now-60 && g.decide(&next, f) {
				next.text = uint8(r.next())
				next.read = g.readAt(r, next.sent)
				g.messages = append(g.messages, next)
			}
		case statusDeclined:
			g.declines = append(g.declines, decline{by: to, sender: from, at: m.answered, message: uint32(len(g.messages) - 1)})
			if at := m.answered + stamp(r.between(60, day)); r.chance(0.2) && at < g.now {
				g.blocks = append(g.blocks, block{by: to, member: from, at: at})
				blocked[key] = true
			}
		}
	}
	if anySender {
		b := blasting{d: d, senders: &senders, budget: budget, pairs: pairs, adj: adj, sent: sent}
		g.makeBlasts(newRNG(g.spec.Seed, streamBlasts, 0), &b)
	}
	return pairs
}

// requestsOn is every generated member's message request setting: on, as the CSV files leave the
// setting out, which means on.
const requestsOn = true

// facts are what graph.Decide reads about member from as the caller and member to, degree apart,
// before any message passed between them: whether they are one, whether from is restricted,
// what they share, the requests from has left and to's settings. Every member has the month's
// requests left (the generator sends none). Credits are left at 0 for the caller to fill in.
func (g *Generated) facts(from, to uint32, degree graph.Degree) graph.Facts {
	caller, member := &g.members[from], &g.members[to]
	f := graph.Facts{
		Self: from == to, Degree: degree, Restricted: caller.flags&flagRestricted != 0,
		SharedGroup:  g.sharedGroup(from, to),
		RequestsOff:  !requestsOn,
		RequestsLeft: graph.RequestsLeft(graph.DefaultLimits.RequestsMonthly, 0, 0, g.time(g.now)),
		InMail:       inmailPolicies[member.inmail], OpenProfile: member.flags&flagOpenProfile != 0,
	}
	// Every member holds one current position, at their company.
	if c := int(caller.company); caller.company == member.company && g.Organisation(c).Kind == graph.Company {
		f.Coworker = graph.Affiliate{ID: g.OrganisationID(c), Name: companyName(c)}
	}
	return f
}

// sharedGroup is the group, of those members a and b are both in, with the lowest id; zero when
// they share none.
func (g *Generated) sharedGroup(a, b uint32) graph.Affiliate {
	var shared graph.Affiliate
	x, y := g.groupsOf(a), g.groupsOf(b)
	for len(x) > 0 && len(y) > 0 {
		switch gx, gy := uint32(x[0]), uint32(y[0]); {
		case gx < gy:
			x = x[1:]
		case gx > gy:
			y = y[1:]
		default:
			if id := g.GroupID(int(gx)); shared.ID == "" || id < shared.ID {
				shared = graph.Affiliate{ID: id, Name: groupName(int(gx))}
			}
			x, y = x[1:], y[1:]
		}
	}
	return shared
}

// groupsOf is member i's memberships, by group.
func (g *Generated) groupsOf(i uint32) []uint64 {
	lo, _ := slices.BinarySearch(g.memberships, uint64(i)<<32)
	hi, _ := slices.BinarySearch(g.memberships, uint64(i+1)<<32)
	return g.memberships[lo:hi]
}

// decide gives m the channel and cost graph.Decide answers for facts f, and reports whether the
// rules allow it on a channel the generator makes (any but a message request).
func (g *Generated) decide(m *message, f graph.Facts) bool {
	d := graph.Decide(f)
	channel := slices.Index(channels[:], d.Channel)
	if !d.Allowed || channel < 0 {
		return false
	}
	m.channel, m.cost = uint8(channel), uint8(d.Cost)
	return true
}

// sentInMail is an InMail as the abuse limits see it: when it was sent and which body it
// carried (the template and the recipient's first name, the parts of the text that vary for one
// sender).
type sentInMail struct {
	at   stamp
	body uint16
}

// inmailBody is what makes InMail m's body differ from its sender's others: the template and the
// recipient's first name (sentInMail).
func (g *Generated) inmailBody(m message) uint16 {
	if m.flags&msgBlast != 0 {
		return 0xFF00 | uint16(int(m.text)%len(blastBodies)) // the same for every recipient
	}
	return uint16(int(m.text)%len(inmailBodies))<<8 | uint16(g.members[m.to].first)
}

// withinAbuseLimits tells whether one more InMail fits a sender's others under the daily limit and
// the limit on one body's recipients: it counts the others sent at most a day before or after
// it, so that every 24-hour window, wherever it falls, stays within both.
func withinAbuseLimits(others []sentInMail, next sentInMail) bool {
	const window = stamp(graph.AbuseWindow / time.Second)
	inWindow, sameBody := 0, 0
	for _, o := range others {
		if o.at >= next.at-window && o.at <= next.at+window {
			inWindow++
			if o.body == next.body {
				sameBody++
			}
		}
	}
	return graph.DefaultLimits.InMailRefusal(inWindow, sameBody) == ""
}

// makeReports gives every restricted member the reports that restricted them: from
// graph.DefaultLimits.ReportsToRestrict to two more different members, within the
// graph.ReportWindow before the epoch. Then it has members report target others, at most once
// each and never a restricted member, so that no one else comes near a restriction.
func (g *Generated) makeReports(r *rng, target int, progress Progress) {
	n := len(g.members)
	reported := make(map[uint32]bool)
	for i, m := range g.members {
		if m.flags&flagRestricted == 0 {
			continue
		}
		reported[uint32(i)] = true
		by := make(map[uint32]bool)
		for len(by) < min(graph.DefaultLimits.ReportsToRestrict+r.intn(3), n-1) {
			if k := uint32(r.intn(n)); k != uint32(i) && !by[k] {
				by[k] = true
				g.reports = append(g.reports, report{by: k, member: uint32(i), reason: uint8(r.intn(len(reportReasons))),
					at: g.now - stamp(r.between(60, int64(graph.ReportWindow/time.Second)-day))})
			}
		}
	}
	for made, tries := 0, 0; made < target && tries < 50*target; tries++ {
		by, them := uint32(r.intn(n)), uint32(r.intn(n))
		if by == them || reported[them] || g.members[them].flags&flagRestricted != 0 {
			continue
		}
		reported[them] = true
		g.reports = append(g.reports, report{by: by, member: them, reason: uint8(r.intn(len(reportReasons))),
			at: g.now - stamp(r.between(60, 90*day))})
		made++
		progress.Add(1)
	}
}

// makeBlocks has members block strangers: never a connection, never a pair already blocked
// either way or one an InMail passed between (its messages would have come first).
func (g *Generated) makeBlocks(r *rng, target int, blocked, inmailed map[uint64]bool, progress Progress) {
	n := len(g.members)
	for made, tries := 0, 0; made < target && tries < 50*target; tries++ {
		by, them := uint32(r.intn(n)), uint32(r.intn(n))
		key := pairKey(by, them)
		if by == them || blocked[key] || inmailed[key] || g.Connected(int(by), int(them)) {
			continue
		}
		blocked[key] = true
		g.blocks = append(g.blocks, block{by: by, member: them, at: g.now - stamp(r.between(60, 90*day))})
		made++
		progress.Add(1)
	}
}

// makeInvitations sends pending invitations, half to colleagues, half across the network:
// never between connections or members in a block relation, at most one per pair, and none to
// or from a member at the connection limit (the service refuses those).
func (g *Generated) makeInvitations(r *rng, d draws, target int, blocked map[uint64]bool, progress Progress) {
	n := len(g.members)
	invited := make(map[uint64]bool)
	for made, tries := 0, 0; made < target && tries < 50*target; tries++ {
		from := uint32(r.intn(n))
		var to uint32
		if c := g.members[from].company; r.chance(0.5) && d.companies.size(c) > 1 {
			to = d.companies.pick(c, r)
		} else {
			to = d.global.pick(r)
		}
		key := pairKey(from, to)
		if from == to || invited[key] || blocked[key] || g.Connected(int(from), int(to)) ||
			g.degree[from] >= graph.MaxConnections || g.degree[to] >= graph.MaxConnections {
			continue
		}
		invited[key] = true
		inv := invitation{from: from, to: to, sent: g.now - stamp(r.between(60, 60*day))}
		if r.chance(0.4) {
			inv.note = uint8(1 + r.intn(len(invitationNotes)))
		}
		g.invitations = append(g.invitations, inv)
		made++
		progress.Add(1)
	}
}

// makeThreads makes conversations between connections: one to six messages each, in the last
// four months and after the two connected, each as the rules send it between connections. It
// returns the pairs that talked.
func (g *Generated) makeThreads(r *rng, target int, progress Progress) map[uint64]bool {
	talked := make(map[uint64]bool)
	for made, tries := 0, 0; made < target && tries < 50*target; tries++ {
		key := g.edges[r.intn(len(g.edges))]
		if talked[key] {
			continue
		}
		start := max(g.since(key), g.now-120*day)
		if g.now-start < 600 {
			continue
		}
		talked[key] = true
		made++
		progress.Add(1)
		a, b := unpair(key)
		if r.chance(0.5) {
			a, b = b, a
		}
		t := start + stamp(r.between(60, int64(g.now-start)*4/5))
		for range 1 + r.intn(3) + r.intn(4) {
			if t >= g.now-60 {
				break
			}
			m := message{from: a, to: b, sent: t, text: uint8(r.next())}
			if !g.decide(&m, g.facts(a, b, graph.First)) {
				break
			}
			m.flags |= g.messageFlags(r)
			if r.chance(0.85) {
				m.read = g.readAt(r, t)
			}
			g.messages = append(g.messages, m)
			if r.chance(0.7) {
				a, b = b, a
			}
			t += stamp(r.between(60, 2*day))
		}
	}
	return talked
}

// makeBusyMailboxes gives the busyMembers most connected members a conversation with busyShare
// of their connections (at most busyMostMailbox), leaving out pairs that talked already: the
// connection writes first, within the last year and after the two connected, and the busy member
// answers busyReplyShare of them.
func (g *Generated) makeBusyMailboxes(r *rng, talked map[uint64]bool) {
	adj := g.adjacency()
	for _, busy := range g.mostConnected(busyMembers) {
		made := 0
		for _, other := range adj.of(busy) {
			key := pairKey(busy, other)
			if made == busyMostMailbox {
				break
			}
			if talked[key] || !r.chance(busyShare) {
				continue
			}
			start := max(g.since(key), g.now-busyHistoryDays*day)
			if g.now-start < 600 {
				continue
			}
			talked[key] = true
			t := start + stamp(r.between(60, int64(g.now-start)*4/5))
			g.busyConversation(r, other, busy, t)
			made++
		}
	}
}

// mostConnected is the n members with the most connections, the most first (ties by index).
func (g *Generated) mostConnected(n int) []uint32 {
	order := make([]uint32, len(g.degree))
	for i := range order {
		order[i] = uint32(i)
	}
	slices.SortFunc(order, func(a, b uint32) int { return cmp.Or(cmp.Compare(g.degree[b], g.degree[a]), cmp.Compare(a, b)) })
	return order[:min(n, len(order))]
}

// busyConversation is one conversation with a busy member: from writes at t, and busy answers
// busyReplyShare of the time, within two days.
func (g *Generated) busyConversation(r *rng, from, busy uint32, t stamp) {
	for _, m := range []message{{from: from, to: busy, sent: t}, {from: busy, to: from, sent: t + stamp(r.between(60, 2*day))}} {
		if m.sent >= g.now-60 || m.from == busy && !r.chance(busyReplyShare) {
			return
		}
		m.text = uint8(r.next())
		if !g.decide(&m, g.facts(m.from, m.to, graph.First)) {
			return
		}
		m.flags |= g.messageFlags(r)
		if m.from == busy || r.chance(0.85) {
			m.read = g.readAt(r, m.sent)
		}
		g.messages = append(g.messages, m)
	}
}

// messageFlags draws whether a message carries an attachment and whether either side deleted it.
func (g *Generated) messageFlags(r *rng) uint8 {
	var f uint8
	for _, x := range []struct {
		flag  uint8
		share float64
	}{{msgAttachment, 0.03}, {msgDeletedBySender, 0.02}, {msgDeletedByRecipient, 0.02}} {
		if r.chance(x.share) {
			f |= x.flag
		}
	}
	return f
}

// readAt is when a message sent at sent was read: within two days, before the epoch (or at
// the last second before it).
func (g *Generated) readAt(r *rng, sent stamp) stamp {
	return min(sent+stamp(r.between(60, 2*day)), g.now-1)
}

// settleCredits orders the messages by time (their ids follow that order), marks the paid
// InMails answered within the refund window refunded, and replays every send and refund to
// record each sender's credits after each message and each member's credits now. Paid InMails
// were drawn within each sender's starting credits, so no balance goes below zero.
func (g *Generated) settleCredits() {
	order := make([]uint32, len(g.messages))
	for i := range order {
		order[i] = uint32(i)
	}
	slices.SortFunc(order, func(a, b uint32) int {
		x, y := &g.messages[a], &g.messages[b]
		return cmp.Or(cmp.Compare(x.sent, y.sent), cmp.Compare(x.from, y.from), cmp.Compare(x.to, y.to), cmp.Compare(a, b))
	})
	sorted := make([]message, len(g.messages))
	position := make([]uint32, len(g.messages))
	for pos, i := range order {
		sorted[pos] = g.messages[i]
		position[i] = uint32(pos)
	}
	g.messages = sorted
	for k := range g.declines {
		g.declines[k].message = position[g.declines[k].message]
	}

	type event struct {
		at     stamp
		refund bool
		msg    uint32
	}
	events := make([]event, 0, len(g.messages)+len(g.declines))
	for k := range g.messages {
		m := &g.messages[k]
		events = append(events, event{at: m.sent, msg: uint32(k)})
		if m.cost > 0 && m.status != statusPending && m.answered-m.sent <= stamp(graph.RefundWindow/time.Second) {
			m.flags |= msgRefunded
			events = append(events, event{at: m.answered, refund: true, msg: uint32(k)})
		}
	}
	slices.SortFunc(events, func(a, b event) int {
		if c := cmp.Compare(a.at, b.at); c != 0 {
			return c
		}
		if a.refund != b.refund {
			if a.refund {
				return 1
			}
			return -1
		}
		return cmp.Compare(a.msg, b.msg)
	})
	balance := make([]int32, len(g.members))
	for i, m := range g.members {
		balance[i] = int32(m.credits)
	}
	for _, e := range events {
		m := &g.messages[e.msg]
		cost := int32(m.cost)
		switch {
		case e.refund:
			balance[m.from] += cost
		default:
			balance[m.from] -= cost
			m.creditsAfter = uint16(balance[m.from])
		}
	}
	for i := range g.members {
		g.members[i].credits = uint16(balance[i])
	}
}

// Block is the k-th block.
func (g *Generated) Block(k int) graph.ImportBlock {
	b := &g.blocks[k]
	return graph.ImportBlock{By: g.ID(int(b.by)), Member: g.ID(int(b.member)), At: g.time(b.at)}
}

// Invitation is the k-th pending invitation.
func (g *Generated) Invitation(k int) graph.Invitation {
	inv := &g.invitations[k]
	out := graph.Invitation{
		ID: g.spec.IDPrefix + "inv" + strconv.Itoa(k), From: g.ID(int(inv.from)), To: g.ID(int(inv.to)),
		Status: graph.InvitationPending, SentAt: g.time(inv.sent),
	}
	if inv.note > 0 {
		out.Note = g.fill(invitationNotes[inv.note-1], inv.to, inv.from)
	}
	return out
}

// messageID is the id of the k-th message.
func (g *Generated) messageID(k int) string { return g.spec.IDPrefix + "msg" + strconv.Itoa(k) }

// Message is the k-th message, in the order they were sent.
func (g *Generated) Message(k int) graph.ImportMessage {
	m := &g.messages[k]
	out := graph.ImportMessage{
		ID: g.messageID(k), From: g.ID(int(m.from)), To: g.ID(int(m.to)),
		Channel: channels[m.channel], Cost: int(m.cost),
		SentAt: g.time(m.sent), Status: statuses[m.status], Refunded: m.flags&msgRefunded != 0,
		DeletedBySender: m.flags&msgDeletedBySender != 0, DeletedByRecipient: m.flags&msgDeletedByRecipient != 0,
		CreditsAfter: int(m.creditsAfter),
	}
	var bodies []string
	switch {
	case m.flags&msgBlast != 0:
		bodies = blastBodies[:]
		out.Subject = g.fill(inmailSubjects[int(m.text)%len(inmailSubjects)], m.to, m.from)
	case m.channel == channelMessage:
		bodies = plainBodies[:]
	case m.channel == channelReply:
		bodies = replyBodies[:]
	default:
		bodies = inmailBodies[:]
		out.Subject = g.fill(inmailSubjects[int(m.text)%len(inmailSubjects)], m.to, m.from)
	}
	out.Body = g.fill(bodies[int(m.text)%len(bodies)], m.to, m.from)
	if m.read != 0 {
		out.ReadAt = g.time(m.read)
	}
	if m.flags&msgAttachment != 0 {
		a := attachments[int(m.text)%len(attachments)]
		a.Size = 20_000 + int64(m.text)*4_099
		a.URL = "https://files.example.com/" + out.ID + "/" + url.PathEscape(a.Name)
		out.Attachments = []graph.Attachment{a}
	}
	return out
}

var attachments = [...]graph.Attachment{
	{Name: "resume.pdf", ContentType: "application/pdf"},
	{Name: "role description.pdf", ContentType: "application/pdf"},
	{Name: "team photo.jpg", ContentType: "image/jpeg"},
	{Name: "notes, draft 2.docx", ContentType: "application/vnd.openxmlformats-officedocument.wordprocessingml.document"},
}

// Decline is the k-th declined InMail.
func (g *Generated) Decline(k int) graph.ImportDecline {
	d := &g.declines[k]
	return graph.ImportDecline{By: g.ID(int(d.by)), Sender: g.ID(int(d.sender)), MessageID: g.messageID(int(d.message)), At: g.time(d.at)}
}

// Report is the k-th report.
func (g *Generated) Report(k int) graph.ImportReport {
	x := &g.reports[k]
	return graph.ImportReport{By: g.ID(int(x.by)), Member: g.ID(int(x.member)), Reason: reportReasons[x.reason], At: g.time(x.at)}
}

// fill writes a text from member from to member to.
func (g *Generated) fill(text string, to, from uint32) string {
	return fill(text, firstNames[g.members[to].first], firstNames[g.members[from].first], companyName(int(g.members[from].company)))
}

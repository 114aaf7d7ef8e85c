package seed

import (
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/reach-network/reach/graph"
)

// testSpec is a network big enough to have hubs and a spread of companies, small enough to make
// in a fraction of a second.
var testSpec = Spec{Members: 20000, AvgDegree: 50, Seed: 1}

func generate(t testing.TB, spec Spec) *Generated {
	t.Helper()
	g, err := Generate(spec, nil)
	if err != nil {
		t.Fatal(err)
	}
	return g
}

func TestGenerateIsDeterministic(t *testing.T) {
	write := func(spec Spec) map[string][]byte {
		dir := t.TempDir()
		if _, err := generate(t, spec).WriteCSV(dir, nil); err != nil {
			t.Fatal(err)
		}
		files := map[string][]byte{}
		for _, f := range csvFiles {
			b, err := os.ReadFile(filepath.Join(dir, f.name))
			if err != nil {
				t.Fatal(err)
			}
			files[f.name] = b
		}
		return files
	}
	first, again := write(testSpec), write(testSpec)
	for name, b := range first {
		if !bytes.Equal(b, again[name]) {
			t.Errorf("%s differs between two runs of the same seed", name)
		}
	}
	other := testSpec
	other.Seed = 2
	different := write(other)
	for _, name := range []string{"members.csv", "connections.csv", "messages.csv"} {
		if bytes.Equal(first[name], different[name]) {
			t.Errorf("%s is the same for seeds 1 and 2", name)
		}
	}
}

func TestGeneratedShape(t *testing.T) {
	g := generate(t, testSpec)
	n := testSpec.Members
	degrees := make([]int, n)
	sum, inRange := 0, 0
	for i := range degrees {
		degrees[i] = g.Degree(i)
		sum += degrees[i]
		if degrees[i] >= 10 && degrees[i] <= 500 {
			inRange++
		}
	}
	slices.Sort(degrees)
	mean := float64(sum) / float64(n)
	t.Logf("mean degree %.1f; percentiles 10/50/90/99: %d %d %d %d; max %d", mean,
		degrees[n/10], degrees[n/2], degrees[n*9/10], degrees[n*99/100], degrees[n-1])
	if want := testSpec.AvgDegree; mean < 0.9*want || mean > 1.1*want {
		t.Errorf("mean degree %.1f, want within 10%% of %g", mean, want)
	}
	if sum != 2*g.Counts().Connections {
		t.Errorf("degrees add up to %d, want twice the %d connections", sum, g.Counts().Connections)
	}
	if max := degrees[n-1]; max > graph.MaxConnections || float64(max) < 10*mean {
		t.Errorf("largest degree %d, want a hub above 10 times the mean (%.0f) and at most %d", max, 10*mean, graph.MaxConnections)
	}
	if share := float64(inRange) / float64(n); share < 0.8 {
		t.Errorf("%.0f%% of members have 10 to 500 connections, want most (80%%)", 100*share)
	}
	local := 0
	for _, e := range g.edges {
		lo, hi := unpair(e)
		if a, b := g.members[lo], g.members[hi]; a.company == b.company || a.school == b.school {
			local++
		}
	}
	if share := float64(local) / float64(len(g.edges)); share < 0.25 {
		t.Errorf("%.0f%% of connections are within a company or school, want at least 25%%", 100*share)
	}
	plans := map[graph.Plan]int{}
	settings := map[string]int{}
	for i := range n {
		m := g.Member(i)
		plans[m.Plan]++
		s := m.Settings
		settings["inmail "+string(s.InMail)]++
		settings["profile "+string(s.ProfileVisibility)]++
		settings["connections "+string(s.ConnectionsVisibility)]++
		if s.OpenProfile {
			settings["open"]++
		}
		if !s.Searchable {
			settings["unsearchable"]++
		}
		if m.Restricted {
			settings["restricted"]++
		}
	}
	t.Logf("plans %v; settings %v; counts %+v", plans, settings, g.Counts())
	share := func(k int) float64 { return float64(k) / float64(n) }
	for _, c := range []struct {
		what     string
		got      float64
		low, top float64
	}{
		{"free plan", share(plans[graph.PlanFree]), 0.7, 0.95},
		{"recruiter_lite plan", share(plans[graph.PlanRecruiterLite]), 0.005, 0.1},
		{"InMail from anyone", share(settings["inmail anyone"]), 0.7, 0.95},
		{"InMail off", share(settings["inmail off"]), 0.01, 0.15},
		{"InMail from the network", share(settings["inmail network"]), 0.01, 0.2},
		{"open profiles", share(settings["open"]), 0.005, 0.1},
		{"unsearchable", share(settings["unsearchable"]), 0.01, 0.15},
		{"profile visible to connections only", share(settings["profile connections"]), 0.005, 0.15},
		{"connections visible only to the member", share(settings["connections only_me"]), 0.002, 0.1},
		{"restricted", share(settings["restricted"]), 0.0001, 0.01},
	} {
		if c.got < c.low || c.got > c.top {
			t.Errorf("%s: %.2f%% of members, want %.2f%% to %.2f%%", c.what, 100*c.got, 100*c.low, 100*c.top)
		}
	}
	counts := g.Counts()
	for what, k := range map[string]int{"blocks": counts.Blocks, "invitations": counts.Invitations, "messages": counts.Messages, "declines": counts.Declines} {
		if k < n/1000 {
			t.Errorf("only %d %s", k, what)
		}
	}
}

// TestGeneratedConsistency checks that every row is one the service's rules would have allowed.
func TestGeneratedConsistency(t *testing.T) {
	g := generate(t, testSpec)
	epoch := g.Spec().Epoch
	counts := g.Counts()
	members := make(map[string]graph.ImportMember, counts.Members)
	for i := range counts.Members {
		m := g.Member(i)
		members[m.ID] = m
		if allot := m.Plan.Allotment(); m.InMailCredits < 0 || m.InMailCredits > 3*allot {
			t.Errorf("%s on the %s plan has %d credits, want 0 to %d", m.ID, m.Plan, m.InMailCredits, 3*allot)
		}
		if (m.Plan == graph.PlanFree) != m.PlanGrantedAt.IsZero() || m.PlanGrantedAt.After(epoch) {
			t.Errorf("%s on the %s plan: granted at %v", m.ID, m.Plan, m.PlanGrantedAt)
		}
		if !m.CreatedAt.Before(epoch) {
			t.Errorf("%s joined at %v, after the epoch", m.ID, m.CreatedAt)
		}
	}
	type pair [2]string
	unordered := func(a, b string) pair { return pair{min(a, b), max(a, b)} }
	connected := map[pair]bool{}
	degree := map[string]int{}
	for k := range counts.Connections {
		c := g.Connection(k)
		p := pair{c.A, c.B}
		switch {
		case c.A >= c.B:
			t.Fatalf("connection %d: %s, %s not in id order (or a self-loop)", k, c.A, c.B)
		case connected[p]:
			t.Fatalf("connection %s–%s twice", c.A, c.B)
		case c.Since.Before(members[c.A].CreatedAt) || c.Since.Before(members[c.B].CreatedAt) || c.Since.After(epoch):
			t.Errorf("connection %s–%s made at %v, before a member joined or after the epoch", c.A, c.B, c.Since)
		}
		connected[p] = true
		degree[c.A]++
		degree[c.B]++
	}
	for i := range counts.Members {
		if got, want := g.Degree(i), degree[g.ID(i)]; got != want || got > graph.MaxConnections {
			t.Fatalf("member %d: Degree %d, counted %d", i, got, want)
		}
	}

	blocked := map[pair]bool{}
	for k := range counts.Blocks {
		b := g.Block(k)
		p := unordered(b.By, b.Member)
		switch {
		case b.By == b.Member || blocked[p]:
			t.Errorf("block %s → %s: self or repeated", b.By, b.Member)
		case connected[p]:
			t.Errorf("%s blocks %s, a connection", b.By, b.Member)
		case b.At.After(epoch):
			t.Errorf("block %s → %s after the epoch", b.By, b.Member)
		}
		blocked[p] = true
	}

	// Restricted members, and only they, have been reported by enough different members in the
	// 30 days before the epoch to be restricted.
	reporters := map[string]map[string]bool{}
	for k := range counts.Reports {
		r := g.Report(k)
		switch {
		case r.By == r.Member || !r.Reason.Valid() || r.At.After(epoch):
			t.Errorf("report %+v: self, unknown reason or after the epoch", r)
		case r.At.After(epoch.Add(-graph.ReportWindow)):
			if reporters[r.Member] == nil {
				reporters[r.Member] = map[string]bool{}
			}
			reporters[r.Member][r.By] = true
		}
	}
	restricted := 0
	for id, m := range members {
		if m.Restricted {
			restricted++
		}
		if enough := len(reporters[id]) >= graph.DefaultLimits.ReportsToRestrict; enough != m.Restricted {
			t.Errorf("%s: restricted %v, reported by %d members in the last 30 days", id, m.Restricted, len(reporters[id]))
		}
	}
	if restricted == 0 || counts.Reports <= restricted*graph.DefaultLimits.ReportsToRestrict {
		t.Errorf("%d restricted members, %d reports: want some of each, and reports of others", restricted, counts.Reports)
	}

	invited := map[pair]bool{}
	for k := range counts.Invitations {
		inv := g.Invitation(k)
		p := unordered(inv.From, inv.To)
		switch {
		case inv.From == inv.To || invited[p]:
			t.Errorf("invitation %s: self or a second between %s and %s", inv.ID, inv.From, inv.To)
		case connected[p]:
			t.Errorf("invitation %s between connections %s and %s", inv.ID, inv.From, inv.To)
		case blocked[p]:
			t.Errorf("invitation %s between %s and %s, in a block relation", inv.ID, inv.From, inv.To)
		case degree[inv.From] >= graph.MaxConnections || degree[inv.To] >= graph.MaxConnections:
			t.Errorf("invitation %s involves a member at the connection limit", inv.ID)
		case len([]rune(inv.Note)) > graph.MaxNoteLength || inv.SentAt.After(epoch):
			t.Errorf("invitation %s: note of %d characters, sent at %v", inv.ID, len(inv.Note), inv.SentAt)
		}
		invited[p] = true
	}

	declines := map[string]graph.ImportDecline{}
	declined := map[pair]time.Time{} // by, sender: when by first declined an InMail from sender
	for k := range counts.Declines {
		d := g.Decline(k)
		declines[d.MessageID] = d
		if at, ok := declined[pair{d.By, d.Sender}]; !ok || d.At.Before(at) {
			declined[pair{d.By, d.Sender}] = d.At
		}
	}

	// What members share, as the rules read it: groups, and companies where they hold a
	// current position.
	index := map[string]uint32{}
	for i := range counts.Members {
		index[g.ID(i)] = uint32(i)
	}
	kinds := map[string]graph.OrgKind{}
	for o := range counts.Organisations {
		org := g.Organisation(o)
		kinds[org.ID] = org.Kind
	}
	companies, groups := map[string][]string{}, map[string][]string{}
	for k := range counts.Positions {
		p := g.Position(k)
		if p.To == nil && kinds[p.Org] == graph.Company {
			companies[p.Member] = append(companies[p.Member], p.Org)
		}
	}
	for k := range counts.Memberships {
		m := g.Membership(k)
		groups[m.Member] = append(groups[m.Member], m.Group)
	}
	lowestShared := func(a, b []string) graph.Affiliate {
		var shared graph.Affiliate
		for _, id := range a {
			if slices.Contains(b, id) && (shared.ID == "" || id < shared.ID) {
				shared.ID = id
			}
		}
		return shared
	}
	adj := g.adjacency() // its degrees are checked against a breadth-first search by TestDegree

	// Every message, replayed in the order sent, is one graph.Decide allows, by the channel and at
	// the cost it went with, given the facts the rows before it make.
	inmailed := map[pair]bool{}
	inmailsBy := map[string][]graph.ImportMessage{} // by sender, in the order sent
	toNetworkOnly, requestable := 0, 0
	wrote := map[pair]bool{}    // from, to: from has written to to
	awaiting := map[pair]bool{} // from, to: from's InMail to to is not replied to
	var last time.Time
	var byStatus [4]int
	for k := range counts.Messages {
		m := g.Message(k)
		p := unordered(m.From, m.To)
		from, to := members[m.From], members[m.To]
		if m.SentAt.Before(last) {
			t.Fatalf("message %s sent before the one listed before it", m.ID)
		}
		last = m.SentAt
		if !m.SentAt.Before(epoch) || (!m.ReadAt.IsZero() && (m.ReadAt.Before(m.SentAt) || m.ReadAt.After(epoch))) {
			t.Errorf("message %s sent at %v, read at %v", m.ID, m.SentAt, m.ReadAt)
		}
		if m.CreditsAfter < 0 || m.CreditsAfter > 3*from.Plan.Allotment() {
			t.Errorf("message %s: the sender had %d credits after it", m.ID, m.CreditsAfter)
		}
		if len(m.Body) > graph.MaxBodyLength || strings.ContainsAny(m.Body+m.Subject, "\r\n") {
			t.Errorf("message %s: body of %d bytes or a line break", m.ID, len(m.Body))
		}
		declinedAt, wasDeclined := declined[pair{m.To, m.From}]
		wasDeclined = wasDeclined && declinedAt.Before(m.SentAt)
		facts := graph.Facts{
			Degree:         adj.degree(index[m.From], index[m.To]),
			TheyWroteFirst: wrote[pair{m.To, m.From}],
			Restricted:     from.Restricted,
			Declined:       wasDeclined,
			AwaitingReply:  awaiting[pair{m.From, m.To}] && !wasDeclined,
			SharedGroup:    lowestShared(groups[m.From], groups[m.To]),
			Coworker:       lowestShared(companies[m.From], companies[m.To]),
			RequestsOff:    !to.Settings.MessageRequests,
			RequestsLeft:   graph.DefaultLimits.RequestsMonthly, // no message requests are generated
			InMail:         to.Settings.InMail,
			OpenProfile:    to.Settings.OpenProfile,
			Credits:        m.CreditsAfter + m.Cost,
		}
		if facts.SharedGroup.ID != "" || facts.Coworker.ID != "" {
			requestable++
		}
		if d := graph.Decide(facts); !d.Allowed || d.Channel != m.Channel || d.Cost != m.Cost {
			t.Errorf("message %s from %s to %s went as %s for %d credits; graph.Decide answers %+v to %+v",
				m.ID, m.From, m.To, m.Channel, m.Cost, d, facts)
		}
		switch m.Channel {
		case graph.ChannelMessage, graph.ChannelReply:
			if m.Status != graph.StatusNone || m.Subject != "" {
				t.Errorf("%s %s: status %q, subject %q", m.Channel, m.ID, m.Status, m.Subject)
			}
		case graph.ChannelInMail, graph.ChannelOpenProfile:
			byStatus[slices.Index(statuses[:], m.Status)]++
			switch {
			case inmailed[p] || blocked[p] && m.Status != graph.StatusDeclined:
				t.Errorf("InMail %s between %s and %s: a second InMail %v, blocked %v", m.ID, m.From, m.To, inmailed[p], blocked[p])
			case m.Subject == "":
				t.Errorf("InMail %s has no subject", m.ID)
			case m.Refunded != (m.Cost > 0 && m.Status != graph.StatusPending):
				t.Errorf("InMail %s (%s, cost %d) refunded %v", m.ID, m.Status, m.Cost, m.Refunded)
			case m.Channel == graph.ChannelInMail && from.Plan == graph.PlanFree:
				t.Errorf("paid InMail %s from a member on the free plan", m.ID)
			}
			inmailed[p] = true
			awaiting[pair{m.From, m.To}] = true
			if to.Settings.InMail == graph.InMailNetwork {
				toNetworkOnly++
			}
			inmailsBy[m.From] = append(inmailsBy[m.From], m)
			d, declined := declines[m.ID]
			if declined != (m.Status == graph.StatusDeclined) || declined && (d.By != m.To || d.Sender != m.From || d.At.Before(m.SentAt)) {
				t.Errorf("InMail %s is %s; its decline: %+v", m.ID, m.Status, d)
			}
			delete(declines, m.ID)
		default:
			t.Errorf("message %s: channel %q", m.ID, m.Channel)
		}
		wrote[pair{m.From, m.To}] = true
		delete(awaiting, pair{m.To, m.From})
	}
	if len(declines) > 0 {
		t.Errorf("%d declines name no declined InMail", len(declines))
	}
	if toNetworkOnly == 0 {
		t.Error("no InMail went to a member who takes InMail from their network only")
	}
	if requestable == 0 {
		t.Error("no message passed between members who share a group or a company")
	}
	// The abuse limits, as Send applies them: before each InMail, the sender's InMails of the
	// last 24 hours, and those among them with the same body.
	for sender, sent := range inmailsBy {
		for i, m := range sent {
			inDay, sameBody := 0, 0
			for _, o := range sent[:i] {
				if !o.SentAt.Before(m.SentAt.Add(-graph.AbuseWindow)) {
					inDay++
					if o.Body == m.Body {
						sameBody++
					}
				}
			}
			if reason := graph.DefaultLimits.InMailRefusal(inDay, sameBody); reason != "" {
				t.Errorf("%s sent InMail %s after %d InMails in 24 hours, %d with the same body: %s", sender, m.ID, inDay, sameBody, reason)
			}
		}
	}
	t.Logf("InMails by status (none, pending, replied, declined): %v", byStatus)
	for s, k := range byStatus[1:] {
		if k == 0 {
			t.Errorf("no InMail is %s", statuses[s+1])
		}
	}
}

func TestIDPrefix(t *testing.T) {
	g := generate(t, Spec{Members: 500, AvgDegree: 10, Seed: 3, IDPrefix: "p7_"})
	c := g.Counts()
	ids := []string{g.Member(0).ID, g.Connection(0).A, g.Invitation(0).ID, g.Message(0).ID, g.Block(0).By}
	for _, id := range ids {
		if !strings.HasPrefix(id, "p7_") || !graph.ValidMemberID(id) {
			t.Errorf("id %q lacks the prefix or is not a valid id", id)
		}
	}
	if c.Members != 500 {
		t.Errorf("%d members, want 500", c.Members)
	}
	if _, err := Generate(Spec{Members: 10, AvgDegree: 2, IDPrefix: "no spaces"}, nil); err == nil {
		t.Error("a prefix with a space was accepted")
	}
	if _, err := Generate(Spec{Members: 100, AvgDegree: 90}, nil); err == nil {
		t.Error("an average degree near the member count was accepted")
	}
}

// TestDegree checks the generator's degrees against a breadth-first search, on a sparse network
// where many pairs are further apart than 3 hops.
func TestDegree(t *testing.T) {
	g := generate(t, Spec{Members: 3000, AvgDegree: 2, Seed: 5})
	adj := g.adjacency()
	distance := func(a uint32) map[uint32]int {
		dist, frontier := map[uint32]int{a: 0}, []uint32{a}
		for d := 1; d <= 3; d++ {
			var next []uint32
			for _, x := range frontier {
				for i := range g.Counts().Members {
					if _, seen := dist[uint32(i)]; !seen && g.Connected(int(x), i) {
						dist[uint32(i)] = d
						next = append(next, uint32(i))
					}
				}
			}
			frontier = next
		}
		return dist
	}
	seen := map[graph.Degree]int{}
	for a := uint32(0); a < 3000; a += 97 {
		dist := distance(a)
		for b := uint32(0); b < 3000; b += 7 {
			if a == b {
				continue
			}
			want := graph.OutOfNetwork
			if d, ok := dist[b]; ok {
				want = graph.Degree(d)
			}
			if got := adj.degree(a, b); got != want {
				t.Fatalf("degree(%d, %d) = %v, want %v", a, b, got, want)
			}
			seen[want]++
		}
	}
	for _, d := range []graph.Degree{graph.First, graph.Second, graph.Third, graph.OutOfNetwork} {
		if seen[d] == 0 {
			t.Fatalf("no pair at degree %v: %v", d, seen)
		}
	}
}

// TestWithinAbuseLimits checks the generator's replay of the abuse limits: a sender's InMails in
// any 24 hours, and those with one body, stay within graph.DefaultLimits; InMails exactly a day
// apart fall in one window, as Send counts them.
func TestWithinAbuseLimits(t *testing.T) {
	limits := graph.DefaultLimits
	const noon = 100 * day
	var sent []sentInMail
	for i := range limits.InMailsPerDay - 1 {
		sent = append(sent, sentInMail{at: noon, body: uint16(i)})
	}
	if !withinAbuseLimits(sent, sentInMail{at: noon + day, body: 999}) {
		t.Error("the last InMail the daily limit allows was refused")
	}
	sent = append(sent, sentInMail{at: noon, body: 999})
	for _, at := range []stamp{noon, noon + day, noon - day} {
		if withinAbuseLimits(sent, sentInMail{at: at, body: 1000}) {
			t.Errorf("an InMail at %d, within a day of %d others, was allowed", at, len(sent))
		}
	}
	if !withinAbuseLimits(sent, sentInMail{at: noon + day + 1, body: 1000}) {
		t.Error("an InMail more than a day after the others was refused")
	}
	var same []sentInMail
	for range limits.BlastLimit {
		same = append(same, sentInMail{at: noon, body: 7})
	}
	if withinAbuseLimits(same, sentInMail{at: noon + day, body: 7}) {
		t.Errorf("a body sent to %d members within a day went to one more", limits.BlastLimit)
	}
	if !withinAbuseLimits(same, sentInMail{at: noon + day, body: 8}) || !withinAbuseLimits(same, sentInMail{at: noon + day + 1, body: 7}) {
		t.Error("a different body, or the same a day and a second later, was refused")
	}
}

// TestBusyMailboxes checks the spread of mailbox sizes: the most connected members have a
// conversation with most of their connections, hundreds of times the median member's.
func TestBusyMailboxes(t *testing.T) {
	g := generate(t, testSpec)
	conversations := make(map[uint32]map[uint32]bool)
	for _, m := range g.messages {
		for _, side := range [][2]uint32{{m.from, m.to}, {m.to, m.from}} {
			if conversations[side[0]] == nil {
				conversations[side[0]] = make(map[uint32]bool)
			}
			conversations[side[0]][side[1]] = true
		}
	}
	var sizes []int
	for _, with := range conversations {
		sizes = append(sizes, len(with))
	}
	slices.Sort(sizes)
	median := sizes[len(sizes)/2]
	for _, busy := range g.mostConnected(busyMembers) {
		got, want := len(conversations[busy]), int(0.7*float64(g.degree[busy]))
		t.Logf("member %d: %d connections, %d conversations (median mailbox %d)", busy, g.degree[busy], got, median)
		if got < min(want, busyMostMailbox) || got < 100*median {
			t.Errorf("member %d with %d connections has %d conversations, want at least %d and 100× the median %d",
				busy, g.degree[busy], got, min(want, busyMostMailbox), median)
		}
	}
}

// TestGeneratedSides checks what members chose of their conversations: sides archived and sides
// muted, each of a conversation with messages, archived only once it went quiet, in about the
// shares drawn, and both sides of a conversation next to each other.
func TestGeneratedSides(t *testing.T) {
	g := generate(t, testSpec)
	last := map[uint64]stamp{}
	for _, m := range g.messages {
		key := pairKey(m.from, m.to)
		last[key] = max(last[key], m.sent)
	}
	quiet := 0
	for _, at := range last {
		if g.now-at >= archiveAfterDays*day {
			quiet++
		}
	}
	archived, muted := 0, 0
	for k, x := range g.sides {
		key := pairKey(x.member, x.other)
		at, talked := last[key]
		switch {
		case !talked || x.member == x.other || x.flags == 0:
			t.Fatalf("side %d %+v: no conversation, or nothing chosen", k, x)
		case x.flags&sideArchived != 0 && g.now-at < archiveAfterDays*day:
			t.Fatalf("side %d %+v archived %d s after its last message", k, x, g.now-at)
		case k > 1 && key != pairKey(g.sides[k-1].member, g.sides[k-1].other) && key == pairKey(g.sides[k-2].member, g.sides[k-2].other):
			t.Fatalf("side %d %+v apart from the other side of its conversation", k, x)
		}
		s := g.Side(k)
		if s.Archived {
			archived++
		}
		if s.Muted {
			muted++
		}
	}
	t.Logf("%d conversations, %d quiet; %d sides archived, %d muted", len(last), quiet, archived, muted)
	if got := float64(archived) / float64(2*quiet); got < archivedShare*0.8 || got > archivedShare*1.2 {
		t.Errorf("%.3f of the quiet sides archived, want about %.2f", got, archivedShare)
	}
	if got := float64(muted) / float64(2*len(last)); got < mutedShare*0.6 || got > mutedShare*1.4 {
		t.Errorf("%.4f of the sides muted, want about %.2f", got, mutedShare)
	}
}

// TestGeneratedOtherBox checks the sides the generator files in Other against the Other box's rule
// worked out again from the network as it is exported: for each InMail, its sender's InMails of
// the 30 days before it and those declined by then, the members who got the same folded body in
// the 24 hours before it, and the reports against the sender, read the way
// cypher/SenderSignals.cypher reads them. Exactly the recipients' sides of the InMails the rule
// files in Other are filed there.
func TestGeneratedOtherBox(t *testing.T) {
	g := generate(t, testSpec)
	counts := g.Counts()
	declinedAt := map[string]time.Time{}
	for k := range counts.Declines {
		d := g.Decline(k)
		declinedAt[d.MessageID] = d.At
	}
	reports := map[string][]time.Time{}
	for k := range counts.Reports {
		r := g.Report(k)
		reports[r.Member] = append(reports[r.Member], r.At)
	}
	bySender := map[string][]graph.ImportMessage{}
	for k := range counts.Messages {
		if m := g.Message(k); m.Channel.Kind() == graph.KindInMail {
			bySender[m.From] = append(bySender[m.From], m)
		}
	}
	within := func(at, before time.Time, span time.Duration) bool {
		return at.After(before.Add(-span)) && at.Before(before)
	}
	want := map[[2]string]bool{}
	for from, sent := range bySender {
		for _, m := range sent {
			var s graph.BlastSignals
			sameBody := map[string]bool{}
			for _, e := range sent {
				if !within(e.SentAt, m.SentAt, graph.ReportWindow) {
					continue
				}
				s.Sent++
				if at, ok := declinedAt[e.ID]; ok && at.Before(m.SentAt) {
					s.Declined++
				}
				if within(e.SentAt, m.SentAt, graph.AbuseWindow) && e.To != m.To && graph.BodyHash(e.Body) == graph.BodyHash(m.Body) {
					sameBody[e.To] = true
				}
			}
			s.SameBody = len(sameBody)
			for _, at := range reports[from] {
				if within(at, m.SentAt, graph.ReportWindow) {
					s.Reported++
				}
			}
			if graph.DefaultLimits.Blasting(s) {
				want[[2]string{m.To, from}] = true
			}
		}
	}
	got := map[[2]string]bool{}
	for k := range g.sides {
		if s := g.Side(k); s.Other {
			got[[2]string{s.Member, s.With}] = true
		}
	}
	t.Logf("%d InMail senders; %d sides filed in Other", len(bySender), len(got))
	if len(want) == 0 {
		t.Fatal("the rule files nothing in Other in this network: the test shows nothing")
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("sides filed in Other (-by the rule +generated):\n%s", diff)
	}
}

package seed

import (
	"errors"
	"fmt"
	"math"
	"runtime"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/reach-network/reach/graph"
)

// Spec describes a network for Generate to make.
type Spec struct {
	Members   int     // how many members; at least 2
	AvgDegree float64 // the mean number of connections a member has
	Seed      uint64  // the same Spec makes the same network, byte for byte
	// IDPrefix goes before every id the network holds (members are IDPrefix+"m0", "m1", ...;
	// invitations "inv0", ...; messages "msg0", ...), so that several networks can share a graph.
	IDPrefix string
	// Epoch is the moment the network stands at: every time it records is before it. Zero means
	// DefaultEpoch.
	Epoch time.Time
}

// DefaultEpoch is the moment generated networks stand at unless their Spec says otherwise: a
// fixed moment, so that a seed gives the same times whenever it is run.
var DefaultEpoch = time.Date(2026, time.November, 1, 0, 0, 0, 0, time.UTC)

// The shape of a generated network. Connection counts follow a log-normal body with a Pareto
// tail of hubs; a member makes part of their connections within their company and school, the
// rest by preferential attachment over the whole network.
const (
	membersPerCompany = 30    // companies are many and mostly small (Zipf-like sizes)
	membersPerSchool  = 150   // schools fewer and larger
	companyZipfShift  = 20    // company of rank r has weight 1/(r+shift): the largest hold ~1% of members
	schoolZipfShift   = 10    // likewise for schools
	degreeSpread      = 0.9   // σ of the log-normal body of connection counts
	hubShare          = 0.001 // members who are hubs
	hubTailIndex      = 1.2   // Pareto α of the hubs' connection counts
	hubFloor          = 10    // hubs have at least this many times the mean connection count
	hubHeadroom       = 1.2   // hubs' targets may pass the connection limit by this factor (below)
	companyShare      = 0.30  // share of a member's connections made within their company
	schoolShare       = 0.20  // ... and within their school
	historyDays       = 3650  // every time lies within this many days before the epoch
)

// chunkSize is how many members one parallel piece of generation covers. It is fixed, so that
// the pieces, and the network, do not depend on how many CPUs there are.
const chunkSize = 1 << 14

// Generated is a network made by Generate, held compactly: members by index, connections as
// packed pairs of indexes. Its rows come out as the graph's import types, or as CSV files.
type Generated struct {
	spec        Spec
	origin      time.Time // times are held as seconds since origin, the midnight historyDays before the epoch
	now         stamp     // the epoch
	members     []member
	companies   int
	schools     int
	groups      int
	positions   []position // by member
	memberships []uint64   // member<<32 | group, ascending
	edges       []uint64   // low<<32 | high by member index, ascending, each pair once
	degree      []uint32
	blocks      []block
	invitations []invitation
	messages    []message
	declines    []decline
	reports     []report
	sides       []side // by conversation, in the order of its first message
}

// stamp is a time in a generated network: seconds since its origin.
type stamp uint32

// member is one generated member; strings are derived from these fields when needed.
type member struct {
	company, school uint32
	joined          stamp
	granted         stamp  // the plan's latest grant; paid plans only
	credits         uint16 // InMail credits now
	first, last     uint8  // name parts
	title           uint8  // job title draw
	plan            uint8  // index in plans
	inmail          uint8  // index in inmailPolicies
	visibility      uint8  // index in profileVisibilities
	flags           uint8
}

// Member flags.
const (
	flagRestricted uint8 = 1 << iota
	flagOpenProfile
	flagUnsearchable
	flagConnectionsHidden
)

var (
	plans               = [...]graph.Plan{graph.PlanFree, graph.PlanCareer, graph.PlanBusiness, graph.PlanSalesNavigator, graph.PlanRecruiterLite}
	planShares          = [...]float64{0.82, 0.07, 0.05, 0.03, 0.03}
	inmailPolicies      = [...]graph.InMailPolicy{graph.InMailAnyone, graph.InMailNetwork, graph.InMailOff}
	inmailShares        = [...]float64{0.85, 0.10, 0.05}
	profileVisibilities = [...]graph.ProfileVisibility{graph.ProfileEveryone, graph.ProfileNetwork, graph.ProfileConnections}
	visibilityShares    = [...]float64{0.85, 0.10, 0.05}
)

// Counts are how many rows of each kind a generated network holds.
type Counts struct {
	Members, Connections, Blocks, Invitations, Messages, Declines, Reports int
	Organisations, Groups, Positions, Memberships                          int
	Sides                                                                  int // sides of conversations a member archived or muted
}

// Generate makes the network spec describes; progress, when not nil, hears how far it has got.
// It fails if the spec asks for fewer than 2 members, an average degree above a quarter of the
// members, or a prefix that makes invalid ids.
func Generate(spec Spec, progress Progress) (*Generated, error) {
	if spec.Epoch.IsZero() {
		spec.Epoch = DefaultEpoch
	}
	switch {
	case spec.Members < 2 || spec.Members >= math.MaxUint32:
		return nil, fmt.Errorf("a generated network needs from 2 to %d members, not %d", uint32(math.MaxUint32-1), spec.Members)
	case !(spec.AvgDegree > 0) || spec.AvgDegree > float64(min(spec.Members-1, graph.MaxConnections))/4:
		return nil, fmt.Errorf("the average degree must be above 0 and at most a quarter of the members (and of %d), not %g",
			graph.MaxConnections, spec.AvgDegree)
	case !graph.ValidMemberID(spec.IDPrefix + "msg" + strconv.Itoa(4*spec.Members)):
		return nil, fmt.Errorf("id prefix %q makes invalid ids", spec.IDPrefix)
	}
	if progress == nil {
		progress = silent{}
	}
	// Times count from a midnight, so that a stamp's day is a calendar day.
	origin := spec.Epoch.UTC().Truncate(24*time.Hour).AddDate(0, 0, -historyDays)
	g := &Generated{spec: spec, origin: origin, now: stamp(spec.Epoch.Sub(origin) / time.Second)}
	weights := g.makeMembers(progress)
	draw, err := g.connect(weights, progress)
	if err != nil {
		return nil, err
	}
	g.makeAffiliations(progress) // before the activity: the rules read what members share
	g.makeActivity(draw, progress)
	return g, nil
}

// Spec is what the network was generated from, with defaults filled in.
func (g *Generated) Spec() Spec { return g.spec }

// Counts says how many rows of each kind the network holds.
func (g *Generated) Counts() Counts {
	return Counts{
		Members: len(g.members), Connections: len(g.edges), Blocks: len(g.blocks),
		Invitations: len(g.invitations), Messages: len(g.messages), Declines: len(g.declines),
		Reports: len(g.reports), Organisations: g.companies + g.schools, Groups: g.groups,
		Positions: len(g.positions), Memberships: len(g.memberships), Sides: len(g.sides),
	}
}

// ID is the id of member i.
func (g *Generated) ID(i int) string { return g.spec.IDPrefix + "m" + strconv.Itoa(i) }

// Degree is how many connections member i has.
func (g *Generated) Degree(i int) int { return int(g.degree[i]) }

// Connected reports whether members a and b are connected.
func (g *Generated) Connected(a, b int) bool {
	_, found := slices.BinarySearch(g.edges, pairKey(uint32(a), uint32(b)))
	return found
}

// adjacency is every member's connections, as sorted member indexes: member i's are
// list[start[i]:start[i+1]].
type adjacency struct {
	start []uint64
	list  []uint32
}

// adjacency lays the connections out by member.
func (g *Generated) adjacency() adjacency {
	n := len(g.members)
	a := adjacency{start: make([]uint64, n+1), list: make([]uint32, 2*len(g.edges))}
	for i, d := range g.degree {
		a.start[i+1] = a.start[i] + uint64(d)
	}
	// The edges are in ascending order, so each member's list fills sorted: first the members
	// below it (the edges where it is the higher end, by their lower end), then those above it.
	next := slices.Clone(a.start[:n])
	for _, e := range g.edges {
		low, high := uint32(e>>32), uint32(e)
		a.list[next[low]] = high
		next[low]++
		a.list[next[high]] = low
		next[high]++
	}
	return a
}

// of is member i's connections.
func (a adjacency) of(i uint32) []uint32 { return a.list[a.start[i]:a.start[i+1]] }

// degree is how far member y stands from member x in connections: graph.First when y is among
// x's connections, graph.Second or graph.Third when the connections of the one with fewer (or
// theirs in turn) meet the other's, graph.OutOfNetwork when they are further apart.
func (a adjacency) degree(x, y uint32) graph.Degree {
	if x == y {
		return graph.Self
	}
	if _, ok := slices.BinarySearch(a.of(x), y); ok {
		return graph.First
	}
	near, far := a.of(x), a.of(y)
	if len(near) > len(far) {
		near, far = far, near
	}
	farSet := make(map[uint32]bool, len(far))
	for _, k := range far {
		farSet[k] = true
	}
	for _, k := range near {
		if farSet[k] {
			return graph.Second
		}
	}
	for _, k := range near {
		for _, j := range a.of(k) {
			if farSet[j] {
				return graph.Third
			}
		}
	}
	return graph.OutOfNetwork
}

// time turns a stamp into a time.
func (g *Generated) time(s stamp) time.Time { return g.origin.Add(time.Duration(s) * time.Second) }

// Member is member i with everything the store keeps of it.
func (g *Generated) Member(i int) graph.ImportMember {
	m := &g.members[i]
	out := graph.ImportMember{
		ID: g.ID(i), Name: g.name(i), Headline: g.headline(i), Company: companyName(int(m.company)),
		Settings: graph.Settings{
			InMail:                inmailPolicies[m.inmail],
			OpenProfile:           m.flags&flagOpenProfile != 0,
			ProfileVisibility:     profileVisibilities[m.visibility],
			ConnectionsVisibility: graph.ConnectionsVisible,
			Searchable:            m.flags&flagUnsearchable == 0,
			MessageRequests:       requestsOn,
		},
		Plan: plans[m.plan], InMailCredits: int(m.credits), Restricted: m.flags&flagRestricted != 0,
		CreatedAt: g.time(m.joined),
	}
	if m.flags&flagConnectionsHidden != 0 {
		out.Settings.ConnectionsVisibility = graph.ConnectionsOnlyMe
	}
	if m.plan != 0 {
		out.PlanGrantedAt = g.time(m.granted)
	}
	return out
}

func (g *Generated) name(i int) string {
	m := &g.members[i]
	return firstNames[m.first] + " " + lastNames[m.last]
}

func (g *Generated) headline(i int) string {
	m := &g.members[i]
	return title(plans[m.plan], uint32(m.title)) + " at " + companyName(int(m.company))
}

// Connection is the k-th connection, its ends in id order.
func (g *Generated) Connection(k int) graph.ImportConnection {
	lo, hi := unpair(g.edges[k])
	a, b := g.ID(int(lo)), g.ID(int(hi))
	return graph.ImportConnection{A: min(a, b), B: max(a, b), Since: g.time(g.since(g.edges[k]))}
}

// since is when the connection with the given key was made: after both members joined.
func (g *Generated) since(key uint64) stamp {
	lo, hi := unpair(key)
	joined := max(g.members[lo].joined, g.members[hi].joined)
	span := uint64(g.now - joined)
	return joined + stamp(mix(g.spec.Seed^key)%max(span, 1))
}

func pairKey(a, b uint32) uint64 {
	if a > b {
		a, b = b, a
	}
	return uint64(a)<<32 | uint64(b)
}

func unpair(key uint64) (lo, hi uint32) { return uint32(key >> 32), uint32(key) }

// makeMembers draws every member's company, school, settings, plan and target connection count
// (its weight), which it returns.
func (g *Generated) makeMembers(progress Progress) []float64 {
	n := g.spec.Members
	progress.Start("generate members", int64(n))
	defer progress.Done()
	g.companies = max(1, n/membersPerCompany)
	schools := max(1, n/membersPerSchool)
	companyPick := newAlias(zipfWeights(g.companies, companyZipfShift))
	schoolPick := newAlias(zipfWeights(schools, schoolZipfShift))
	planPick, inmailPick, visibilityPick := newAlias(planShares[:]), newAlias(inmailShares[:]), newAlias(visibilityShares[:])

	mean := g.spec.AvgDegree
	hubMin := hubFloor * mean
	// Repeated pairs leave a hub about a seventh short of its target, so the largest hubs aim past
	// the connection limit and, trimmed to it (connect), end at it.
	hubMax := min(hubHeadroom*graph.MaxConnections, float64(n-1)/8)
	hubs := hubMax >= 1.5*hubMin
	g.members = make([]member, n)
	weights := make([]float64, n)
	isHub := make([]bool, n)
	r := newRNG(g.spec.Seed, streamMembers, 0)
	var hubSum, bodySum float64
	for i := range g.members {
		m := &g.members[i]
		m.company, m.school = companyPick.pick(r), schoolPick.pick(r)
		if hubs && r.chance(hubShare) {
			weights[i] = min(hubMin*math.Pow(1-r.float(), -1/hubTailIndex), hubMax)
			isHub[i] = true
			hubSum += weights[i]
		} else {
			weights[i] = math.Exp(degreeSpread * r.normal())
			bodySum += weights[i]
		}
		m.first, m.last, m.title = uint8(r.intn(len(firstNames))), uint8(r.intn(len(lastNames))), uint8(r.next())
		m.joined = stamp(r.between(0, int64(g.now)-90*86400))
		m.plan = uint8(planPick.pick(r))
		if allot := plans[m.plan].Allotment(); allot > 0 {
			m.credits = uint16(r.between(int64(allot), int64(3*allot)))
			m.granted = g.now - stamp(r.between(3600, 30*86400))
		}
		m.inmail, m.visibility = uint8(inmailPick.pick(r)), uint8(visibilityPick.pick(r))
		openShare := 0.01
		if m.plan != 0 {
			openShare = 0.25
		}
		for _, f := range []struct {
			flag  uint8
			share float64
		}{{flagRestricted, 0.001}, {flagOpenProfile, openShare}, {flagUnsearchable, 0.05}, {flagConnectionsHidden, 0.02}} {
			if r.chance(f.share) {
				m.flags |= f.flag
			}
		}
		if i%chunkSize == chunkSize-1 {
			progress.Add(chunkSize)
		}
	}
	progress.Add(int64(n % chunkSize))
	// Scale the body so that the weights average the mean degree, the hubs keeping theirs unless
	// they would take more than a third of all connections.
	total := mean * float64(n)
	hubScale := min(1, total/3/max(hubSum, 1))
	bodyScale := (total - hubScale*hubSum) / max(bodySum, 1e-9)
	for i, w := range weights {
		if isHub[i] {
			weights[i] = w * hubScale
		} else {
			weights[i] = min(w*bodyScale, 0.95*graph.MaxConnections, float64(n-1)/2)
		}
	}
	return weights
}

// zipfWeights are the weights of n ranks of a Zipf-like distribution, 1/(rank+shift).
func zipfWeights(n int, shift float64) []float64 {
	w := make([]float64, n)
	for r := range w {
		w[r] = 1 / (float64(r+1) + shift)
	}
	return w
}

// connect makes the connections: each member starts about half of its target count, part within
// its company and school, the rest to members drawn in proportion to their targets. Repeated
// pairs count once; top-up rounds make up what repeats cost, and no member is left with more
// than graph.MaxConnections.
func (g *Generated) connect(weights []float64, progress Progress) (draws, error) {
	n := len(g.members)
	target := int(math.Round(g.spec.AvgDegree * float64(n) / 2))
	global := newAlias(weights)
	companyOf, schoolOf := make([]uint32, n), make([]uint32, n)
	for i, m := range g.members {
		companyOf[i], schoolOf[i] = m.company, m.school
	}
	companies := newGroups(companyOf, g.companies, weights)
	schools := newGroups(schoolOf, max(1, n/membersPerSchool), weights)

	// How many connections each member starts, by kind: within company, within school, global.
	chunks := (n + chunkSize - 1) / chunkSize
	starts := make([][3]uint16, n)
	perChunk := make([]int, chunks+1)
	parallel(chunks, func(c int) {
		r := newRNG(g.spec.Seed, streamCounts, uint64(c))
		total := 0
		for i := c * chunkSize; i < min(n, (c+1)*chunkSize); i++ {
			m := &g.members[i]
			k := r.round(weights[i] / 2)
			kc := min(r.round(companyShare*float64(k)), (companies.size(m.company)-1)/2)
			ks := min(r.round(schoolShare*float64(k)), (schools.size(m.school)-1)/2, k-kc)
			starts[i] = [3]uint16{uint16(kc), uint16(ks), uint16(k - kc - ks)}
			total += k
		}
		perChunk[c+1] = total
	})
	for c := range chunks {
		perChunk[c+1] += perChunk[c]
	}
	drawn := perChunk[chunks]
	progress.Start("generate connections", int64(drawn))
	g.edges = make([]uint64, drawn, drawn+drawn/8)
	const none = math.MaxUint64 // a draw that found no partner; sorts last and is dropped
	parallel(chunks, func(c int) {
		r := newRNG(g.spec.Seed, streamEdges, uint64(c))
		out := g.edges[perChunk[c]:perChunk[c+1]]
		k := 0
		for i := c * chunkSize; i < min(n, (c+1)*chunkSize); i++ {
			m, self := &g.members[i], uint32(i)
			for kind, count := range starts[i] {
				for range count {
					var j uint32
					for try := 0; try < 4; try++ {
						switch kind {
						case 0:
							j = companies.pick(m.company, r)
						case 1:
							j = schools.pick(m.school, r)
						default:
							j = global.pick(r)
						}
						if j != self {
							break
						}
					}
					if j == self {
						out[k] = none
					} else {
						out[k] = pairKey(self, j)
					}
					k++
				}
			}
		}
		progress.Add(int64(k))
	})
	starts = nil
	progress.Done()

	progress.Start("sort connections", int64(len(g.edges)))
	slices.Sort(g.edges)
	g.edges = dropRepeats(g.edges, none)
	progress.Add(int64(len(g.edges)))
	progress.Done()

	// Repeated pairs, mostly within small companies, leave the count short: top it up with pairs
	// drawn over the whole network.
	for round := uint64(0); len(g.edges) < target*99/100 && round < 8; round++ {
		missing := target - len(g.edges)
		extra := missing + missing/8 + 16
		progress.Start("top up connections", int64(extra))
		const piece = 1 << 16
		tail := make([]uint64, extra)
		parallel((extra+piece-1)/piece, func(p int) {
			r := newRNG(g.spec.Seed, streamTopUp, round<<32|uint64(p))
			part := tail[p*piece : min(extra, (p+1)*piece)]
			for k := range part {
				a, b := global.pick(r), global.pick(r)
				if a == b {
					part[k] = none
				} else {
					part[k] = pairKey(a, b)
				}
			}
			progress.Add(int64(len(part)))
		})
		slices.Sort(tail)
		g.edges = dropRepeats(mergeSorted(g.edges, tail), none)
		progress.Done()
	}
	if len(g.edges) == 0 {
		return draws{}, errors.New("the generated network has no connections; raise the average degree")
	}

	// Keep every member within the connection limit, dropping the connections that would take
	// either end past it.
	g.degree = make([]uint32, n)
	kept := g.edges[:0]
	for _, e := range g.edges {
		lo, hi := unpair(e)
		if g.degree[lo] < graph.MaxConnections && g.degree[hi] < graph.MaxConnections {
			g.degree[lo]++
			g.degree[hi]++
			kept = append(kept, e)
		}
	}
	g.edges = slices.Clip(kept)
	return draws{global: global, companies: companies}, nil
}

// draws are the ways of drawing members that activity is made with.
type draws struct {
	global    alias  // any member, in proportion to their target connection count
	companies groups // a member of a given company, likewise
}

// dropRepeats removes repeated values from a sorted slice, and the value none wherever it is.
func dropRepeats(s []uint64, none uint64) []uint64 {
	s = slices.Compact(s)
	if len(s) > 0 && s[len(s)-1] == none {
		s = s[:len(s)-1]
	}
	return s
}

// mergeSorted merges the sorted tail into the sorted s, growing s by len(tail).
func mergeSorted(s, tail []uint64) []uint64 {
	i, j := len(s)-1, len(tail)-1
	s = append(s, tail...) // room; the values are overwritten below
	for k := len(s) - 1; j >= 0; k-- {
		if i >= 0 && s[i] > tail[j] {
			s[k] = s[i]
			i--
		} else {
			s[k] = tail[j]
			j--
		}
	}
	return s
}

// parallel runs fn for pieces 0 to n-1, on every CPU. Each piece must write only its own output.
func parallel(n int, fn func(piece int)) {
	var next atomic.Int64
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), n) {
		wg.Go(func() {
			for p := int(next.Add(1) - 1); p < n; p = int(next.Add(1) - 1) {
				fn(p)
			}
		})
	}
	wg.Wait()
}

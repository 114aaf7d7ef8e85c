package seed

import (
	"slices"
	"strconv"

	"github.com/reach-network/reach/graph"
)

// The shape of organisations and groups. Every member holds a current position at their company
// and studied at their school; some held earlier positions at other companies, drawn by company
// size. Groups follow LinkedIn's shape: many small ones and a few huge ones (Zipf-like sizes),
// a handful per member on average.
const (
	pastPositionsMax = 2  // earlier positions a member may have held: 0 to this many, uniformly
	membersPerGroup  = 10 // groups are a tenth as many as members
	groupZipfShift   = 5  // group of rank r has weight 1/(r+shift): the largest holds 2 to 3% of memberships
	groupsPerMember  = 6  // a member is in 0 to this many groups, uniformly: 3 on average
)

// position is one generated position: member at organisation org (companies first, then schools)
// from one year to another; to is 0 while the position is current.
type position struct {
	member, org uint32
	from, to    uint16
}

// makeAffiliations gives every member their positions and groups, from a stream of its own, so
// that they depend on the members alone. The activity, drawn after them, reads what members share.
func (g *Generated) makeAffiliations(progress Progress) {
	n := len(g.members)
	progress.Start("generate positions and groups", int64(n))
	defer progress.Done()
	g.schools = max(1, n/membersPerSchool)
	g.groups = max(1, n/membersPerGroup)
	companyPick := newAlias(zipfWeights(g.companies, companyZipfShift))
	groupPick := newAlias(zipfWeights(g.groups, groupZipfShift))
	year := uint16(g.spec.Epoch.Year())
	r := newRNG(g.spec.Seed, streamAffiliations, 0)
	var picked []uint32
	for i := range g.members {
		m := &g.members[i]
		start := year - 1 - uint16(r.intn(10)) // the current position began up to 10 years ago
		g.positions = append(g.positions, position{member: uint32(i), org: m.company, from: start})
		for range r.intn(pastPositionsMax + 1) {
			c, years := companyPick.pick(r), 1+uint16(r.intn(5))
			if c != m.company {
				g.positions = append(g.positions, position{member: uint32(i), org: c, from: start - years, to: start})
			}
			start -= years
		}
		graduated := start - uint16(r.intn(3))
		g.positions = append(g.positions, position{member: uint32(i), org: uint32(g.companies) + m.school, from: graduated - 4, to: graduated})
		picked = picked[:0]
		for range r.intn(groupsPerMember + 1) {
			picked = append(picked, groupPick.pick(r))
		}
		slices.Sort(picked)
		for _, grp := range slices.Compact(picked) {
			g.memberships = append(g.memberships, uint64(i)<<32|uint64(grp))
		}
		if i%chunkSize == chunkSize-1 {
			progress.Add(chunkSize)
		}
	}
	progress.Add(int64(n % chunkSize))
}

// OrganisationID is the id of organisation o: companies are c0, c1, ..., schools s0, s1, ....
func (g *Generated) OrganisationID(o int) string {
	if o < g.companies {
		return g.spec.IDPrefix + "c" + strconv.Itoa(o)
	}
	return g.spec.IDPrefix + "s" + strconv.Itoa(o-g.companies)
}

// Organisation is organisation o: the companies, then the schools.
func (g *Generated) Organisation(o int) graph.Organisation {
	if o < g.companies {
		return graph.Organisation{ID: g.OrganisationID(o), Name: companyName(o), Kind: graph.Company}
	}
	return graph.Organisation{ID: g.OrganisationID(o), Name: schoolName(o - g.companies), Kind: graph.School}
}

// GroupID is the id of group k.
func (g *Generated) GroupID(k int) string { return g.spec.IDPrefix + "g" + strconv.Itoa(k) }

// Group is group k.
func (g *Generated) Group(k int) graph.Group {
	return graph.Group{ID: g.GroupID(k), Name: groupName(k)}
}

// Position is the k-th position, ordered by member.
func (g *Generated) Position(k int) graph.ImportPosition {
	p := g.positions[k]
	out := graph.ImportPosition{Member: g.ID(int(p.member)), Position: graph.Position{
		Org: g.OrganisationID(int(p.org)), From: int(p.from)}}
	if p.to != 0 {
		to := int(p.to)
		out.To = &to
	}
	if int(p.org) < g.companies {
		out.Title = title(plans[g.members[p.member].plan], uint32(g.members[p.member].title)+uint32(k))
	} else {
		out.Title = "Student"
	}
	return out
}

// Membership is the k-th group membership, ordered by member.
func (g *Generated) Membership(k int) graph.ImportMembership {
	key := g.memberships[k]
	member := uint32(key >> 32)
	return graph.ImportMembership{Member: g.ID(int(member)), Group: g.GroupID(int(uint32(key))),
		Since: g.time(g.members[member].joined + stamp(key%86400))}
}

// GroupSizes says how many members each group has.
func (g *Generated) GroupSizes() []int {
	sizes := make([]int, g.groups)
	for _, key := range g.memberships {
		sizes[uint32(key)]++
	}
	return sizes
}

// schoolName names school s.
func schoolName(s int) string {
	h, t := len(companyHeads), len(companyTails)
	x := (s%(h*t)*7919 + 7) % (h * t)
	name := "University of " + companyHeads[x%h] + companyTails[x/h%t]
	if n := s / (h * t); n > 0 {
		name += " " + strconv.Itoa(n+1)
	}
	return name
}

// groupTopics and groupKinds make group names; past every combination a number tells them apart.
var (
	groupTopics = [...]string{"Go", "Rust", "Data Science", "Product Management", "Design", "Cloud", "Security",
		"Machine Learning", "Recruiting", "Sales", "Marketing", "Startups", "Finance", "Healthcare", "Climate", "Open Source"}
	groupKinds = [...]string{"Professionals", "Network", "Community", "Leaders", "Forum", "Circle", "Meetup", "Guild"}
)

// groupName names group k.
func groupName(k int) string {
	t, c := len(groupTopics), len(groupKinds)
	name := groupTopics[k%t] + " " + groupKinds[k/t%c]
	if n := k / (t * c); n > 0 {
		name += " " + strconv.Itoa(n+1)
	}
	return name
}

package seed

// Index-level views of a generated network, for tools that lay it out themselves (the scaling
// simulation in bench/scalesim) without going through ids and strings.

// Ends are the k-th connection's two members, by index, the lower first.
func (g *Generated) Ends(k int) (a, b int) {
	lo, hi := unpair(g.edges[k])
	return int(lo), int(hi)
}

// Company is the index of member i's company, from 0 to Companies()-1.
func (g *Generated) Company(i int) int { return int(g.members[i].company) }

// Companies is how many companies the network's members work at.
func (g *Generated) Companies() int { return g.companies }

// BlockEnds are the members of the k-th block, by index: by blocks member.
func (g *Generated) BlockEnds(k int) (by, member int) {
	b := &g.blocks[k]
	return int(b.by), int(b.member)
}

// Positions is how many positions the network's members hold, past and current.
func (g *Generated) Positions() int { return len(g.positions) }

// PositionEnds is the k-th position by index: member held it at organisation org (companies
// first, then schools), current when it has no end.
func (g *Generated) PositionEnds(k int) (member, org int, current bool) {
	p := &g.positions[k]
	return int(p.member), int(p.org), p.to == 0
}

// Memberships is how many group memberships the network holds.
func (g *Generated) Memberships() int { return len(g.memberships) }

// MembershipEnds is the k-th group membership by index: member is in group.
func (g *Generated) MembershipEnds(k int) (member, group int) {
	key := g.memberships[k]
	return int(key >> 32), int(uint32(key))
}

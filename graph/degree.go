package graph

// Reckoning works out how far apart two members stand, and the connections they share, from
// connection lists, with members numbered by whichever path holds the lists (Neo4j's cached lists,
// the projection). Every answering path uses it, so degrees are worked out one way.
type Reckoning struct {
	Self         bool           // the caller asked about themselves
	Hidden       map[int32]bool // members in a block relation with the caller: never mutuals, never steps
	Small, Large int32          // the side with fewer connections, and the other
	Near         []int32        // the smaller side's connections, sorted
	Mutuals      []int32        // the connections both share, leaving out hidden members (Settle)
}

// Settle works out the direct test and the mutual connections, given the larger side's
// connections: Self, First, Second, or OutOfNetwork when only a 3-hop chain could link them
// (Third).
func (r *Reckoning) Settle(listOf func(int32) []int32) Degree {
	if r.Self {
		return Self
	}
	degree := OutOfNetwork
	far := listOf(r.Large)
	if Contains(far, r.Small) {
		degree = First
	}
	for _, x := range r.Near {
		if !r.Hidden[x] && Contains(far, x) {
			r.Mutuals = append(r.Mutuals, x)
		}
	}
	if degree == OutOfNetwork && len(r.Mutuals) > 0 {
		degree = Second
	}
	return degree
}

// Reckon is the degree Settle and Third work out together, found with less work: it stops at the
// direct test, or at the first connection the two share, and collects no mutual connections.
func (r *Reckoning) Reckon(listOf func(int32) []int32) Degree {
	if r.Self {
		return Self
	}
	far := listOf(r.Large)
	if Contains(far, r.Small) {
		return First
	}
	for _, x := range r.Near {
		if !r.Hidden[x] && Contains(far, x) {
			return Second
		}
	}
	if r.Third(listOf) {
		return Third
	}
	return OutOfNetwork
}

// Third reports whether a 3-hop chain, small - x - y - large, links a pair neither connected nor
// sharing a connection, given the lists of the smaller side's connections. Members hidden from
// the caller are never steps of the chain.
func (r *Reckoning) Third(listOf func(int32) []int32) bool {
	far := listOf(r.Large)
	skip := func(y int32) bool { return r.Hidden[y] }
	for _, x := range r.Near {
		if !r.Hidden[x] && CountCommon(listOf(x), far, skip, 1) > 0 {
			return true
		}
	}
	return false
}

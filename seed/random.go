package seed

import "math"

// rng is SplitMix64: small, fast, and the same on every platform and Go release, so that a seed
// always makes the same network. Each piece of work that may run in parallel draws from its own
// stream, named by the seed and the piece, so the result does not depend on scheduling.
type rng struct{ state uint64 }

// The streams of a generated network.
const (
	streamMembers uint64 = iota + 1
	streamCounts
	streamEdges
	streamTopUp
	streamActivity
	streamAffiliations
	streamSides
	streamBlasts
)

func newRNG(seed uint64, stream uint64, piece uint64) *rng {
	return &rng{state: mix(seed ^ mix(stream<<32^piece))}
}

// mix is SplitMix64's finaliser: a bijection that spreads every input bit over the output.
func mix(z uint64) uint64 {
	z += 0x9e3779b97f4a7c15
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return z ^ (z >> 31)
}

func (r *rng) next() uint64 {
	r.state += 0x9e3779b97f4a7c15
	z := r.state
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return z ^ (z >> 31)
}

// float is uniform in [0, 1).
func (r *rng) float() float64 { return float64(r.next()>>11) / (1 << 53) }

// intn is uniform in [0, n) for 0 < n < 2^32.
func (r *rng) intn(n int) int { return int((r.next() >> 32) * uint64(n) >> 32) }

// between is uniform in [lo, hi]; hi < lo gives lo.
func (r *rng) between(lo, hi int64) int64 {
	if hi <= lo {
		return lo
	}
	return lo + int64(r.next()%uint64(hi-lo+1))
}

// chance is true with probability p.
func (r *rng) chance(p float64) bool { return r.float() < p }

// normal is a standard normal draw (Box–Muller).
func (r *rng) normal() float64 {
	u := 1 - r.float() // (0, 1]
	return math.Sqrt(-2*math.Log(u)) * math.Cos(2*math.Pi*r.float())
}

// round rounds x up or down at random so that the mean is x.
func (r *rng) round(x float64) int {
	n := math.Floor(x)
	if r.float() < x-n {
		n++
	}
	return int(n)
}

// alias draws an index in proportion to a weight in O(1) (Vose's alias method).
type alias struct {
	prob  []float32
	alias []uint32
}

func newAlias(weights []float64) alias {
	a := alias{prob: make([]float32, len(weights)), alias: make([]uint32, len(weights))}
	fillAlias(weights, a.prob, a.alias, nil)
	return a
}

// fillAlias builds an alias table for weights into prob and alias, using work as scratch space
// when it is long enough.
func fillAlias(weights []float64, prob []float32, alias []uint32, work []float64) {
	n := len(weights)
	total := 0.0
	for _, w := range weights {
		total += w
	}
	if total <= 0 {
		for i := range prob {
			prob[i], alias[i] = 1, uint32(i)
		}
		return
	}
	if cap(work) < n {
		work = make([]float64, n)
	}
	scaled := work[:n]
	small, large := make([]uint32, 0, n), make([]uint32, 0, n)
	for i, w := range weights {
		scaled[i] = w * float64(n) / total
		if scaled[i] < 1 {
			small = append(small, uint32(i))
		} else {
			large = append(large, uint32(i))
		}
	}
	for len(small) > 0 && len(large) > 0 {
		s, l := small[len(small)-1], large[len(large)-1]
		small = small[:len(small)-1]
		prob[s], alias[s] = float32(scaled[s]), l
		scaled[l] += scaled[s] - 1
		if scaled[l] < 1 {
			large = large[:len(large)-1]
			small = append(small, l)
		}
	}
	for _, i := range append(small, large...) {
		prob[i], alias[i] = 1, i
	}
}

func (a *alias) pick(r *rng) uint32 {
	x := r.next()
	i := uint32((x >> 32) * uint64(len(a.prob)) >> 32)
	if float32(x&0xffffff)/(1<<24) < a.prob[i] {
		return i
	}
	return a.alias[i]
}

// groups draws a member of one group (a company, a school) in proportion to the members' weights.
type groups struct {
	start []uint32 // group g's members are order[start[g]:start[g+1]]
	order []uint32 // member indexes, grouped
	table alias    // one alias table per group, aligned with order, indexes local to the group
}

func newGroups(groupOf []uint32, count int, weights []float64) groups {
	g := groups{start: make([]uint32, count+1), order: make([]uint32, len(groupOf))}
	for _, c := range groupOf {
		g.start[c+1]++
	}
	for c := range count {
		g.start[c+1] += g.start[c]
	}
	next := append([]uint32(nil), g.start[:count]...)
	for i, c := range groupOf {
		g.order[next[c]] = uint32(i)
		next[c]++
	}
	g.table = alias{prob: make([]float32, len(groupOf)), alias: make([]uint32, len(groupOf))}
	var w, work []float64
	for c := range count {
		lo, hi := g.start[c], g.start[c+1]
		w = w[:0]
		for _, i := range g.order[lo:hi] {
			w = append(w, weights[i])
		}
		fillAlias(w, g.table.prob[lo:hi], g.table.alias[lo:hi], work)
		if cap(work) < len(w) {
			work = make([]float64, len(w))
		}
	}
	return g
}

func (g *groups) size(c uint32) int { return int(g.start[c+1] - g.start[c]) }

// pick draws a member of group c; the group must not be empty.
func (g *groups) pick(c uint32, r *rng) uint32 {
	lo, n := g.start[c], g.start[c+1]-g.start[c]
	x := r.next()
	i := uint32((x >> 32) * uint64(n) >> 32)
	if float32(x&0xffffff)/(1<<24) >= g.table.prob[lo+i] {
		i = g.table.alias[lo+i]
	}
	return g.order[lo+i]
}

package main

import "math/rand/v2"

// Kinds of pairs the simulation asks about.
const (
	kindRandom = "random" // two members drawn uniformly
	kindFirst  = "1st"
	kindSecond = "2nd"
	kindThird  = "3rd"
	kindOut    = "out" // beyond 3 hops
)

var kinds = []string{kindRandom, kindFirst, kindSecond, kindThird, kindOut}

// kindOf names a degree as a kind.
func kindOf(degree int) string {
	switch degree {
	case 1:
		return kindFirst
	case 2:
		return kindSecond
	case 3:
		return kindThird
	}
	return kindOut
}

// degreeOf is the degree of b from a (1, 2, 3, or 0 beyond), worked out directly on the whole
// graph: the answer the cluster must give.
func degreeOf(g *adjacency, a, b int32, m *marks) int {
	if g.connected(a, b) {
		return 1
	}
	na, nb := g.of(a), g.of(b)
	if intersect(na, nb) > 0 {
		return 2
	}
	if len(nb) < len(na) {
		na, nb = nb, na
	}
	m.reset()
	m.addAll(nb)
	for _, x := range na {
		for _, y := range g.of(x) {
			if m.has(y) {
				return 3
			}
		}
	}
	return 0
}

// drawPairs draws up to perKind pairs of each kind: random pairs, and pairs found by walking one
// to three steps from random members, each sorted by its degree, and the random pairs met on the
// way that are beyond 3 hops. Those are rare in a well-connected network: fewer than perKind may
// be found, after 20 × perKind tries.
func drawPairs(g *adjacency, perKind int, seed uint64) map[string][][2]int32 {
	rng := rand.New(rand.NewPCG(seed, 0x9a125))
	n := g.members()
	m := newMarks(n)
	pairs := map[string][][2]int32{}
	add := func(kind string, a, b int32) {
		if len(pairs[kind]) < perKind {
			pairs[kind] = append(pairs[kind], [2]int32{a, b})
		}
	}
	random := func() (int32, int32) {
		a := int32(rng.IntN(n))
		b := int32(rng.IntN(n - 1))
		if b >= a {
			b++
		}
		return a, b
	}
	for len(pairs[kindRandom]) < perKind {
		a, b := random()
		add(kindRandom, a, b)
	}
	for tries := 0; tries < 20*perKind; tries++ {
		full := true
		for _, k := range kinds[1:] {
			full = full && len(pairs[k]) >= perKind
		}
		if full {
			break
		}
		a, b := random()
		if d := degreeOf(g, a, b, m); d == 0 {
			add(kindOut, a, b)
		}
		if g.degree(a) == 0 {
			continue
		}
		step := a
		for range 3 {
			next := g.of(step)
			if len(next) == 0 {
				break
			}
			step = next[rng.IntN(len(next))]
			if step != a {
				add(kindOf(degreeOf(g, a, step, m)), a, step)
			}
		}
	}
	return pairs
}

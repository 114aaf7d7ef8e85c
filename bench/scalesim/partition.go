package main

import (
	"cmp"
	"math/rand/v2"
	"slices"
)

// A partition assigns every member to one of shards: the shard that holds the member's
// connection list (and, for a list that is replicated, the shard that owns it).
type partition struct {
	name   string
	shards int
	owner  []uint16 // member → shard
}

// hashPartition spreads members over shards by a hash of their index: what a cluster does when
// it knows nothing of the graph.
func hashPartition(n, shards int) partition {
	p := partition{name: "hash", shards: shards, owner: make([]uint16, n)}
	for i := range p.owner {
		p.owner[i] = uint16(mix(uint64(i)) % uint64(shards))
	}
	return p
}

// companyPartition keeps every company's members together, placing companies largest first on
// the shard with the fewest members so far (longest-processing-time packing), so the shards
// stay even though company sizes are Zipf-like. A company larger than a shard's share of the
// members is cut into pieces of at most that share first.
func companyPartition(company []int32, companies, shards int) partition {
	share := (len(company) + shards - 1) / shards
	members := make([][]int32, companies)
	for i, c := range company {
		members[c] = append(members[c], int32(i))
	}
	var pieces [][]int32
	for _, ms := range members {
		for len(ms) > share {
			pieces = append(pieces, ms[:share])
			ms = ms[share:]
		}
		if len(ms) > 0 {
			pieces = append(pieces, ms)
		}
	}
	slices.SortStableFunc(pieces, func(x, y []int32) int { return cmp.Compare(len(y), len(x)) })
	load := make([]int, shards)
	p := partition{name: "company", shards: shards, owner: make([]uint16, len(company))}
	for _, piece := range pieces {
		s := slices.Index(load, slices.Min(load))
		for _, i := range piece {
			p.owner[i] = uint16(s)
		}
		load[s] += len(piece)
	}
	return p
}

// refine moves members to the shard where most of their connections are (label propagation),
// for the given number of rounds, keeping every shard within slack of the mean size (1.05: 5%
// above it). Members are visited in a random order drawn from seed, so the result is the same
// for the same inputs.
func refine(a *adjacency, p partition, rounds int, slack float64, seed uint64) partition {
	n := a.members()
	out := partition{name: p.name + "+lp", shards: p.shards, owner: slices.Clone(p.owner)}
	capacity := int(slack*float64(n)/float64(p.shards)) + 1
	load := make([]int, p.shards)
	for _, s := range out.owner {
		load[s]++
	}
	count := make([]int32, p.shards)
	var touched []uint16
	order := make([]int32, n)
	for i := range order {
		order[i] = int32(i)
	}
	rng := rand.New(rand.NewPCG(seed, 0x5ca1e))
	for range rounds {
		rng.Shuffle(n, func(i, j int) { order[i], order[j] = order[j], order[i] })
		moved := 0
		for _, i := range order {
			for _, j := range a.of(i) {
				s := out.owner[j]
				if count[s] == 0 {
					touched = append(touched, s)
				}
				count[s]++
			}
			here := out.owner[i]
			best := here
			for _, s := range touched {
				if count[s] > count[best] && load[s] < capacity {
					best = s
				}
			}
			for _, s := range touched {
				count[s] = 0
			}
			touched = touched[:0]
			if best != here {
				out.owner[i] = best
				load[here]--
				load[best]++
				moved++
			}
		}
		if moved == 0 {
			break
		}
	}
	return out
}

// cutShare is the share of connections whose two members are on different shards.
func cutShare(a *adjacency, p partition) float64 {
	cut, all := 0, 0
	for i := range int32(a.members()) {
		for _, j := range a.of(i) {
			if j > i {
				all++
				if p.owner[i] != p.owner[j] {
					cut++
				}
			}
		}
	}
	return float64(cut) / float64(max(all, 1))
}

// imbalance is the largest shard's size over the mean size.
func imbalance(p partition) float64 {
	load := make([]int, p.shards)
	for _, s := range p.owner {
		load[s]++
	}
	return float64(slices.Max(load)) * float64(p.shards) / float64(len(p.owner))
}

// mix is SplitMix64's finaliser, a fast well-spread hash of a member's index.
func mix(z uint64) uint64 {
	z += 0x9e3779b97f4a7c15
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return z ^ (z >> 31)
}

package graph

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// BenchmarkNeighbours measures the cache of connection lists under contention, without Neo4j,
// and reports each operation's latency tail (p99-ns, p99.9-ns, max-ns) besides its mean.
//
// GetPut: every goroutine asks for the list of a random member of 50,000 with 200 connections
// each and stores it when missing; the cache has room for about a third of them, so every
// miss evicts.
//
// GetWhileInterning: every goroutine asks for cached lists while one more goroutine interns lists
// of 30,000 member ids never seen before, as reading the lists of the largest hubs does.
func BenchmarkNeighbours(b *testing.B) {
	const members, degree = 50_000, 200
	rng := rand.New(rand.NewPCG(1, 2))
	names := make([]string, members)
	for i := range names {
		names[i] = fmt.Sprintf("m%07d", i)
	}
	lists := make([][]int32, members)
	for i := range lists {
		l := make([]int32, degree)
		for j := range l {
			l[j] = int32(rng.IntN(members))
		}
		slices.Sort(l)
		lists[i] = slices.Compact(l)
	}
	b.Run("GetPut", func(b *testing.B) {
		n := newNeighbours(members * degree / 2)
		keys := n.internAll(names)
		var lat latencies
		b.RunParallel(func(pb *testing.PB) {
			rng := rand.New(rand.NewPCG(rand.Uint64(), 0))
			var mine []time.Duration
			for pb.Next() {
				i := rng.IntN(members)
				start := time.Now()
				if _, ok := n.get(keys[i], 1); !ok {
					n.put(keys[i], 1, lists[i])
				}
				mine = append(mine, time.Since(start))
			}
			lat.add(mine)
		})
		lat.report(b)
	})
	b.Run("GetWhileInterning", func(b *testing.B) {
		n := newNeighbours(members * degree)
		keys := n.internAll(names)
		for i, k := range keys {
			n.put(k, 1, lists[i])
		}
		stop := make(chan struct{})
		var interned atomic.Int64
		var wg sync.WaitGroup
		wg.Go(func() {
			fresh := make([]string, 30_000)
			for round := 0; ; round++ {
				select {
				case <-stop:
					return
				default:
				}
				for j := range fresh {
					fresh[j] = fmt.Sprintf("x%d_%d", round, j)
				}
				n.internAll(fresh)
				interned.Add(int64(len(fresh)))
			}
		})
		var lat latencies
		b.ResetTimer()
		b.RunParallel(func(pb *testing.PB) {
			rng := rand.New(rand.NewPCG(rand.Uint64(), 0))
			var mine []time.Duration
			for pb.Next() {
				i := rng.IntN(members)
				start := time.Now()
				n.get(keys[i], 1)
				mine = append(mine, time.Since(start))
			}
			lat.add(mine)
		})
		b.StopTimer()
		close(stop)
		wg.Wait()
		lat.report(b)
		b.ReportMetric(float64(interned.Load())/b.Elapsed().Seconds(), "interned/s")
	})
}

// latencies gathers the latency of every operation from the goroutines of RunParallel.
type latencies struct {
	mu  sync.Mutex
	all []time.Duration
}

func (l *latencies) add(d []time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.all = append(l.all, d...)
}

func (l *latencies) report(b *testing.B) {
	if len(l.all) == 0 {
		return
	}
	slices.Sort(l.all)
	b.ReportMetric(float64(l.all[len(l.all)*99/100].Nanoseconds()), "p99-ns")
	b.ReportMetric(float64(l.all[len(l.all)*999/1000].Nanoseconds()), "p99.9-ns")
	b.ReportMetric(float64(l.all[len(l.all)-1].Nanoseconds()), "max-ns")
}

package neo4jstore

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// BenchmarkNeighbours measures the cache of connection lists under contention, without Neo4j.
// Every goroutine asks for the list of a random member of 50,000 with 200 connections each, and
// stores it when missing, as a request does after reading it from Neo4j. Besides the mean time of
// one such step it reports the latency tail of gets (get-p99-ns, get-p99.9-ns) and of stores
// (put-p99.9-ns) on their own. (The longest single waits mostly measure the scheduler: run with
// more goroutines than cores, a goroutine is sometimes paused mid-get.)
//
// GetPut: the cache has room for about a third of the lists, so misses keep evicting.
//
// GetWhileInterning: the cache has room for them all, while one more goroutine interns lists of
// 30,000 member ids never seen before, as reading the lists of the largest hubs does.
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
	// run asks for lists from every goroutine of RunParallel, storing those missing.
	run := func(b *testing.B, n *neighbours, keys []int32) {
		var gets, puts latencies
		b.RunParallel(func(pb *testing.PB) {
			rng := rand.New(rand.NewPCG(rand.Uint64(), 0))
			var myGets, myPuts []time.Duration
			for pb.Next() {
				i := rng.IntN(members)
				start := time.Now()
				g := n.current()
				_, ok := g.get(keys[i], 1)
				got := time.Now()
				myGets = append(myGets, got.Sub(start))
				if !ok {
					g.put(keys[i], 1, lists[i])
					myPuts = append(myPuts, time.Since(got))
				}
			}
			gets.add(myGets)
			puts.add(myPuts)
		})
		b.StopTimer()
		gets.report(b, "get", 99, 99.9)
		puts.report(b, "put", 99.9)
	}
	b.Run("GetPut", func(b *testing.B) {
		n := newNeighbours(members * degree / 2 * connectionBytes)
		run(b, n, n.current().internAll(names))
	})
	b.Run("GetWhileInterning", func(b *testing.B) {
		n := newNeighbours(members * degree * 2 * connectionBytes)
		keys := n.current().internAll(names)
		for i, k := range keys {
			n.current().put(k, 1, lists[i])
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
				n.current().internAll(fresh)
				interned.Add(int64(len(fresh)))
			}
		})
		b.ResetTimer()
		run(b, n, keys)
		close(stop)
		wg.Wait()
		b.ReportMetric(float64(interned.Load())/b.Elapsed().Seconds(), "interned/s")
	})
}

// latencies gathers the latencies of one kind of operation from the goroutines of RunParallel.
type latencies struct {
	mu  sync.Mutex
	all []time.Duration
}

func (l *latencies) add(d []time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.all = append(l.all, d...)
}

// report reports the given percentiles of the latencies, named after op.
func (l *latencies) report(b *testing.B, op string, percentiles ...float64) {
	if len(l.all) == 0 {
		return
	}
	slices.Sort(l.all)
	for _, p := range percentiles {
		i := min(int(float64(len(l.all))*p/100), len(l.all)-1)
		b.ReportMetric(float64(l.all[i].Nanoseconds()), fmt.Sprintf("%s-p%g-ns", op, p))
	}
}

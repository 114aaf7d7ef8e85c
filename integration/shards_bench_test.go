package integration

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/reach-network/reach/graph"
	"github.com/reach-network/reach/graph/changelog"
)

// BenchmarkSendsAcrossShards sends messages at once between pairs of connected members, each
// pair's two members in a shard of the change log of their own, with the log set to one shard
// (every write takes the same lock, as the log before shards did) and to its default count. It
// reports sends a second and the processor time of a send, reach's and Neo4j's (when the Neo4j
// runs from launcher/ and its process can be read).
//
//	go test ./integration -run '^$' -bench SendsAcrossShards -benchtime 3000x
func BenchmarkSendsAcrossShards(b *testing.B) {
	members := membersByShard(b, changelog.DefaultShards)
	for _, shards := range []int{1, changelog.DefaultShards} {
		b.Run(fmt.Sprintf("Shards%d", shards), func(b *testing.B) {
			cypherRun(b, "MATCH (l:ChangeLog) SET l.shards = $k", map[string]any{"k": int64(shards)})
			b.Cleanup(func() {
				cypherRun(b, "MATCH (l:ChangeLog) SET l.shards = $k", map[string]any{"k": int64(changelog.DefaultShards)})
			})
			var next atomic.Int64
			b.SetParallelism(4)
			cpu, locks := processorTime(b), env.store.LockStats()
			start := time.Now()
			b.ResetTimer()
			b.RunParallel(func(pb *testing.PB) {
				pair := members[int(next.Add(1))%len(members)]
				for i := 0; pb.Next(); i++ {
					d := graph.Draft{To: pair[1], Body: fmt.Sprintf("bench %d %d", i, time.Now().UnixNano())}
					if _, err := env.store.Send(context.Background(), pair[0], d, ""); err != nil {
						b.Error(err)
						return
					}
				}
			})
			b.StopTimer()
			elapsed := time.Since(start)
			b.ReportMetric(float64(b.N)/elapsed.Seconds(), "sends/s")
			if used := processorTime(b) - cpu; used > 0 {
				b.ReportMetric(float64(used.Microseconds())/float64(b.N), "cpu-µs/send")
			}
			after := env.store.LockStats()
			waits := max(after.Waited.Count-locks.Waited.Count, 1)
			b.ReportMetric(float64((after.Waited.Sum-locks.Waited.Sum).Microseconds())/float64(waits), "lock-wait-µs/write")
			b.ReportMetric(float64((after.Held.Sum-locks.Held.Sum).Microseconds())/float64(waits), "lock-hold-µs/write")
		})
	}
}

// membersByShard makes, for each shard of a log of count shards, two connected members in it.
func membersByShard(b *testing.B, count int) [][2]string {
	b.Helper()
	id := ids(b)
	byShard := make([][]string, count)
	for i := 0; ; i++ {
		m := id(fmt.Sprintf("s%d", i))
		if s := changelog.ShardOf(m, count); len(byShard[s]) < 2 {
			byShard[s] = append(byShard[s], m)
		}
		full := true
		for _, ms := range byShard {
			full = full && len(ms) == 2
		}
		if full {
			break
		}
	}
	out := make([][2]string, count)
	for s, ms := range byShard {
		member(b, ms[0], "Bench "+ms[0])
		member(b, ms[1], "Bench "+ms[1])
		connect(b, ms[0], ms[1])
		out[s] = [2]string{ms[0], ms[1]}
	}
	return out
}

// processorTime is the processor time used so far by this process and, when its pid file can be
// read, by the Neo4j that launcher/ started.
func processorTime(_ *testing.B) time.Duration { return ownProcessorTime() + neo4jProcessorTime() }

// ownProcessorTime is the processor time this process has used so far.
func ownProcessorTime() time.Duration {
	var self syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &self)
	return time.Duration(self.Utime.Nano() + self.Stime.Nano())
}

// neo4jProcessorTime is the processor time the Neo4j that launcher/ started has used so far; 0
// when its pid file or its process cannot be read.
func neo4jProcessorTime() time.Duration {
	dir := os.Getenv("REACH_NEO4J_DIR")
	pid, err := os.ReadFile(dir + "/neo4j.pid")
	if dir == "" || err != nil {
		return 0
	}
	stat, err := os.ReadFile("/proc/" + strings.TrimSpace(string(pid)) + "/stat")
	if err != nil {
		return 0
	}
	fields := strings.Fields(string(stat[strings.LastIndexByte(string(stat), ')')+1:]))
	if len(fields) < 13 {
		return 0
	}
	utime, _ := strconv.ParseInt(fields[11], 10, 64)
	stime, _ := strconv.ParseInt(fields[12], 10, 64)
	return time.Duration(utime+stime) * 10 * time.Millisecond // clock ticks of 1/100 s
}

package integration

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/reach-network/reach/bench"
)

// BenchmarkMailboxPage reads the first inbox page of 20 of a member with 5,000 messages received
// (and as many sent) and of one with 30, as the store reads it (ordered: a range of mailbox keys
// in index order) and as it was read before mailbox keys (sorted: every message of the mailbox,
// sorted). Each reports Neo4j's db hits for the page and, when REACH_NEO4J_DIR names the
// launcher's Neo4j (scripts/test.sh sets it), Neo4j's processor time per page.
func BenchmarkMailboxPage(b *testing.B) {
	const limit = 20
	mb := newMailboxes(b, 5000, 30)
	for _, who := range []string{"heavy", "light"} {
		for _, way := range []string{"ordered", "sorted"} {
			q := pageQuery(b, mb.id(who), true, limit)
			if way == "sorted" {
				q = sortedQuery(mb.id(who), true, limit)
			}
			b.Run(who+"/"+way, func(b *testing.B) { benchmarkPage(b, q) })
		}
	}
}

func benchmarkPage(b *testing.B, q query) {
	ctx := context.Background()
	hits := profile(b, q).dbHits
	neo4j := neo4jProcess()
	before := neo4j.CPU()["neo4j"]
	for b.Loop() {
		if _, err := env.store.DB().Read(ctx, q.statement, q.params); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(hits), "dbhits/page")
	if used := neo4j.CPU()["neo4j"] - before; used > 0 {
		b.ReportMetric(float64(used.Microseconds())/float64(b.N), "neo4j-cpu-µs/page")
	}
}

// neo4jProcess is the launcher's Neo4j, from the pid file in REACH_NEO4J_DIR, or no process.
func neo4jProcess() bench.Processes {
	raw, err := os.ReadFile(filepath.Join(os.Getenv("REACH_NEO4J_DIR"), "neo4j.pid"))
	if err != nil || os.Getenv("REACH_NEO4J_DIR") == "" {
		return bench.Processes{}
	}
	pid, err := strconv.Atoi(strings.TrimSpace(string(raw)))
	if err != nil {
		return bench.Processes{}
	}
	return bench.Processes{"neo4j": pid}
}

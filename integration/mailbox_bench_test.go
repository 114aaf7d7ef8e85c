package integration

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/reach-network/reach/bench"
)

// BenchmarkMailboxPage reads the first inbox page of 20 of a member with 5,000 messages received
// (and as many sent, and 2,500 message requests pending) and of one with 30, as the store reads it (ordered: a range of mailbox keys
// in index order) and as it was read before mailbox keys (sorted: every message of the mailbox,
// sorted). Each reports Neo4j's db hits for the page and, when REACH_NEO4J_DIR names the
// launcher's Neo4j (scripts/test.sh sets it), Neo4j's processor time per page.
func BenchmarkMailboxPage(b *testing.B) {
	const limit = 20
	mb := newMailboxes(b, 5000, 30)
	queries := map[string]query{}
	for _, who := range []string{"heavy", "light"} {
		queries[who+"/ordered"] = pageQuery(b, mb.id(who), true, limit)
		queries[who+"/sorted"] = sortedQuery(mb.id(who), true, limit)
	}
	// Neo4j settles after the import (its checkpoint, the projection's load); pages read before
	// then would charge the first benchmark for it.
	for range 3 {
		for _, q := range queries {
			if _, err := env.store.DB().Read(context.Background(), q.statement, q.params); err != nil {
				b.Fatal(err)
			}
		}
	}
	time.Sleep(2 * time.Second)
	for _, name := range []string{"heavy/ordered", "heavy/sorted", "light/ordered", "light/sorted"} {
		b.Run(name, func(b *testing.B) { benchmarkPage(b, queries[name]) })
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

package bolt

import (
	"context"
	"maps"
	"sync"
	"sync/atomic"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
)

// A Neo4j that has just started plans every statement anew, and its JVM runs cold: measured here,
// the first Relations after a restart took 2.9 s instead of 40 ms, and a send's statements together
// about 15 s of retries before one went through. Requests with deadlines of a few seconds would
// keep failing meanwhile, each giving up before its statements were planned. So the store
// remembers each statement it has run with the parameters of its first run, and Warm has Neo4j
// plan them all again (EXPLAIN: planned and cached, not run), in the order first seen, with no
// request waiting on it. Neo4j caches a plan by statement text and parameter types, which the
// remembered parameters reproduce.

// samples remembers, per statement text, the first parameters it ran with and how it was routed.
type Samples struct {
	byText sync.Map // statement text → *sample
	order  atomic.Int64
}

type sample struct {
	statement string
	params    map[string]any
	write     bool
	seq       int64 // when first seen
}

// remember keeps statement's parameters the first time it runs; after that it costs one lookup.
func (s *Samples) Remember(statement string, params map[string]any, write bool) {
	if _, ok := s.byText.Load(statement); ok {
		return
	}
	s.byText.LoadOrStore(statement, &sample{statement: statement, params: typesOnly(params), write: write, seq: s.order.Add(1)})
}

// Holds tells whether statement has run, and so will be planned again by Warm.
func (s *Samples) Holds(statement string) bool {
	_, ok := s.byText.Load(statement)
	return ok
}

// typesOnly copies params keeping what decides the plan, their types, but no more than one element
// of a list, so that a bulk import's batch is not held.
func typesOnly(params map[string]any) map[string]any {
	out := maps.Clone(params)
	for k, v := range out {
		if list, ok := v.([]any); ok && len(list) > 1 {
			out[k] = []any{list[0]}
		}
	}
	return out
}

// all returns what was remembered, in the order first seen.
func (s *Samples) all() []*sample {
	var out []*sample
	s.byText.Range(func(_, v any) bool {
		out = append(out, v.(*sample))
		return true
	})
	for i := 1; i < len(out); i++ { // few dozen statements: insertion sort by seq
		for j := i; j > 0 && out[j].seq < out[j-1].seq; j-- {
			out[j], out[j-1] = out[j-1], out[j]
		}
	}
	return out
}

// Warm has Neo4j plan every statement run so far again, in the order first seen, as after a
// restart of Neo4j (Restarted says what else such a Neo4j no longer holds).
func (db *DB) Warm(ctx context.Context) (planned int, took time.Duration, err error) {
	defer Wrap(&err, "warm")
	start := time.Now()
	for _, smp := range db.Samples.all() {
		routing := neo4j.ExecuteQueryWithReadersRouting()
		if smp.write {
			routing = neo4j.ExecuteQueryWithWritersRouting()
		}
		if _, err := neo4j.ExecuteQuery(ctx, db.Driver, "EXPLAIN "+smp.statement, smp.params, neo4j.EagerResultTransformer,
			neo4j.ExecuteQueryWithDatabase(db.Name), routing, neo4j.ExecuteQueryWithoutBookmarkManager()); err != nil {
			return planned, time.Since(start), err
		}
		planned++
	}
	return planned, time.Since(start), nil
}

// Restarted forgets what a Neo4j that started again no longer holds: which statements have run,
// since a plan is not all that a statement's first run makes ready, so the next run of each goes
// first again (FirstRuns); and the bookmarks, since the Neo4j that came back may be a backup
// restored, older than they are, and every transaction would wait for them.
func (db *DB) Restarted() {
	db.FirstRuns.Forget()
	db.ForgetBookmarks()
}

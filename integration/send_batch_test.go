package integration

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/reach-network/reach/cypher"
	"github.com/reach-network/reach/graph"
	"github.com/reach-network/reach/graph/neo4jstore"
)

// sendCase is a send of TestSendsSharingATransaction and the answer it gets alone: the rules'
// (graph.Decide) for the situation its setup made, written by hand.
type sendCase struct {
	name   string
	setup  func(t *testing.T, me, them string)
	key    string
	body   string
	want   func(graph.Sent, error) error // nil when the answer is the one the case wants
	charge int                           // credits the send spends
}

// TestSendsSharingATransaction holds a store's only transaction of sends on a member's lock while
// sends of every kind queue behind it, then lets them go: they share one transaction, and each is
// answered as it would be alone (sent, free or paid; refused by a rule; replayed or refused by its
// idempotency key; not found), with exact credits and nothing written for a send not sent. One
// sender's stored facts are damaged so that reading them fails: its send fails alone, and the
// sends that shared its transaction are tried again without it. A second send of a member already
// in the batch waits for the next transaction.
func TestSendsSharingATransaction(t *testing.T) {
	id := ids(t)
	ctx := context.Background()
	store := oneTransactionStore(t)

	cases := sendCases(t)
	for i, c := range cases {
		me, them := id(fmt.Sprint("me", i)), id(fmt.Sprint("them", i))
		member(t, me, "Me")
		member(t, them, "Them")
		credits(t, me, 2)
		if c.setup != nil {
			c.setup(t, me, them)
		}
	}
	holder, held := id("holder"), id("held")
	network(t, id, [2]string{"holder", "held"})

	// The holder's send takes the one transaction and waits for the held member's lock.
	release := lockMember(t, held)
	var wg sync.WaitGroup
	wg.Go(func() {
		if _, err := store.Send(ctx, holder, graph.Draft{To: held, Body: "first"}, ""); err != nil {
			t.Errorf("the holder's send: %v", err)
		}
	})
	time.Sleep(300 * time.Millisecond)
	answers := make([]struct {
		sent graph.Sent
		err  error
	}, len(cases))
	for i, c := range cases {
		wg.Go(func() {
			me, them := id(fmt.Sprint("me", i)), id(fmt.Sprint("them", i))
			answers[i].sent, answers[i].err = store.Send(ctx, me, graph.Draft{To: them, Body: c.body}, c.key)
		})
	}
	// A second send of the first case's sender, behind the first.
	var second error
	time.Sleep(100 * time.Millisecond)
	wg.Go(func() {
		_, second = store.Send(ctx, id("me0"), graph.Draft{To: id("them0"), Body: "second"}, "")
	})
	time.Sleep(200 * time.Millisecond)
	release()
	wg.Wait()

	for i, c := range cases {
		me := id(fmt.Sprint("me", i))
		if err := c.want(answers[i].sent, answers[i].err); err != nil {
			t.Errorf("%s: %v", c.name, err)
		}
		if c.name == "damaged" {
			continue
		}
		if got := creditsOf(t, me); got != 2-c.charge {
			t.Errorf("%s: %d credits after the send, want %d", c.name, got, 2-c.charge)
		}
	}
	if second != nil {
		t.Errorf("the second send of a member in the batch: %v", second)
	}
	// The holder alone, the batch (tried again without the damaged send), the second send.
	if st := store.SendStats(); st.Transactions != 3 || st.Sends != int64(len(cases))+2 {
		t.Errorf("%d transactions carried %d sends, want 3 carrying %d", st.Transactions, st.Sends, len(cases)+2)
	}
}

// sendCases are the sends of TestSendsSharingATransaction, one of each kind of answer.
func sendCases(t *testing.T) []sendCase {
	sent := func(kind string, cost int) func(graph.Sent, error) error {
		return func(s graph.Sent, err error) error {
			if err != nil || string(s.Kind) != kind || s.Cost != cost || s.Replayed {
				return fmt.Errorf("answered %+v, %w; want a new %s costing %d", s, err, kind, cost)
			}
			return nil
		}
	}
	refused := func(kind error, reason graph.Reason) func(graph.Sent, error) error {
		return func(s graph.Sent, err error) error {
			var e *graph.Error
			if !errors.Is(err, kind) || (reason != "" && (!errors.As(err, &e) || e.Reason != reason)) {
				return fmt.Errorf("answered %+v, %w; want %s %s", s, err, kind.Error(), reason)
			}
			return nil
		}
	}
	firstSend := func(key, body string, id *string) func(t *testing.T, me, them string) {
		return func(t *testing.T, me, them string) {
			var s sentMessage
			as(t, me).send(http.MethodPost, "/v1/messages", map[string]any{"to": them, "body": body},
				http.Header{"Idempotency-Key": {key}}).expect(http.StatusCreated).into(&s)
			*id = s.ID
		}
	}
	var replayedID, reusedID string
	return []sendCase{
		{name: "connected", setup: connected, body: "hello", want: sent("message", 0)},
		{name: "inmail", body: "an offer", want: sent("inmail", 1), charge: 1},
		{name: "no credits", setup: func(t *testing.T, me, _ string) { credits(t, me, 0) }, body: "an offer",
			want: refused(graph.ErrRefused, "no_credits"), charge: 2},
		{name: "inmail off", setup: func(t *testing.T, _, them string) { set(t, them, map[string]any{"inmail": "off"}) },
			body: "an offer", want: refused(graph.ErrRefused, "recipient_inmail_off")},
		{name: "blocked", setup: func(t *testing.T, me, them string) {
			as(t, them).do(http.MethodPut, "/v1/blocks/"+me, nil).expect(http.StatusNoContent)
		}, body: "hello", want: refused(graph.ErrNotFound, "")},
		{name: "replayed", setup: firstSend("again", "an offer once", &replayedID), key: "again", body: "an offer once", charge: 1,
			want: func(s graph.Sent, err error) error {
				if err != nil || !s.Replayed || s.ID != replayedID {
					return fmt.Errorf("answered %+v, %w; want the first answer, %s, replayed", s, err, replayedID)
				}
				return nil
			}},
		{name: "key reused", setup: firstSend("reused", "an offer", &reusedID), key: "reused", body: "another offer", charge: 1,
			want: refused(graph.ErrIdempotencyConflict, "")},
		{name: "damaged", setup: func(t *testing.T, me, _ string) {
			cypherRun(t, "MATCH (m:Member {id: $id}) SET m.inmailCredits = 'many'", map[string]any{"id": me})
			t.Cleanup(func() { cypherRun(t, "MATCH (m:Member {id: $id}) SET m.inmailCredits = 2", map[string]any{"id": me}) })
		}, body: "an offer", want: func(s graph.Sent, err error) error {
			if err == nil || isDomainError(err) {
				return fmt.Errorf("answered %+v, %w; want the failure to read the sender", s, err)
			}
			return nil
		}},
		{name: "replied", setup: theyWrote, body: "thank you", want: sent("message", 0)},
	}
}

// isDomainError tells whether err is one of the store's answers (*graph.Error).
func isDomainError(err error) bool {
	var e *graph.Error
	return errors.As(err, &e)
}

// lockMember takes a member's write lock in a transaction of its own, held until release is
// called.
func lockMember(t *testing.T, memberID string) (release func()) {
	t.Helper()
	ctx := context.Background()
	session := env.store.DB().Driver.NewSession(ctx, neo4j.SessionConfig{AccessMode: neo4j.AccessModeWrite})
	tx, err := session.BeginTransaction(ctx)
	if err != nil {
		t.Fatal(err)
	}
	res, err := tx.Run(ctx, "MATCH (m:Member {id: $id}) SET m._lock = true REMOVE m._lock", map[string]any{"id": memberID})
	if err == nil {
		_, err = res.Consume(ctx)
	}
	if err != nil {
		t.Fatal(err)
	}
	return func() {
		if err := tx.Commit(ctx); err != nil {
			t.Error(err)
		}
		session.Close(ctx)
	}
}

// TestSendBatchesShareOnePlan checks that the statements of sends sharing a transaction take no
// list parameter whose length follows the batch's: Neo4j plans a statement again for each order
// of magnitude of a list parameter's length, so such lists come inside a map, whose length it
// does not look at. A send alone and then twelve in one transaction run with db.stats collecting:
// every run of LockedRelations and of the write with the append must have only maps and single
// values as parameters (db.stats shows a list as §LIST[length]). Each run's compile time is
// logged: a plan made anew takes hundreds of milliseconds, a plan found well under one.
func TestSendBatchesShareOnePlan(t *testing.T) {
	id := ids(t)
	ctx := context.Background()
	store := oneTransactionStore(t)
	const batch = 12
	pairs := make([][2]string, batch)
	for i := range pairs {
		pairs[i] = [2]string{fmt.Sprint("a", i), fmt.Sprint("b", i)}
	}
	network(t, id, append(pairs, [2]string{"holder", "held"}, [2]string{"lone", "other"})...)

	run(t, "CALL db.stats.clear('QUERIES')", nil)
	run(t, "CALL db.stats.collect('QUERIES')", nil)
	defer run(t, "CALL db.stats.stop('QUERIES')", nil)
	if _, err := store.Send(ctx, id("lone"), graph.Draft{To: id("other"), Body: "alone"}, ""); err != nil {
		t.Fatal(err)
	}
	release := lockMember(t, id("held"))
	var wg sync.WaitGroup
	wg.Go(func() { _, _ = store.Send(ctx, id("holder"), graph.Draft{To: id("held"), Body: "first"}, "") })
	time.Sleep(300 * time.Millisecond)
	for _, p := range pairs {
		wg.Go(func() {
			if _, err := store.Send(ctx, id(p[0]), graph.Draft{To: id(p[1]), Body: "together"}, ""); err != nil {
				t.Errorf("%s's send: %v", p[0], err)
			}
		})
	}
	time.Sleep(300 * time.Millisecond)
	release()
	wg.Wait()
	if s := store.SendStats(); s.Sends-s.Transactions < batch-1 {
		t.Fatalf("%d sends went in %d transactions, want %d of them in one", s.Sends, s.Transactions, batch)
	}
	for _, stmt := range []string{cypher.LockedRelations, appendedTo(t, cypher.SendMessage)} {
		runs := statementRuns(t, stmt)
		if len(runs) < 3 {
			t.Fatalf("%s ran %d times, want the lone send's, the holder's and the batch's", cypher.Name(stmt), len(runs))
		}
		for _, r := range runs {
			t.Logf("%s: compiled in %s, parameters %v", cypher.Name(stmt), r.compiled, r.lists)
			if len(r.lists) > 0 {
				t.Errorf("%s ran with list parameters %v: Neo4j plans it again for each order of magnitude of their length",
					cypher.Name(stmt), r.lists)
			}
		}
	}
}

// statementRun is one run of a statement as db.stats collected it: its compile time, and its
// parameters that are lists, with their lengths.
type statementRun struct {
	compiled time.Duration
	lists    []string
}

// statementRuns are the runs of statement db.stats collected, in order.
func statementRuns(t *testing.T, statement string) []statementRun {
	t.Helper()
	// db.stats keeps the start of a long statement's text.
	recs := run(t, "CALL db.stats.retrieve('QUERIES') YIELD data WHERE $text STARTS WITH data.query "+
		"UNWIND data.invocations AS run RETURN run.elapsedCompileTimeInUs AS us, run.params AS params ORDER BY run.startTimestampMillis",
		map[string]any{"text": statement})
	out := make([]statementRun, len(recs))
	for i, rec := range recs {
		us, _ := rec.Get("us")
		n, _ := us.(int64)
		out[i].compiled = time.Duration(n) * time.Microsecond
		params, _ := rec.Get("params")
		for name, v := range params.(map[string]any) {
			if s, ok := v.(string); ok && strings.HasPrefix(s, "§LIST") {
				out[i].lists = append(out[i].lists, name+": "+s)
			}
		}
	}
	return out
}

// oneTransactionStore opens a store of its own that writes one transaction of sends at a time,
// of up to 16 sends, closed when the test ends.
func oneTransactionStore(t *testing.T) *neo4jstore.Store {
	t.Helper()
	store, err := neo4jstore.Open(context.Background(), neo4jstore.Config{URI: env.neo4jURI, SendTransactions: 1, SendBatch: 16})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close(context.Background()) })
	return store
}

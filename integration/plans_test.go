package integration

import (
	"context"
	"fmt"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
	"github.com/reach-network/reach/graph"
	"github.com/reach-network/reach/graph/bolt"
	"github.com/reach-network/reach/graph/changelog"
)

// TestSendsAfterNeo4jLostItsPlans: when Neo4j has lost what it made ready to run reach's
// statements, as after a restart, and reach knows it (keepReady's Warm forgets which statements
// have run), a burst of sends between different pairs arriving at once must each still be
// answered within the service's write deadline (5 s). Each first run of a statement makes it
// ready for itself: with every send of the burst doing so, 32 at once took 4–5 s and most missed
// the deadline; with one run of each statement going first (bolt.FirstRuns) they took 1.1–1.3 s
// (docs/performance.md, "The first run of a statement").
func TestSendsAfterNeo4jLostItsPlans(t *testing.T) {
	id := ids(t)
	const senders = 48
	sender := func(i int) string { return id(fmt.Sprint("s", i)) }
	recipient := func(i int) string { return id(fmt.Sprint("r", i)) }
	for i := range senders {
		member(t, sender(i), fmt.Sprint("Sender ", i))
		member(t, recipient(i), fmt.Sprint("Recipient ", i))
		connect(t, sender(i), recipient(i))
	}
	send(t, sender(0), recipient(0), "hello").expect(http.StatusCreated) // the store knows the send's statements
	cypherRun(t, "CALL db.clearQueryCaches()", nil)
	env.store.DB().FirstRuns.Forget()

	start := time.Now()
	errs := make([]error, senders)
	var wg sync.WaitGroup
	for i := range senders {
		wg.Go(func() {
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			_, errs[i] = env.store.Send(ctx, sender(i), graph.Draft{To: recipient(i), Body: fmt.Sprint("after the restart ", i)}, "")
		})
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Errorf("send %d of %d after Neo4j lost its plans: %v", i, senders, err)
		}
	}
	t.Logf("%d sends at once after Neo4j lost its plans: %v", senders, time.Since(start))
}

// TestLockHoldersRunAlongsideFirstRuns: a write transaction holding a member's lock must not wait
// for the first run of a statement whose run is itself waiting for that lock, which would hold
// both until the holder's deadline. Inside a write transaction a first run lands once Neo4j has
// answered the statement's RUN, planned and started, before it executes and meets the lock
// (changelog's changeTx.Run): so the holder's second statement finds the statement ready, its
// transaction commits, and the first run then goes on.
func TestLockHoldersRunAlongsideFirstRuns(t *testing.T) {
	id := ids(t)
	member(t, id("held"), "Held")
	lock := `MATCH (m:Member {id: $id}) SET m._lock = true REMOVE m._lock RETURN m.id AS id`
	// A text no run has used, so that its first run is still to come.
	second := fmt.Sprintf("/* first run %d */ %s", time.Now().UnixNano(), lock)
	params := map[string]any{"id": id("held")}

	holding, holderDone := make(chan struct{}), make(chan error, 1)
	other := make(chan struct{})
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), 4*time.Second)
		defer cancel()
		_, _, err := changelog.Write(ctx, env.store.DB(), 0, &changelog.LockTimes{}, func(tx neo4j.ManagedTransaction) (struct{}, error) {
			if _, err := bolt.Collect(ctx, tx, lock, params); err != nil {
				return struct{}{}, err
			}
			close(holding)
			<-other // the other transaction's first run of second is in flight, waiting for the lock
			_, err := bolt.Collect(ctx, tx, second, params)
			return struct{}{}, err
		})
		holderDone <- err
	}()
	<-holding
	firstDone := make(chan error, 1)
	var firstTook time.Duration
	go func() {
		start := time.Now()
		ctx, cancel := context.WithTimeout(context.Background(), 8*time.Second)
		defer cancel()
		_, _, err := changelog.Write(ctx, env.store.DB(), 0, &changelog.LockTimes{}, func(tx neo4j.ManagedTransaction) (struct{}, error) {
			_, err := bolt.Collect(ctx, tx, second, params)
			return struct{}{}, err
		})
		firstTook = time.Since(start)
		firstDone <- err
	}()
	const sleep = 500 * time.Millisecond
	time.Sleep(sleep) // the first run has gone to Neo4j and waits for the lock
	start := time.Now()
	close(other)
	if err := <-holderDone; err != nil {
		t.Fatalf("the lock's holder, while a first run waited for its lock: %v after %v", err, time.Since(start))
	}
	if took := time.Since(start); took > 2*time.Second {
		t.Errorf("the lock's holder took %v, waiting for a first run that waited for its lock", took)
	}
	if err := <-firstDone; err != nil {
		t.Errorf("the first run, once the lock was released: %v", err)
	}
	if firstTook < sleep {
		t.Errorf("the first run took %v: it did not wait for the holder's lock, so the test shows nothing", firstTook)
	}
}

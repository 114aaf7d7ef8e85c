package integration

import (
	"context"
	"fmt"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/reach-network/reach/graph"
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

package bolt

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// firstRuns has n runs of statement arrive at once, and returns how many went first, how many of
// the rest ran before the first landed, and what each got from Ahead. The first run lands once
// all have arrived, with ok.
func firstRuns(plans *FirstRuns, statement string, n int, ok bool, timeout time.Duration) (first, early int64, errs []error) {
	var firsts, landed, beforeLanding atomic.Int64
	errs = make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			ctx, cancel := context.WithTimeout(context.Background(), timeout)
			defer cancel()
			f, first, err := plans.ahead(ctx, statement)
			errs[i] = err
			if err != nil {
				return
			}
			if first {
				firsts.Add(1)
				time.Sleep(50 * time.Millisecond) // the others arrive while it runs
				landed.Store(1)
				plans.land(statement, f, ok)
				return
			}
			if landed.Load() == 0 {
				beforeLanding.Add(1)
			}
		})
	}
	wg.Wait()
	return firsts.Load(), beforeLanding.Load(), errs
}

// goesFirst tells whether a run of statement arriving now goes first.
func goesFirst(t *testing.T, plans *FirstRuns, statement string) bool {
	t.Helper()
	_, first, err := plans.ahead(context.Background(), statement)
	if err != nil {
		t.Fatal(err)
	}
	return first
}

// TestFirstRunGoesAlone: of many runs of a statement arriving at once, one goes first and the
// others run only once it has landed; later runs go at once, until Forget.
func TestFirstRunGoesAlone(t *testing.T) {
	var plans FirstRuns
	first, early, errs := firstRuns(&plans, "MATCH (m) RETURN m", 32, true, 5*time.Second)
	if first != 1 || early != 0 {
		t.Fatalf("%d runs went first and %d ran before the first landed; want 1 and 0", first, early)
	}
	for i, err := range errs {
		if err != nil {
			t.Fatalf("run %d: %v", i, err)
		}
	}
	if goesFirst(t, &plans, "MATCH (m) RETURN m") {
		t.Fatal("a statement that ran went first again")
	}
	plans.Forget()
	if !goesFirst(t, &plans, "MATCH (m) RETURN m") {
		t.Fatal("after Forget, the next run did not go first")
	}
}

// TestFirstRunHoldsOnlyItsStatement: a first run holds back only the runs of its own statement.
func TestFirstRunHoldsOnlyItsStatement(t *testing.T) {
	var plans FirstRuns
	if _, err := plans.Ahead(context.Background(), "slow"); err != nil { // never lands
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	if _, err := plans.Ahead(ctx, "quick"); err != nil {
		t.Fatalf("a statement waited for another's first run: %v", err)
	}
}

// TestWaitingEndsAtTheDeadline: a run waiting for the first run gives up with its context's error
// when its deadline passes first.
func TestWaitingEndsAtTheDeadline(t *testing.T) {
	var plans FirstRuns
	if _, err := plans.Ahead(context.Background(), "s"); err != nil { // never lands
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Millisecond)
	defer cancel()
	if _, err := plans.Ahead(ctx, "s"); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("a run past its deadline got %v, want its deadline", err)
	}
}

// TestFailedFirstRunGoesAgain: when the first run fails, those that waited go on, and the next
// run goes first again.
func TestFailedFirstRunGoesAgain(t *testing.T) {
	var plans FirstRuns
	first, _, errs := firstRuns(&plans, "s", 8, false, 5*time.Second)
	if first != 1 {
		t.Fatalf("%d runs went first, want 1", first)
	}
	for i, err := range errs {
		if err != nil {
			t.Fatalf("run %d was held by a first run that failed: %v", i, err)
		}
	}
	if !goesFirst(t, &plans, "s") {
		t.Fatal("after a failed first run, the next run did not go first")
	}
}

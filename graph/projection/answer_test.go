package projection

import (
	"errors"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/reach-network/reach/graph"
)

// TestCoworkerNeedsACompany checks that only an organisation of kind company makes two members
// holding a current position there coworkers: one with an empty or an unknown kind never allows a
// message request, as in Neo4j and the peer.
func TestCoworkerNeedsACompany(t *testing.T) {
	st := NewState("e", []int64{0})
	members := func(seq int64, held []any) map[string]any {
		by := make([]any, len(held))
		current := make([]any, len(held))
		for i := range held {
			by[i], current[i] = int64(i%2), true
		}
		return change(seq, map[string]any{
			"members": []any{"jane", "alex"}, "present": []any{true, true},
			"inmail": []any{"anyone", "anyone"}, "messageRequests": []any{true, true},
			"heldBy": by, "heldOrg": held, "heldCurrent": current,
		})
	}
	changes := []any{
		change(1, map[string]any{
			"orgs": []any{"a-blank", "b-guild", "c-mit", "d-acme"}, "orgPresent": []any{true, true, true, true},
			"orgNames": []any{"Blank", "Guild", "MIT", "Acme"}, "orgKinds": []any{"", "guild", "school", "company"},
		}),
		members(2, []any{"a-blank", "a-blank", "b-guild", "b-guild", "c-mit", "c-mit"}),
	}
	if _, err := st.ApplyAll(changes); err != nil {
		t.Fatal(err)
	}
	now := time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC)
	r, err := st.Reach("jane", "alex", now, graph.DefaultRequestsMonthly)
	if err != nil {
		t.Fatal(err)
	}
	if r.Facts.Coworker != (graph.Affiliate{}) || r.Messaging.Reason == graph.ReasonCoworker {
		t.Errorf("organisations of an empty, unknown or school kind: coworker %+v, reason %s; want none", r.Facts.Coworker, r.Messaging.Reason)
	}
	if err := applyNext(st, members(3, []any{"a-blank", "a-blank", "d-acme", "d-acme"})); err != nil {
		t.Fatal(err)
	}
	r, err = st.Reach("jane", "alex", now, graph.DefaultRequestsMonthly)
	if err != nil {
		t.Fatal(err)
	}
	if want := (graph.Affiliate{ID: "d-acme", Name: "Acme"}); r.Facts.Coworker != want || r.Messaging.Reason != graph.ReasonCoworker {
		t.Errorf("with a company besides: coworker %+v, reason %s; want %+v, coworker", r.Facts.Coworker, r.Messaging.Reason, want)
	}
}

// TestStandingsAgreeWithReach checks the rows' and the direct sends' shorter reckoning against the
// whole one: for random callers of a random projection, Standings holds exactly the members Reach
// answers, each with Reach's degree and decision, and leaves out the rest (gone, or in a block
// relation); Standing answers each pair alike.
func TestStandingsAgreeWithReach(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	st := randomProjection(400, rng)
	now := time.Date(2026, 12, 7, 12, 0, 0, 0, time.UTC)
	seen := map[graph.Degree]int{}
	for range 60 {
		caller := st.ids[rng.IntN(len(st.ids))]
		got, err := st.Standings(caller, st.ids, now, graph.DefaultRequestsMonthly)
		if _, cerr := st.Reach(caller, caller, now, graph.DefaultRequestsMonthly); cerr != nil {
			if !errors.Is(err, graph.ErrNotFound) {
				t.Fatalf("Standings for %s, who is gone: %v, want ErrNotFound", caller, err)
			}
			continue
		}
		for _, id := range st.ids {
			r, rerr := st.Reach(caller, id, now, graph.DefaultRequestsMonthly)
			s, ok := got[id]
			switch {
			case rerr != nil && ok:
				t.Fatalf("%s to %s: Standings holds %+v where Reach answers %v", caller, id, s, rerr)
			case rerr == nil && !ok:
				t.Fatalf("%s to %s: Standings leaves out what Reach answers", caller, id)
			case rerr == nil && s != r.Standing():
				t.Fatalf("%s to %s: Standings %+v, Reach %+v", caller, id, s, r.Standing())
			}
			if one, oerr := st.Standing(caller, id, now, graph.DefaultRequestsMonthly); one != s || (oerr == nil) != ok {
				t.Fatalf("%s to %s: Standing %+v (%v), Standings %+v", caller, id, one, oerr, s)
			}
			if ok {
				seen[s.Degree]++
			}
		}
	}
	for _, d := range []graph.Degree{graph.Self, graph.First, graph.Second, graph.Third, graph.OutOfNetwork} {
		if seen[d] == 0 {
			t.Errorf("no pair of degree %v was compared: %v", d, seen)
		}
	}
}

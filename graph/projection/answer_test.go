package projection

import (
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

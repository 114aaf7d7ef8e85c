package projection

import (
	"errors"
	"testing"
	"time"

	"github.com/reach-network/reach/graph"
)

// TestAgrees checks which ids found in the log confirm a state's history: its own at each
// position it knows; anything at a position it does not know or at 0.
func TestAgrees(t *testing.T) {
	at, mine := []int64{5, 3, 0}, []string{"a", "", ""}
	for _, c := range []struct {
		name  string
		found []any
		want  bool
	}{
		{"Same", []any{"a", "b", nil}, true},
		{"Another", []any{"x", "b", nil}, false},
		{"Missing", []any{nil, "b", nil}, false},
		{"WithoutID", []any{"", "b", nil}, false},
		{"NotRead", nil, false},
		{"UnknownAnywhere", []any{"a", nil, "z"}, true},
	} {
		if got := Agrees(at, mine, c.found); got != c.want {
			t.Errorf("%s: Agrees(%v, %q, %v) = %v, want %v", c.name, at, mine, c.found, got, c.want)
		}
	}
}

// TestForkedStateAnswersNothing checks that a look at the head finding other ids at the state's
// positions fails with ErrFork, and that no read is answered from that state, whatever its mode,
// until a new state is put in place.
func TestForkedStateAnswersNothing(t *testing.T) {
	p := NewProjection()
	st := NewState("e", []int64{7})
	st.AppliedIDs[0] = "seven"
	st.Number("ann", true)
	st.facts[0].Present = true
	p.Publish(st, time.Now())
	f := DefaultFreshness
	token := graph.NewToken("e", []int64{7})
	answers := func() bool {
		return p.Read(graph.Consistency{}, []string{"ann"}, f, func(*State) {}) ||
			p.Read(graph.Consistency{Mode: graph.AtLeastAsFresh, Token: token}, nil, f, func(*State) {}) ||
			p.Exists("ann", f) || p.Holds(token)
	}
	if !answers() {
		t.Fatal("a loaded state did not answer")
	}
	got, at, ids := p.Position()
	if err := p.Confirmed(got, at, ids, []any{"seven"}); err != nil || !answers() {
		t.Fatalf("the same history: %v, or the state stopped answering", err)
	}
	if err := p.Confirmed(got, at, ids, []any{"another seven"}); !errors.Is(err, ErrFork) || !errors.Is(err, ErrReload) {
		t.Fatalf("another change at the state's position: %v, want ErrFork", err)
	}
	if answers() {
		t.Error("a state forked from the log answered")
	}
	p.Publish(NewState("e", []int64{7}), time.Now())
	if !p.Read(graph.Consistency{}, nil, f, func(*State) {}) {
		t.Error("the state loaded again did not answer")
	}
}

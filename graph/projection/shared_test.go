package projection

import (
	"reflect"
	"testing"

	"github.com/reach-network/reach/graph"
)

// change is a change of the log as ChangesSince answers it, for tests.
func change(seq int64, fields map[string]any) map[string]any {
	c := map[string]any{"seq": seq, "reload": false, "members": []any{}, "pairA": []any{}, "pairB": []any{}, "pairBits": []any{}}
	for k, v := range fields {
		c[k] = v
	}
	return c
}

// TestSharedFollowsTheLog applies changes that name organisations and groups and set members'
// affiliations, and checks what two members share: intersections by kind, items by name then
// id, at most SharedItems, and a member's affiliations replaced whole by each change.
func TestSharedFollowsTheLog(t *testing.T) {
	st := NewState("e", []int64{0})
	changes := []any{
		change(1, map[string]any{
			"orgs": []any{"acme", "mit", "zeta"}, "orgPresent": []any{true, true, true},
			"orgNames": []any{"Acme", "MIT", "Zeta"}, "orgKinds": []any{"company", "school", "company"},
			"groups": []any{"g1", "g2", "g3", "g4", "g5", "g6", "g7"}, "groupPresent": []any{true, true, true, true, true, true, true},
			"groupNames": []any{"Go", "Rust", "Cooking", "Chess", "Art", "Books", "Cycling"},
		}),
		change(2, map[string]any{
			"members": []any{"jane", "alex"}, "present": []any{true, true},
			"heldBy": []any{int64(0), int64(0), int64(0), int64(1), int64(1)}, "heldOrg": []any{"acme", "acme", "mit", "acme", "zeta"},
			"heldCurrent": []any{false, true, false, true, false},
			"memberOfBy":  []any{int64(0), int64(0), int64(0), int64(0), int64(0), int64(0), int64(1), int64(1), int64(1), int64(1), int64(1), int64(1), int64(1)},
			"memberOf":    []any{"g1", "g2", "g3", "g4", "g5", "g6", "g1", "g2", "g3", "g4", "g5", "g6", "g7"},
		}),
	}
	if _, err := st.ApplyAll(changes); err != nil {
		t.Fatal(err)
	}
	jane, _ := st.Number("jane", false)
	alex, _ := st.Number("alex", false)
	got := st.shared(jane, alex)
	want := graph.Shared{
		Companies: graph.SharedList{Total: 1, Items: []graph.Affiliate{{ID: "acme", Name: "Acme"}}},
		Schools:   graph.SharedList{Total: 0, Items: []graph.Affiliate{}},
		Groups: graph.SharedList{Total: 6, Items: []graph.Affiliate{
			{ID: "g5", Name: "Art"}, {ID: "g6", Name: "Books"}, {ID: "g4", Name: "Chess"}, {ID: "g3", Name: "Cooking"}, {ID: "g1", Name: "Go"}}},
	}
	if got.Schools.Items == nil {
		got.Schools.Items = []graph.Affiliate{}
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("shared:\n got %+v\nwant %+v", got, want)
	}
	for o, bothCurrent := range commonOrganisations(st.held[jane], st.held[alex]) {
		if st.orgs.entries[o].id != "acme" || !bothCurrent {
			t.Errorf("common organisation %s, both current %v; want acme, both current", st.orgs.entries[o].id, bothCurrent)
		}
	}
	// Jane's next change lists no groups and no positions: she has none left.
	if err := applyNext(st, change(3, map[string]any{"members": []any{"jane"}, "present": []any{true}})); err != nil {
		t.Fatal(err)
	}
	if got := st.shared(jane, alex); got.Groups.Total != 0 || got.Companies.Total != 0 {
		t.Errorf("after Jane left everything: shared %+v, want nothing", got)
	}
}

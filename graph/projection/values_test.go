package projection

import (
	"strings"
	"testing"
)

// TestChangesOfOtherTypesAreErrors: a change whose column holds a value of another type than the
// log writes (of a member's facts or card, an organisation, a member's position, a pair's, a
// side's) is not applied as zeros: applying it is an error naming the column. The same change
// with the column left out applies.
func TestChangesOfOtherTypesAreErrors(t *testing.T) {
	full := func() map[string]any {
		return change(1, map[string]any{
			"members": []any{"ann", "bob"}, "present": []any{true, true}, "credits": []any{int64(3), int64(0)},
			"plan": []any{"premium", "free"}, "names": []any{"Ann", "Bob"}, "headlines": []any{"", ""},
			"orgs": []any{"acme"}, "orgPresent": []any{true}, "orgNames": []any{"Acme"}, "orgKinds": []any{"company"},
			"heldBy": []any{int64(0)}, "heldOrg": []any{"acme"}, "heldCurrent": []any{true},
			"pairA": []any{"ann"}, "pairB": []any{"bob"}, "pairBits": []any{int64(1)},
		})
	}
	for column, wrong := range map[string]any{
		"credits": []any{"3", int64(0)}, "plan": []any{int64(1), "free"}, "names": []any{"Ann", true},
		"orgNames": []any{int64(7)}, "heldBy": []any{"0"}, "heldCurrent": []any{"yes"}, "pairA": "ann",
	} {
		c := full()
		c[column] = wrong
		err := applyNext(NewState("e", []int64{0}), c)
		if err == nil || !strings.Contains(err.Error(), column) {
			t.Errorf("%s of another type: applied with error %v; want one naming it", column, err)
		}
		delete(c, column)
		if column == "pairA" {
			delete(c, "pairB")
			delete(c, "pairBits")
		}
		if err := applyNext(NewState("e", []int64{0}), c); err != nil {
			t.Errorf("without %s: %v", column, err)
		}
	}
}

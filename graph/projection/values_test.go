package projection

import (
	"strings"
	"testing"
)

// TestChangesOfOtherTypesAreErrors: a change whose column holds a value of another type than the
// log writes (of a member's facts, presence or card, an organisation, a member's position or
// group, a pair's, a side's), or a row's column that is not a list or too short, is not applied
// as zeros: applying it is an error naming the column. The same change with the column left out
// applies.
func TestChangesOfOtherTypesAreErrors(t *testing.T) {
	full := func() map[string]any {
		c := change(1, map[string]any{
			"members": []any{"ann", "bob"}, "present": []any{true, true}, "credits": []any{int64(3), int64(0)},
			"plan": []any{"premium", "free"}, "names": []any{"Ann", "Bob"}, "headlines": []any{"", ""},
			"orgs": []any{"acme"}, "orgPresent": []any{true}, "orgNames": []any{"Acme"}, "orgKinds": []any{"company"},
			"groups": []any{"go"}, "groupPresent": []any{true}, "groupNames": []any{"Gophers"},
			"heldBy": []any{int64(0)}, "heldOrg": []any{"acme"}, "heldCurrent": []any{true},
			"memberOfBy": []any{int64(1)}, "memberOf": []any{"go"},
			"pairA": []any{"ann"}, "pairB": []any{"bob"}, "pairBits": []any{int64(1)},
		})
		side := map[string]any{"sideOf": []any{"ann"}, "sideIn": []any{"t1"}, "sideFound": []any{true},
			"sideWith": []any{"bob"}, "sideKind": []any{"conversation"}, "sideUnread": []any{int64(1)},
			"sideFiled": []any{"inbox"}, "sideActivity": []any{"key"}, "lastId": []any{"m1"},
			"lastKind": []any{"message"}, "lastText": []any{"Hello"}, "lastAt": []any{int64(1e18)}}
		for k, v := range side {
			c[k] = v
		}
		return c
	}
	if err := applyNext(NewState("e", []int64{0}), full()); err != nil {
		t.Fatalf("the change as the log writes it: %v", err)
	}
	for column, wrong := range map[string]any{
		"present": []any{"true", true}, "credits": []any{"3", int64(0)}, "plan": []any{int64(1), "free"},
		"names": []any{"Ann", true}, "members": []any{"ann", int64(2)}, "orgNames": []any{int64(7)},
		"groupNames": []any{false}, "heldBy": []any{"0"}, "heldCurrent": []any{"yes"},
		"memberOf": []any{int64(9)}, "pairA": "ann", "pairBits": []any{"1"}, "sideUnread": []any{"2"},
		"lastText": []any{int64(5)}, "requestsSent": int64(1), "headlines": []any{""},
	} {
		c := full()
		c[column] = wrong
		err := applyNext(NewState("e", []int64{0}), c)
		if err == nil || !strings.Contains(err.Error(), column) {
			t.Errorf("%s as %v: applied with error %v; want one naming it", column, wrong, err)
		}
	}
	for _, column := range []string{"credits", "plan", "names", "heldCurrent", "sideUnread", "lastText"} {
		c := full()
		delete(c, column)
		if err := applyNext(NewState("e", []int64{0}), c); err != nil {
			t.Errorf("without %s (a change logged before it was): %v", column, err)
		}
	}
}

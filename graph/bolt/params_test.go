package bolt

import (
	"errors"
	"strings"
	"testing"
)

// TestOnePlan checks that a statement's parameters may hold lists only inside a map: a list at
// the top level, of any element type, is refused with ErrListParameter naming it, while scalars,
// bytes and maps holding lists pass.
func TestOnePlan(t *testing.T) {
	for _, params := range []map[string]any{
		nil,
		{"caller": "m1", "limit": int64(20), "at": nil},
		{"blob": []byte("bytes go as a byte array")},
		{"caller": "m1", "batch": map[string]any{"members": []any{"m2", "m3"}, "ids": []string{"m4"}}},
	} {
		if err := onePlan(params); err != nil {
			t.Errorf("onePlan(%v) = %v, want nil", params, err)
		}
	}
	for name, list := range map[string]any{
		"ids":   []string{"m1"},
		"rows":  []any{map[string]any{"id": "m1"}},
		"pairs": [][2]string{{"m1", "m2"}},
		"pair":  [2]string{"m1", "m2"},
		"none":  []any{},
	} {
		err := onePlan(map[string]any{"caller": "m1", name: list, "batch": map[string]any{}})
		if !errors.Is(err, ErrListParameter) || !strings.Contains(err.Error(), "$"+name+" ") {
			t.Errorf("onePlan with a list $%s = %v, want ErrListParameter naming it", name, err)
		}
	}
}

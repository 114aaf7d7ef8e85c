package neo4jstore

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestConnectRows(t *testing.T) {
	rows, n := connectRows([][2]string{{"b", "a"}, {"a", "b"}, {"c", "c"}, {"a", "c"}})
	want := []any{[]any{"a", "b"}, []any{"a", "c"}}
	if diff := cmp.Diff(want, rows); diff != "" || n != 2 {
		t.Errorf("rows (-want +got):\n%s (n=%d)", diff, n)
	}
}

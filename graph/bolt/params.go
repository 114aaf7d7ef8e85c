package bolt

import (
	"errors"
	"fmt"
	"reflect"
)

// ErrListParameter is the failure of a statement given a list as a parameter of its own.
var ErrListParameter = errors.New("a statement's list parameter must come inside a map")

// onePlan refuses a list among params' top-level values. Neo4j keys a statement's plan by the
// length of each such list, in orders of magnitude (1, 2–10, 11–100, …), so a statement given
// lists of varying length is planned again for each, at up to seconds on a cold JVM, while the
// requests behind it wait (docs/performance.md, "One plan for a batch of any size"). A list inside
// a map parameter ($batch.members) is planned once for any length. Every statement the stores
// run passes here, so a list at the top level fails the tests that run it.
func onePlan(params map[string]any) error {
	first := ""
	for name, v := range params {
		if isList(v) && (first == "" || name < first) {
			first = name
		}
	}
	if first == "" {
		return nil
	}
	return fmt.Errorf("%w: $%s (pass it as $batch.%s)", ErrListParameter, first, first)
}

// isList tells whether v goes to Neo4j as a list: a slice or array other than bytes, which go as
// a byte array.
func isList(v any) bool {
	if v == nil {
		return false
	}
	t := reflect.TypeOf(v)
	switch t.Kind() {
	case reflect.Slice, reflect.Array:
		return t.Elem().Kind() != reflect.Uint8
	}
	return false
}

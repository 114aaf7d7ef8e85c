package projection

import "fmt"

// values reads the values of a change, or of one row of its lists, by name as typed values: nil
// (null, or a column a version before it did not record) reads as zero, and a value of another
// type reads as zero too and is kept as the first error, so that a reader reads every value it
// needs and checks once.
type values struct {
	value func(name string) any
	err   error
}

// fieldsOf reads change c's own values.
func fieldsOf(c map[string]any) *values {
	return &values{value: func(name string) any { return c[name] }}
}

// rowOf reads the i-th row of change c's lists: each name a list, read at i. A column that is not
// a list, or too short to have row i, is an error: the log writes every column of a row's kind
// as a list as long as the others.
func rowOf(c map[string]any, i int) *values {
	v := &values{}
	v.value = func(name string) any {
		raw := c[name]
		if raw == nil {
			return nil // not recorded: a change logged before the column was
		}
		list, ok := raw.([]any)
		switch {
		case !ok:
			v.fail(fmt.Errorf("column %s: got %T, want a list", name, raw))
		case i >= len(list):
			v.fail(fmt.Errorf("column %s: %d values, no row %d", name, len(list), i))
		default:
			return list[i]
		}
		return nil
	}
	return v
}

// valueOf is name's value as a T.
func valueOf[T any](v *values, name string) T {
	raw := v.value(name)
	t, ok := raw.(T)
	if !ok && raw != nil {
		v.fail(fmt.Errorf("column %s: got %T, want %T", name, raw, t))
	}
	return t
}

// fail keeps err unless an error is kept already.
func (v *values) fail(err error) {
	if v.err == nil {
		v.err = err
	}
}

func (v *values) str(name string) string   { return valueOf[string](v, name) }
func (v *values) flag(name string) bool    { return valueOf[bool](v, name) }
func (v *values) number(name string) int64 { return valueOf[int64](v, name) }
func (v *values) list(name string) []any   { return valueOf[[]any](v, name) }

// recorded says whether name has a value: false for a column a version before it did not record.
func (v *values) recorded(name string) bool { return v.value(name) != nil }

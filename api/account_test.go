package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"testing"
)

// TestExportWriterWritesValidJSON writes an object with a value, an empty list and a list of
// items piece by piece, as the export does, and checks it reads back as one JSON document; and
// that a failure inside a list is returned, not hidden.
func TestExportWriterWritesValidJSON(t *testing.T) {
	var buf bytes.Buffer
	w := newExportWriter(&buf)
	w.raw("{")
	w.key("profile")
	w.value(map[string]string{"id": "jane"})
	w.raw(",")
	w.key("none")
	if err := w.list(func(func(any)) error { return nil }); err != nil {
		t.Fatal(err)
	}
	w.raw(",")
	w.key("items")
	if err := w.list(func(item func(any)) error {
		for i := range 3 {
			item(map[string]int{"n": i})
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	w.raw("}\n")
	var got struct {
		Profile struct{ ID string }
		None    []int
		Items   []struct{ N int }
	}
	if err := json.Unmarshal(buf.Bytes(), &got); err != nil {
		t.Fatalf("%v: %s", err, buf.Bytes())
	}
	if got.Profile.ID != "jane" || got.None == nil || len(got.None) != 0 || len(got.Items) != 3 || got.Items[2].N != 2 {
		t.Errorf("read back %+v from %s", got, buf.Bytes())
	}
	failed := errors.New("neo4j went away")
	if err := newExportWriter(&buf).list(func(func(any)) error { return failed }); !errors.Is(err, failed) {
		t.Errorf("a failed section answered %v, want its failure", err)
	}
}

package graph

import (
	"errors"
	"testing"
	"time"
)

func TestCursorRoundTrip(t *testing.T) {
	in := TimeKey{At: time.Date(2026, 11, 25, 17, 0, 0, 123456789, time.UTC), ID: "X1"}
	var out TimeKey
	ok, err := DecodeCursor(encodeCursor(in), &out)
	if err != nil || !ok || !out.At.Equal(in.At) || out.ID != in.ID {
		t.Fatalf("round trip: %v %v %+v", ok, err, out)
	}
	if ok, err := DecodeCursor("", &out); ok || err != nil {
		t.Fatalf("empty cursor: %v %v", ok, err)
	}
	for _, bad := range []string{"%%%", "bm90IGpzb24", encodeCursor(NameKey{Name: "x"}), encodeCursor(map[string]int{"i": 1})} {
		var key NameKey
		if _, err := DecodeCursor(bad, &key); !errors.Is(err, ErrInvalidCursor) {
			t.Errorf("cursor %q: err %v, want ErrInvalidCursor", bad, err)
		}
	}
}

func TestDegreeLabel(t *testing.T) {
	for d, want := range map[Degree]string{Self: "you", First: "1st", Second: "2nd", Third: "3rd", OutOfNetwork: "out_of_network"} {
		if got := d.Label(); got != want {
			t.Errorf("%d.Label() = %q, want %q", d, got, want)
		}
	}
}

func TestValidMemberID(t *testing.T) {
	for id, want := range map[string]bool{
		"jane": true, "A-1_b": true, "": false, "a b": false, "a.b": false, "é": false,
		string(make([]byte, 65)): false, "x' OR 1=1": false,
	} {
		if got := ValidMemberID(id); got != want {
			t.Errorf("ValidMemberID(%q) = %v, want %v", id, got, want)
		}
	}
}

// TestOrgKindCheck checks that the stores' check of an organisation's kind takes the two kinds
// and refuses any other, the empty one too, naming the field.
func TestOrgKindCheck(t *testing.T) {
	for _, k := range []OrgKind{Company, School} {
		if err := k.Check(); err != nil {
			t.Errorf("%q: %v", k, err)
		}
	}
	for _, k := range []OrgKind{"", "club", "Company"} {
		var e *Error
		if err := k.Check(); !errors.As(err, &e) || !errors.Is(err, ErrUnprocessable) || e.Field != "kind" {
			t.Errorf("%q: got %v, want ErrUnprocessable naming kind", k, err)
		}
	}
}

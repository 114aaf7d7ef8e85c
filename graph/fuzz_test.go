package graph

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

// memberIDRule is the rule ValidMemberID documents, written out independently of its regular
// expression: 1 to 64 characters, each an ASCII letter, a digit, '_' or '-'.
func memberIDRule(id string) bool {
	const allowed = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-"
	if len(id) < 1 || len(id) > 64 {
		return false
	}
	for i := 0; i < len(id); i++ {
		if strings.IndexByte(allowed, id[i]) < 0 {
			return false
		}
	}
	return true
}

// FuzzValidMemberID checks that ValidMemberID accepts exactly the ids its documented rule allows.
func FuzzValidMemberID(f *testing.F) {
	for _, id := range []string{"jane", "A-1_b", "", "a b", "é", "jane\n", "\x00", strings.Repeat("x", 64), strings.Repeat("x", 65)} {
		f.Add(id)
	}
	f.Fuzz(func(t *testing.T, id string) {
		if got, want := ValidMemberID(id), memberIDRule(id); got != want {
			t.Fatalf("ValidMemberID(%q) = %v, the rule says %v", id, got, want)
		}
	})
}

// FuzzCursorRoundTrip checks that every sort key the store makes comes back unchanged from its
// cursor, and that the cursor needs no escaping in a query string. Keys hold what the store puts
// in them: names and ids as Neo4j returns them (valid UTF-8, ids non-empty) and times within the
// years JSON can carry.
func FuzzCursorRoundTrip(f *testing.F) {
	f.Add("Maria Garcia", "maria", int64(1_764_590_400_123_456_789), int16(0), 2, 1)
	f.Add("", "x", int64(0), int16(-300), 4, 0)
	f.Add("Zoë \"Z\" <z>&\u2028", "z-1_", int64(-1), int16(840), -1, -7)
	f.Fuzz(func(t *testing.T, name, id string, nanos int64, offsetMinutes int16, rank, mutual int) {
		if id == "" || !utf8.ValidString(name) || !utf8.ValidString(id) {
			t.Skip("not a key the store makes")
		}
		zone := time.FixedZone("", int(offsetMinutes%(18*60))*60)
		at := time.Unix(0, nanos).In(zone)
		roundTrip(t, &NameKey{Name: name, ID: id}, &NameKey{})
		roundTrip(t, &TimeKey{At: at, ID: id}, &TimeKey{})
		roundTrip(t, &RankKey{Rank: rank, Mutual: mutual, Name: name, ID: id}, &RankKey{})
		var back TimeKey
		if _, err := DecodeCursor(encodeCursor(TimeKey{At: at, ID: id}), &back); err != nil || !back.At.Equal(at) {
			t.Fatalf("time %v came back as %v (%v)", at, back.At, err)
		}
	})
}

// roundTrip encodes in, decodes the cursor into out and compares; times are compared as instants.
func roundTrip[K interface{ Valid() bool }](t *testing.T, in, out K) {
	t.Helper()
	cursor := encodeCursor(in)
	if strings.Trim(cursor, base64URLAlphabet) != "" {
		t.Fatalf("cursor %q of %+v needs escaping", cursor, in)
	}
	ok, err := DecodeCursor(cursor, out)
	if !ok || err != nil {
		t.Fatalf("cursor of %+v: ok %v, err %v", in, ok, err)
	}
	if tk, isTime := any(in).(*TimeKey); isTime {
		got := any(out).(*TimeKey)
		if !got.At.Equal(tk.At) || got.ID != tk.ID {
			t.Fatalf("%+v came back as %+v", tk, got)
		}
		return
	}
	if !reflect.DeepEqual(in, out) {
		t.Fatalf("%+v came back as %+v", in, out)
	}
}

const base64URLAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"

// FuzzDecodeCursor feeds arbitrary text to every kind of cursor: it never panics; the empty
// cursor means the first page; anything else is either refused with ErrInvalidCursor or is the
// cursor of a valid key, one that encodes back to a cursor decoding to the same key.
func FuzzDecodeCursor(f *testing.F) {
	for _, s := range []string{"", "%%%", "bm90IGpzb24", "e30", "eyJpIjoiIn0", "bnVsbA",
		encodeCursor(NameKey{Name: "x", ID: "y"}), encodeCursor(TimeKey{At: time.Unix(1, 0), ID: "y"}),
		encodeCursor(RankKey{Rank: 4, Mutual: 2, Name: "n", ID: "i"}), encodeCursor(map[string]any{"t": "not a time", "i": "y"}),
		encodeCursor(map[string]any{"I": "y", "T": "2026-01-02T03:04:05.999999999+14:00"})} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, cursor string) {
		checkDecode(t, cursor, &NameKey{}, func() *NameKey { return &NameKey{} })
		checkDecode(t, cursor, &TimeKey{}, func() *TimeKey { return &TimeKey{} })
		checkDecode(t, cursor, &RankKey{}, func() *RankKey { return &RankKey{} })
	})
}

func checkDecode[K interface{ Valid() bool }](t *testing.T, cursor string, key K, fresh func() K) {
	t.Helper()
	ok, err := DecodeCursor(cursor, key)
	switch {
	case cursor == "":
		if ok || err != nil {
			t.Fatalf("empty cursor: ok %v, err %v; want the first page", ok, err)
		}
		return
	case err != nil:
		if ok || !errors.Is(err, ErrInvalidCursor) {
			t.Fatalf("cursor %q: ok %v, err %v; want ErrInvalidCursor", cursor, ok, err)
		}
		return
	case !ok:
		t.Fatalf("cursor %q: neither a page nor an error", cursor)
	}
	// Accepted: it must be the base64url text of a JSON object naming a valid key.
	if strings.Trim(cursor, base64URLAlphabet) != "" {
		t.Fatalf("cursor %q with characters outside base64url was accepted", cursor)
	}
	if raw, err := base64.RawURLEncoding.DecodeString(cursor); err != nil || !json.Valid(raw) || !strings.HasPrefix(strings.TrimSpace(string(raw)), "{") {
		t.Fatalf("cursor %q that is no JSON object was accepted", cursor)
	}
	if !key.Valid() {
		t.Fatalf("cursor %q was accepted as an invalid key %+v", cursor, key)
	}
	again := fresh()
	if ok, err := DecodeCursor(encodeCursor(key), again); !ok || err != nil {
		t.Fatalf("key %+v of cursor %q does not encode back: %v", key, cursor, err)
	}
}

// FuzzParseToken feeds arbitrary text to the consistency token decoder: it never panics, refuses
// with ErrInvalidToken what String did not make, and a token it accepts encodes back to itself.
func FuzzParseToken(f *testing.F) {
	for _, s := range []string{"", "r1.", "r1.e30", "r2.e30", Token{Epoch: "e", Seq: 3}.String(),
		Token{Seq: -1}.String(), Token{Bookmarks: []string{"FB:kcwQ"}}.String(), "r1.eyJzIjoxZTEwMH0"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		tok, err := ParseToken(s)
		if err != nil {
			if !errors.Is(err, ErrInvalidToken) {
				t.Fatalf("ParseToken(%q): %v, want ErrInvalidToken", s, err)
			}
			return
		}
		if !strings.HasPrefix(s, tokenPrefix) || tok.Seq < 0 || (tok.Epoch == "" && tok.Seq == 0 && len(tok.Bookmarks) == 0) {
			t.Fatalf("ParseToken(%q) accepted %+v", s, tok)
		}
		back, err := ParseToken(tok.String())
		if err != nil || !reflect.DeepEqual(back, tok) {
			t.Fatalf("token %+v of %q came back as %+v (%v)", tok, s, back, err)
		}
	})
}

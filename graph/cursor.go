package graph

import (
	"encoding/base64"
	"encoding/json"
	"strings"
	"time"
)

// nameKey is the sort key of lists ordered by name then id.
type NameKey struct {
	Name string `json:"n"`
	ID   string `json:"i"`
}

// timeKey is the sort key of lists ordered newest first, ties broken by id.
type TimeKey struct {
	At time.Time `json:"t"`
	ID string    `json:"i"`
}

// encodeCursor turns a sort key into the opaque cursor a client passes back.
func encodeCursor(key any) string {
	b, err := json.Marshal(key)
	if err != nil {
		panic(err) // keys are plain structs of strings and times
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

// decodeCursor reads a cursor made by encodeCursor into key. It reports false for an empty cursor
// and fails with ErrInvalidCursor for anything it did not make.
func DecodeCursor(cursor string, key interface{ Valid() bool }) (bool, error) {
	if cursor == "" {
		return false, nil
	}
	// The decoder skips line breaks; a cursor this list gave out has none, nor anything else
	// outside the base64url alphabet.
	b, err := base64.RawURLEncoding.DecodeString(cursor)
	if err != nil || strings.ContainsAny(cursor, "\r\n") || json.Unmarshal(b, key) != nil || !key.Valid() {
		return false, Fail(ErrInvalidCursor, "cursor %q is not one this list gave out", cursor)
	}
	return true, nil
}

func (k *NameKey) Valid() bool { return k.ID != "" }

// Valid says whether k names an item: an id, and a time a cursor can carry. Parsing takes zone
// offsets of 24 hours and more, which encoding refuses: such a cursor was never given out.
func (k *TimeKey) Valid() bool {
	_, err := k.At.MarshalJSON()
	return k.ID != "" && !k.At.IsZero() && err == nil
}

// pageOf makes a page of items fetched with one row more than the limit: the extra row only says
// that another page follows, whose cursor is the sort key of the page's last item.
func PageOf[T any](items []T, limit int, key func(T) any) Page[T] {
	if len(items) <= limit {
		return Page[T]{Items: items}
	}
	items = items[:limit]
	return Page[T]{Items: items, Next: encodeCursor(key(items[limit-1]))}
}

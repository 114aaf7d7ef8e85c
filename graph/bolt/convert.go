package bolt

import (
	"fmt"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
)

// This file turns Neo4j values into domain values: one converter per type, so no untyped map
// leaves the store.

// value reads a record's key as T; a null reads as T's zero value.
func Value[T neo4j.RecordValue](rec *neo4j.Record, key string) (T, error) {
	v, _, err := neo4j.GetRecordValue[T](rec, key)
	return v, err
}

// field reads a map projection's key as T; a missing key or null reads as T's zero value.
func Field[T any](m map[string]any, key string) (T, error) {
	var zero T
	raw, ok := m[key]
	if !ok || raw == nil {
		return zero, nil
	}
	v, ok := raw.(T)
	if !ok {
		return zero, fmt.Errorf("field %s: got %T, want %T", key, raw, zero)
	}
	return v, nil
}

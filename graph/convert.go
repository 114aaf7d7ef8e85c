package graph

import (
	"fmt"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
)

// This file turns Neo4j values into domain values: one converter per type, so no untyped map
// leaves the store.

// value reads a record's key as T; a null reads as T's zero value.
func value[T neo4j.RecordValue](rec *neo4j.Record, key string) (T, error) {
	v, _, err := neo4j.GetRecordValue[T](rec, key)
	return v, err
}

// field reads a map projection's key as T; a missing key or null reads as T's zero value.
func field[T any](m map[string]any, key string) (T, error) {
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

// toMember converts the member projection the statements return.
func toMember(m map[string]any) (Member, error) {
	var (
		out  Member
		errs []error
	)
	str := func(key string) string {
		v, err := field[string](m, key)
		errs = append(errs, err)
		return v
	}
	boolean := func(key string) bool {
		v, err := field[bool](m, key)
		errs = append(errs, err)
		return v
	}
	credits, err := field[int64](m, "inmailCredits")
	errs = append(errs, err)
	out = Member{
		ID:            str("id"),
		Name:          str("name"),
		Headline:      str("headline"),
		Company:       str("company"),
		InMailCredits: int(credits),
		Settings: Settings{
			InMail:                InMailPolicy(str("inmail")),
			OpenProfile:           boolean("openProfile"),
			ProfileVisibility:     ProfileVisibility(str("profileVisibility")),
			ConnectionsVisibility: ConnectionsVisibility(str("connectionsVisibility")),
			Searchable:            boolean("searchable"),
		},
	}
	for _, err := range errs {
		if err != nil {
			return Member{}, fmt.Errorf("member: %w", err)
		}
	}
	return out, nil
}

// toSummary converts the {id, name, headline} projection used in lists.
func toSummary(v any) (MemberSummary, error) {
	m, ok := v.(map[string]any)
	if !ok {
		return MemberSummary{}, fmt.Errorf("member summary: got %T", v)
	}
	id, err1 := field[string](m, "id")
	name, err2 := field[string](m, "name")
	headline, err3 := field[string](m, "headline")
	for _, err := range []error{err1, err2, err3} {
		if err != nil {
			return MemberSummary{}, fmt.Errorf("member summary: %w", err)
		}
	}
	return MemberSummary{ID: id, Name: name, Headline: headline}, nil
}

// toSummaries converts a list of summary projections.
func toSummaries(list []any) ([]MemberSummary, error) {
	out := make([]MemberSummary, 0, len(list))
	for _, v := range list {
		s, err := toSummary(v)
		if err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, nil
}

// toInvitation converts a record of the invitation columns: id, from, to, note, sentAt.
func toInvitation(rec *neo4j.Record) (Invitation, error) {
	var errs []error
	str := func(key string) string {
		v, err := value[string](rec, key)
		errs = append(errs, err)
		return v
	}
	inv := Invitation{ID: str("id"), From: str("from"), To: str("to"), Note: str("note"), Status: InvitationPending}
	sentAt, err := value[time.Time](rec, "sentAt")
	errs = append(errs, err)
	inv.SentAt = sentAt.UTC()
	for _, err := range errs {
		if err != nil {
			return Invitation{}, fmt.Errorf("invitation: %w", err)
		}
	}
	return inv, nil
}

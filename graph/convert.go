package graph

import (
	"encoding/json"
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
	number := func(key string) int {
		v, err := field[int64](m, key)
		errs = append(errs, err)
		return int(v)
	}
	requests := true // on unless turned off
	if m["messageRequests"] != nil {
		requests = boolean("messageRequests")
	}
	credits, err := field[int64](m, "inmailCredits")
	errs = append(errs, err)
	grantedAt, err := field[time.Time](m, "planGrantedAt")
	errs = append(errs, err)
	plan := Plan(str("plan"))
	if plan == "" {
		plan = PlanFree
	}
	out = Member{
		ID:            str("id"),
		Name:          str("name"),
		Headline:      str("headline"),
		Company:       str("company"),
		InMailCredits: int(credits),
		Plan:          plan,
		Restricted:    boolean("restricted"),
		planGrantedAt: grantedAt,
		Settings: Settings{
			InMail:                InMailPolicy(str("inmail")),
			OpenProfile:           boolean("openProfile"),
			ProfileVisibility:     ProfileVisibility(str("profileVisibility")),
			ConnectionsVisibility: ConnectionsVisibility(str("connectionsVisibility")),
			Searchable:            boolean("searchable"),
			MessageRequests:       requests,
		},
		requestsMonth: number("requestsMonth"),
		requestsSent:  number("requestsSent"),
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

// toMessage converts a record holding a "message" projection with "from" and "to" ids, and the
// summaries of the members under the given keys (one key for both when only the other member is
// there: the caller's side is then left with just the id).
func toMessage(rec *neo4j.Record, fromKey, toKey string) (Message, error) {
	m, err := value[map[string]any](rec, "message")
	if err != nil {
		return Message{}, err
	}
	fromID, err1 := value[string](rec, "from")
	toID, err2 := value[string](rec, "to")
	from, err3 := value[map[string]any](rec, fromKey)
	to, err4 := value[map[string]any](rec, toKey)
	var errs = []error{err1, err2, err3, err4}
	str := func(key string) string {
		v, err := field[string](m, key)
		errs = append(errs, err)
		return v
	}
	msg := Message{
		ID: str("id"), ThreadID: str("threadId"), Kind: MessageKind(str("kind")),
		Subject: str("subject"), Body: str("body"), Status: InMailStatus(str("status")),
		From: MemberSummary{ID: fromID}, To: MemberSummary{ID: toID},
		Via: Via{Kind: str("viaKind"), Affiliate: Affiliate{ID: str("viaId"), Name: str("viaName")}},
	}
	if raw := str("attachments"); raw != "" {
		errs = append(errs, json.Unmarshal([]byte(raw), &msg.Attachments))
	}
	sentAt, err := field[time.Time](m, "sentAt")
	errs = append(errs, err)
	msg.SentAt = sentAt.UTC()
	readAt, err := field[time.Time](m, "readAt")
	errs = append(errs, err)
	msg.Read = !readAt.IsZero()
	cost, err := field[int64](m, "cost")
	errs = append(errs, err)
	msg.Cost = int(cost)
	for _, side := range []struct {
		raw map[string]any
		sum *MemberSummary
	}{{from, &msg.From}, {to, &msg.To}} {
		if id, _ := side.raw["id"].(string); id == side.sum.ID {
			s, err := toSummary(side.raw)
			errs = append(errs, err)
			*side.sum = s
		}
		if side.sum.ID == "" {
			*side.sum = formerMember // a closed account
		}
	}
	for _, err := range errs {
		if err != nil {
			return Message{}, fmt.Errorf("message: %w", err)
		}
	}
	return msg, nil
}

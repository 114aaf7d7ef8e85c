package neo4jstore

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
	"github.com/reach-network/reach/graph"
	"github.com/reach-network/reach/graph/bolt"
)

// toMember converts the member projection the statements return.
func ToMember(m map[string]any) (graph.Member, error) {
	var (
		out  graph.Member
		errs []error
	)
	str := func(key string) string {
		v, err := bolt.Field[string](m, key)
		errs = append(errs, err)
		return v
	}
	boolean := func(key string) bool {
		v, err := bolt.Field[bool](m, key)
		errs = append(errs, err)
		return v
	}
	number := func(key string) int {
		v, err := bolt.Field[int64](m, key)
		errs = append(errs, err)
		return int(v)
	}
	requests := true // on unless turned off
	if m["messageRequests"] != nil {
		requests = boolean("messageRequests")
	}
	credits, err := bolt.Field[int64](m, "inmailCredits")
	errs = append(errs, err)
	grantedAt, err := bolt.Field[time.Time](m, "planGrantedAt")
	errs = append(errs, err)
	plan := graph.Plan(str("plan"))
	if plan == "" {
		plan = graph.PlanFree
	}
	out = graph.Member{
		ID:            str("id"),
		Name:          str("name"),
		Headline:      str("headline"),
		Company:       str("company"),
		InMailCredits: int(credits),
		Plan:          plan,
		Restricted:    boolean("restricted"),
		Settings: graph.Settings{
			InMail:                graph.InMailPolicy(str("inmail")),
			OpenProfile:           boolean("openProfile"),
			ProfileVisibility:     graph.ProfileVisibility(str("profileVisibility")),
			ConnectionsVisibility: graph.ConnectionsVisibility(str("connectionsVisibility")),
			Searchable:            boolean("searchable"),
			MessageRequests:       requests,
		},
		Quota: graph.Quota{GrantedAt: grantedAt, RequestsMonth: number("requestsMonth"), RequestsSent: number("requestsSent")},
	}
	for _, err := range errs {
		if err != nil {
			return graph.Member{}, fmt.Errorf("member: %w", err)
		}
	}
	return out, nil
}

// toSummary converts the {id, name, headline} projection used in lists.
func toSummary(v any) (graph.MemberSummary, error) {
	m, ok := v.(map[string]any)
	if !ok {
		return graph.MemberSummary{}, fmt.Errorf("member summary: got %T", v)
	}
	id, err1 := bolt.Field[string](m, "id")
	name, err2 := bolt.Field[string](m, "name")
	headline, err3 := bolt.Field[string](m, "headline")
	for _, err := range []error{err1, err2, err3} {
		if err != nil {
			return graph.MemberSummary{}, fmt.Errorf("member summary: %w", err)
		}
	}
	return graph.MemberSummary{ID: id, Name: name, Headline: headline}, nil
}

// toSummaries converts a list of summary projections.
func toSummaries(list []any) ([]graph.MemberSummary, error) {
	out := make([]graph.MemberSummary, 0, len(list))
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
func toInvitation(rec *neo4j.Record) (graph.Invitation, error) {
	var errs []error
	str := func(key string) string {
		v, err := bolt.Value[string](rec, key)
		errs = append(errs, err)
		return v
	}
	inv := graph.Invitation{ID: str("id"), From: str("from"), To: str("to"), Note: str("note"), Status: graph.InvitationPending}
	sentAt, err := bolt.Value[time.Time](rec, "sentAt")
	errs = append(errs, err)
	inv.SentAt = sentAt.UTC()
	for _, err := range errs {
		if err != nil {
			return graph.Invitation{}, fmt.Errorf("invitation: %w", err)
		}
	}
	return inv, nil
}

// toMessage converts a record holding a "message" projection with "from" and "to" ids, and the
// summaries of the members under the given keys (one key for both when only the other member is
// there: the caller's side is then left with just the id).
func toMessage(rec *neo4j.Record, fromKey, toKey string) (graph.Message, error) {
	m, err := bolt.Value[map[string]any](rec, "message")
	if err != nil {
		return graph.Message{}, err
	}
	fromID, err1 := bolt.Value[string](rec, "from")
	toID, err2 := bolt.Value[string](rec, "to")
	from, err3 := bolt.Value[map[string]any](rec, fromKey)
	to, err4 := bolt.Value[map[string]any](rec, toKey)
	var errs = []error{err1, err2, err3, err4}
	str := func(key string) string {
		v, err := bolt.Field[string](m, key)
		errs = append(errs, err)
		return v
	}
	msg := graph.Message{
		ID: str("id"), ThreadID: str("threadId"), Kind: graph.MessageKind(str("kind")),
		Subject: str("subject"), Body: str("body"), Status: graph.InMailStatus(str("status")),
		From: graph.MemberSummary{ID: fromID}, To: graph.MemberSummary{ID: toID},
		Via: graph.Via{Kind: str("viaKind"), Affiliate: graph.Affiliate{ID: str("viaId"), Name: str("viaName")}},
	}
	if raw := str("attachments"); raw != "" {
		errs = append(errs, json.Unmarshal([]byte(raw), &msg.Attachments))
	}
	sentAt, err := bolt.Field[time.Time](m, "sentAt")
	errs = append(errs, err)
	msg.SentAt = sentAt.UTC()
	readAt, err := bolt.Field[time.Time](m, "readAt")
	errs = append(errs, err)
	msg.Read = !readAt.IsZero()
	cost, err := bolt.Field[int64](m, "cost")
	errs = append(errs, err)
	msg.Cost = int(cost)
	for _, side := range []struct {
		raw map[string]any
		sum *graph.MemberSummary
	}{{from, &msg.From}, {to, &msg.To}} {
		if id, _ := side.raw["id"].(string); id == side.sum.ID {
			s, err := toSummary(side.raw)
			errs = append(errs, err)
			*side.sum = s
		}
		if side.sum.ID == "" {
			*side.sum = graph.FormerMember // a closed account
		}
	}
	for _, err := range errs {
		if err != nil {
			return graph.Message{}, fmt.Errorf("message: %w", err)
		}
	}
	return msg, nil
}

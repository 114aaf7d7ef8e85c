package api

import (
	"time"

	"github.com/reach-network/reach/graph"
)

// The JSON shapes the API answers with, and the conversions from domain values.

type settingsView struct {
	InMail                graph.InMailPolicy          `json:"inmail"`
	OpenProfile           bool                        `json:"openProfile"`
	ProfileVisibility     graph.ProfileVisibility     `json:"profileVisibility"`
	ConnectionsVisibility graph.ConnectionsVisibility `json:"connectionsVisibility"`
	Searchable            bool                        `json:"searchable"`
}

type meView struct {
	ID            string       `json:"id"`
	Name          string       `json:"name"`
	Headline      string       `json:"headline"`
	Company       string       `json:"company"`
	Settings      settingsView `json:"settings"`
	InMailCredits int          `json:"inmailCredits"`
}

// reachView is how the caller stands to a member. Degree is null beyond 3 hops.
type reachView struct {
	Degree      *int   `json:"degree"`
	Label       string `json:"label"`
	MutualCount int    `json:"mutualCount"`
}

type memberView struct {
	ID               string `json:"id"`
	Name             string `json:"name"`
	Headline         string `json:"headline"`
	Company          string `json:"company"`
	ConnectionsCount int    `json:"connectionsCount"`
	reachView
}

type summaryView struct {
	ID       string `json:"id"`
	Name     string `json:"name"`
	Headline string `json:"headline"`
}

type pathStepView struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

type invitationView struct {
	ID     string                 `json:"id"`
	From   string                 `json:"from"`
	To     string                 `json:"to"`
	Note   string                 `json:"note"`
	Status graph.InvitationStatus `json:"status"`
	SentAt time.Time              `json:"sentAt"`
}

// listView is every list's shape; Total is present only where the list reports it.
type listView[T any] struct {
	Total      *int   `json:"total,omitempty"`
	Items      []T    `json:"items"`
	NextCursor string `json:"nextCursor,omitempty"`
}

func toSettingsView(s graph.Settings) settingsView {
	return settingsView{
		InMail:                s.InMail,
		OpenProfile:           s.OpenProfile,
		ProfileVisibility:     s.ProfileVisibility,
		ConnectionsVisibility: s.ConnectionsVisibility,
		Searchable:            s.Searchable,
	}
}

func toMeView(m graph.Member) meView {
	return meView{
		ID: m.ID, Name: m.Name, Headline: m.Headline, Company: m.Company,
		Settings: toSettingsView(m.Settings), InMailCredits: m.InMailCredits,
	}
}

func toReachView(r graph.Relation) reachView {
	v := reachView{Label: r.Degree.Label(), MutualCount: r.MutualCount}
	if r.Degree != graph.OutOfNetwork {
		d := int(r.Degree)
		v.Degree = &d
	}
	return v
}

func toMemberView(r graph.Relation) memberView {
	m := r.Member
	return memberView{
		ID: m.ID, Name: m.Name, Headline: m.Headline, Company: m.Company,
		ConnectionsCount: r.Connections, reachView: toReachView(r),
	}
}

func toInvitationView(i graph.Invitation) invitationView {
	return invitationView{ID: i.ID, From: i.From, To: i.To, Note: i.Note, Status: i.Status, SentAt: i.SentAt}
}

// toList converts one page of domain values; withTotal says whether the list reports its size.
func toList[T, V any](p graph.Page[T], withTotal bool, conv func(T) V) listView[V] {
	out := listView[V]{Items: make([]V, 0, len(p.Items)), NextCursor: p.Next}
	for _, item := range p.Items {
		out.Items = append(out.Items, conv(item))
	}
	if withTotal {
		total := p.Total
		out.Total = &total
	}
	return out
}

func toSummaryView(s graph.MemberSummary) summaryView {
	return summaryView{ID: s.ID, Name: s.Name, Headline: s.Headline}
}

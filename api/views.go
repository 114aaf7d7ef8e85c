package api

import (
	"strings"
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
	MessageRequests       bool                        `json:"messageRequests"`
}

type meView struct {
	ID            string       `json:"id"`
	Name          string       `json:"name"`
	Headline      string       `json:"headline"`
	Company       string       `json:"company"`
	Settings      settingsView `json:"settings"`
	Plan          graph.Plan   `json:"plan"`
	InMailCredits int          `json:"inmailCredits"`
	Restricted    bool         `json:"restricted"`
	RequestsLeft  int          `json:"messageRequestsLeft"` // this calendar month's, under the cap
}

// degreeView is a degree as the API shows it: null beyond 3 hops, with its label.
type degreeView struct {
	Degree *int   `json:"degree"`
	Label  string `json:"label"`
}

// reachView is how the caller stands to a member.
type reachView struct {
	degreeView
	MutualCount int            `json:"mutualCount"`
	Messaging   *messagingView `json:"messaging,omitempty"`
	Shared      *sharedView    `json:"shared,omitempty"`
}

type organisationView struct {
	ID   string        `json:"id"`
	Name string        `json:"name"`
	Kind graph.OrgKind `json:"kind"`
}

type groupView struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// sharedView is what the caller and a member share: companies, schools and groups, each with its
// total and up to graph.SharedItems of them, by name then id.
type sharedView struct {
	Companies sharedListView `json:"companies"`
	Schools   sharedListView `json:"schools"`
	Groups    sharedListView `json:"groups"`
}

type sharedListView struct {
	Total int         `json:"total"`
	Items []groupView `json:"items"`
}

func toSharedView(s graph.Shared) *sharedView {
	list := func(l graph.SharedList) sharedListView {
		v := sharedListView{Total: l.Total, Items: make([]groupView, 0, len(l.Items))}
		for _, a := range l.Items {
			v.Items = append(v.Items, groupView(a))
		}
		return v
	}
	return &sharedView{Companies: list(s.Companies), Schools: list(s.Schools), Groups: list(s.Groups)}
}

// messagingView is whether and how the caller may message a member. Channel is null when not.
type messagingView struct {
	Allowed bool           `json:"allowed"`
	Channel *graph.Channel `json:"channel"`
	Cost    int            `json:"cost"`
	Reason  graph.Reason   `json:"reason"`
	Via     *viaView       `json:"via,omitempty"` // what allows a message request
}

// viaView is what allows, or allowed, a message request: a group both members are in, or a
// company where both hold a current position.
type viaView struct {
	Kind string `json:"kind"`
	ID   string `json:"id"`
	Name string `json:"name"`
}

func toViaView(v graph.Via) *viaView {
	if v.ID == "" {
		return nil
	}
	return &viaView{Kind: v.Kind, ID: v.ID, Name: v.Name}
}

// memberView is a member's profile as the caller may see it; a limited view (the member's
// profileVisibility keeps the caller out) has only id, name, headline, degree and label.
type memberView struct {
	ID               string  `json:"id"`
	Name             string  `json:"name"`
	Headline         string  `json:"headline"`
	Company          *string `json:"company,omitempty"`
	ConnectionsCount *int    `json:"connectionsCount,omitempty"`
	degreeView
	MutualCount *int        `json:"mutualCount,omitempty"`
	Shared      *sharedView `json:"shared,omitempty"`
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
		MessageRequests:       s.MessageRequests,
	}
}

func toMeView(m graph.Member) meView {
	return meView{
		ID: m.ID, Name: m.Name, Headline: m.Headline, Company: m.Company,
		Settings: toSettingsView(m.Settings), Plan: m.Plan, InMailCredits: m.InMailCredits, Restricted: m.Restricted,
		RequestsLeft: m.RequestsLeft,
	}
}

func toDegreeView(d graph.Degree) degreeView {
	v := degreeView{Label: d.Label()}
	if d != graph.OutOfNetwork {
		n := int(d)
		v.Degree = &n
	}
	return v
}

func toReachView(r graph.Reach) reachView {
	m := toMessagingView(r.Messaging)
	return reachView{degreeView: toDegreeView(r.Degree), MutualCount: r.MutualCount, Messaging: &m, Shared: toSharedView(r.Shared)}
}

func toMessagingView(d graph.Decision) messagingView {
	m := messagingView{Allowed: d.Allowed, Cost: d.Cost, Reason: d.Reason}
	if d.Channel != graph.ChannelNone {
		m.Channel = &d.Channel
	}
	m.Via = toViaView(d.RequestVia())
	return m
}

// reachItemView is one member's item in a batch reachability answer: the id asked about, whether
// it was found and, when it was, exactly the single reachability answer. A member who does not
// exist and one in a block relation with the caller both have only id and found: false.
type reachItemView struct {
	ID    string `json:"id"`
	Found bool   `json:"found"`
	*reachView
}

func toReachItemView(id string, r graph.Reach, found bool) reachItemView {
	v := reachItemView{ID: id, Found: found}
	if found {
		reach := toReachView(r)
		v.reachView = &reach
	}
	return v
}

func toMemberView(r graph.Relation) memberView {
	m := r.Member
	v := memberView{ID: m.ID, Name: m.Name, Headline: m.Headline, degreeView: toDegreeView(r.Degree)}
	if r.ProfileVisible() {
		v.Company, v.ConnectionsCount, v.MutualCount = &m.Company, &r.Connections, &r.MutualCount
		v.Shared = toSharedView(r.Shared)
	}
	return v
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

// partyView is one side of a message: a member, or a closed account, shown with a null id, the
// name "Former member" and former set, with no profile to link to.
type partyView struct {
	ID       *string `json:"id"`
	Name     string  `json:"name"`
	Headline string  `json:"headline"`
	Former   bool    `json:"former,omitempty"`
}

func toPartyView(s graph.MemberSummary) partyView {
	if s.IsFormer() {
		return partyView{Name: s.Name, Former: true}
	}
	return partyView{ID: &s.ID, Name: s.Name, Headline: s.Headline}
}

// counterpartView is the other member of a mailbox entry, with how the caller stands to them.
type counterpartView struct {
	partyView
	degreeView
	Connected bool `json:"connected"`
}

// envelopeView is one mailbox entry; From is set in the inbox, To in the sent box.
type envelopeView struct {
	ID              string              `json:"id"`
	ThreadID        string              `json:"threadId"`
	ConversationID  string              `json:"conversationId"` // the same as threadId
	Kind            graph.MessageKind   `json:"kind"`
	Icon            graph.MessageKind   `json:"icon"`
	Subject         string              `json:"subject"`
	Preview         string              `json:"preview"`
	From            *counterpartView    `json:"from,omitempty"`
	To              *counterpartView    `json:"to,omitempty"`
	SentAt          time.Time           `json:"sentAt"`
	Read            bool                `json:"read"`
	Status          *graph.InMailStatus `json:"status"`
	AttachmentCount int                 `json:"attachmentCount"`
	Via             *viaView            `json:"via,omitempty"` // what allowed a message request
}

// preview is how a mailbox introduces a message: "InMail from Jane Smith: ", "Message request
// from Jane Smith: " or "Message from Jane Smith: " (to, in the sent box), then the first 80 characters of the body, and "…" when cut.
func preview(m graph.Message, incoming bool, name string) string {
	return previewOf(m.Kind, incoming, name, graph.Excerpt(m.Body))
}

// previewOf is the preview of a message of kind, to or from name, whose body's excerpt is excerpt.
func previewOf(kind graph.MessageKind, incoming bool, name, excerpt string) string {
	var b strings.Builder
	switch kind {
	case graph.KindInMail:
		b.WriteString("InMail")
	case graph.KindRequest:
		b.WriteString("Message request")
	default:
		b.WriteString("Message")
	}
	if incoming {
		b.WriteString(" from ")
	} else {
		b.WriteString(" to ")
	}
	b.WriteString(name)
	b.WriteString(": ")
	b.WriteString(excerpt)
	return b.String()
}

func toEnvelopeView(e graph.Envelope, incoming bool) envelopeView {
	m := e.Message
	other := &counterpartView{
		partyView:  toPartyView(e.Other),
		degreeView: toDegreeView(e.Degree), Connected: e.Degree == graph.First,
	}
	v := envelopeView{
		ID: m.ID, ThreadID: m.ThreadID, ConversationID: m.ThreadID, Kind: m.Kind, Icon: m.Kind, Subject: m.Subject,
		Preview: preview(m, incoming, e.Other.Name), SentAt: m.SentAt, Read: m.Read,
		Status: statusOf(m), AttachmentCount: len(m.Attachments), Via: toViaView(m.Via),
	}
	if incoming {
		v.From = other
	} else {
		v.To = other
	}
	return v
}

func statusOf(m graph.Message) *graph.InMailStatus {
	if m.Status == graph.StatusNone {
		return nil
	}
	return &m.Status
}

type attachmentView struct {
	Name        string `json:"name"`
	ContentType string `json:"contentType"`
	Size        int64  `json:"size"`
	URL         string `json:"url"`
}

// messageView is a whole message, for its two members.
type messageView struct {
	ID             string              `json:"id"`
	ThreadID       string              `json:"threadId"`
	ConversationID string              `json:"conversationId"` // the same as threadId
	Kind           graph.MessageKind   `json:"kind"`
	Icon           graph.MessageKind   `json:"icon"`
	Subject        string              `json:"subject"`
	Body           string              `json:"body"`
	Attachments    []attachmentView    `json:"attachments"`
	From           partyView           `json:"from"`
	To             partyView           `json:"to"`
	SentAt         time.Time           `json:"sentAt"`
	Read           bool                `json:"read"`
	Status         *graph.InMailStatus `json:"status"`
	Via            *viaView            `json:"via,omitempty"` // what allowed a message request
}

func toMessageView(m graph.Message) messageView {
	v := messageView{
		ID: m.ID, ThreadID: m.ThreadID, ConversationID: m.ThreadID, Kind: m.Kind, Icon: m.Kind, Subject: m.Subject, Body: m.Body,
		Attachments: make([]attachmentView, 0, len(m.Attachments)),
		From:        toPartyView(m.From), To: toPartyView(m.To), SentAt: m.SentAt, Read: m.Read,
		Status: statusOf(m), Via: toViaView(m.Via),
	}
	for _, a := range m.Attachments {
		v.Attachments = append(v.Attachments, attachmentView(a))
	}
	return v
}

type sentView struct {
	ID             string            `json:"id"`
	ThreadID       string            `json:"threadId"`
	ConversationID string            `json:"conversationId"` // the same as threadId
	Kind           graph.MessageKind `json:"kind"`
	Cost           int               `json:"cost"`
	InMailCredits  int               `json:"inmailCredits"`
}

type blockedView struct {
	ID        string    `json:"id"`
	Name      string    `json:"name"`
	Headline  string    `json:"headline"`
	BlockedAt time.Time `json:"blockedAt"`
}

type foundView struct {
	ID       string `json:"id"`
	Name     string `json:"name"`
	Headline string `json:"headline"`
	degreeView
	MutualCount int `json:"mutualCount"`
}

func toFoundView(f graph.Found) foundView {
	return foundView{ID: f.Member.ID, Name: f.Member.Name, Headline: f.Member.Headline,
		degreeView: toDegreeView(f.Degree), MutualCount: f.MutualCount}
}

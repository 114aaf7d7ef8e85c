// Package graph is reach's domain: members, their settings, plans and credits, connections,
// invitations, messages, blocks, organisations and groups, how two members stand to each other,
// and the messaging rules. It does no I/O and imports no other reach package; the stores under
// graph/ keep the domain, and docs/architecture.md maps them.
package graph

import (
	"regexp"
	"time"
)

// MaxConnections is the most connections one member may have.
const MaxConnections = 30000

// MaxNoteLength is the longest invitation note, in characters.
const MaxNoteLength = 300

var memberIDPattern = regexp.MustCompile(`^[A-Za-z0-9_-]{1,64}$`)

// ValidMemberID reports whether id has the form member ids take: 1 to 64 letters, digits, '_' or '-'.
// Ids are chosen by the platform that owns the members.
func ValidMemberID(id string) bool { return memberIDPattern.MatchString(id) }

// Member is a person in the network: a profile, settings, a plan and an InMail credit balance.
type Member struct {
	ID            string
	Name          string
	Headline      string
	Company       string
	Settings      Settings
	Plan          Plan
	InMailCredits int  // as of the latest monthly grant the store has applied
	Restricted    bool // restricted by reports until an administrator lifts it
	RequestsLeft  int  // message requests the member may still send this month
	Quota         Quota
}

// Quota is what a member's plan and the monthly cap on message requests stand at as last written:
// Member.Current turns it into the credits and requests left at a given moment.
type Quota struct {
	GrantedAt time.Time // when the plan last granted its allotment
	// RequestsSent counts the message requests the member sent in the month RequestsMonth
	// (RequestMonth): what the monthly cap counts.
	RequestsMonth, RequestsSent int
}

// InMailPolicy says who may send a member InMail.
type InMailPolicy string

// The InMail policies.
const (
	InMailAnyone  InMailPolicy = "anyone"
	InMailNetwork InMailPolicy = "network" // members within 3 degrees
	InMailOff     InMailPolicy = "off"
)

// ProfileVisibility says who sees a member's whole profile.
type ProfileVisibility string

// The profile visibilities.
const (
	ProfileEveryone    ProfileVisibility = "everyone"
	ProfileNetwork     ProfileVisibility = "network"     // degrees 1 to 3
	ProfileConnections ProfileVisibility = "connections" // 1st degree only
)

// ConnectionsVisibility says who may list a member's connections.
type ConnectionsVisibility string

// The connections visibilities.
const (
	ConnectionsVisible ConnectionsVisibility = "connections"
	ConnectionsOnlyMe  ConnectionsVisibility = "only_me"
)

// Valid reports whether p is one of the InMail policies.
func (p InMailPolicy) Valid() bool { return p == InMailAnyone || p == InMailNetwork || p == InMailOff }

// Valid reports whether v is one of the profile visibilities.
func (v ProfileVisibility) Valid() bool {
	return v == ProfileEveryone || v == ProfileNetwork || v == ProfileConnections
}

// Valid reports whether v is one of the connections visibilities.
func (v ConnectionsVisibility) Valid() bool {
	return v == ConnectionsVisible || v == ConnectionsOnlyMe
}

// Settings are a member's privacy and messaging choices.
type Settings struct {
	InMail                InMailPolicy
	OpenProfile           bool
	ProfileVisibility     ProfileVisibility
	ConnectionsVisibility ConnectionsVisibility
	Searchable            bool
	MessageRequests       bool // fellow group members and coworkers may send a message request
}

// DefaultSettings are the settings a new member starts with.
var DefaultSettings = Settings{
	InMail:                InMailAnyone,
	OpenProfile:           false,
	ProfileVisibility:     ProfileEveryone,
	ConnectionsVisibility: ConnectionsVisible,
	Searchable:            true,
	MessageRequests:       true,
}

// SettingsChange names the settings to change; nil fields keep their current value.
type SettingsChange struct {
	InMail                *InMailPolicy
	OpenProfile           *bool
	ProfileVisibility     *ProfileVisibility
	ConnectionsVisibility *ConnectionsVisibility
	Searchable            *bool
	MessageRequests       *bool
}

// Profile is what an administrator sets on a member. A nil InMailCredits keeps the balance and a
// nil Plan keeps the plan. Putting a member on a new plan grants its first allotment at once,
// unless InMailCredits sets the balance outright.
type Profile struct {
	ID            string
	Name          string
	Headline      string
	Company       string
	InMailCredits *int
	Plan          *Plan
	// Positions, when not nil, replace the member's positions; nil leaves them as they are.
	Positions *[]Position
}

// Degree is how far a member stands from the caller in connections.
type Degree int

// The degrees reach distinguishes. Anything further than 3 hops, or unconnected, is OutOfNetwork.
const (
	Self         Degree = 0
	First        Degree = 1
	Second       Degree = 2
	Third        Degree = 3
	OutOfNetwork Degree = -1
)

// Label is the degree as a member sees it: "you", "1st", "2nd", "3rd" or "out_of_network".
func (d Degree) Label() string {
	switch d {
	case Self:
		return "you"
	case First:
		return "1st"
	case Second:
		return "2nd"
	case Third:
		return "3rd"
	default:
		return "out_of_network"
	}
}

// InNetwork reports whether d is within 3 degrees (or the caller).
func (d Degree) InNetwork() bool { return d >= Self && d <= Third }

// Reach is how the caller stands to a member, as a reachability answer gives it: every answering
// path (the projection, Neo4j, the benchmark's PostgreSQL peer) fills every field.
type Reach struct {
	MemberID    string
	Degree      Degree
	MutualCount int
	Facts       Facts    // what the messaging rules were given
	Messaging   Decision // whether and how the caller may message the member
	Shared      Shared   // the companies, schools and groups the caller and the member share
}

// Standing is how the caller stands to a member as a list's row shows it: the degree, and whether
// and how the caller may message the member. It leaves out the mutual connections and what the two
// share, which no row shows and which cost the most to work out.
type Standing struct {
	Degree    Degree
	Messaging Decision
}

// Standing is r as a list's row shows it.
func (r Reach) Standing() Standing { return Standing{Degree: r.Degree, Messaging: r.Messaging} }

// Relation is how the caller stands to a member with the member's whole profile, as a profile
// page shows it: read from Neo4j, which alone holds profiles.
type Relation struct {
	Reach
	Member      Member
	Connections int // the member's connection count, less members in a block relation with the caller
}

// ProfileVisible reports whether the member's profileVisibility lets the caller see the whole
// profile: everyone; within 3 degrees ("network"); 1st degree ("connections"). The member always
// sees their own.
func (r Relation) ProfileVisible() bool {
	switch {
	case r.Degree == Self:
		return true
	case r.Member.Settings.ProfileVisibility == ProfileNetwork:
		return r.Degree.InNetwork()
	case r.Member.Settings.ProfileVisibility == ProfileConnections:
		return r.Degree == First
	default:
		return true
	}
}

// MemberSummary is the short form of a member used in lists.
type MemberSummary struct {
	ID       string
	Name     string
	Headline string
}

// PathStep is one member on a chain of connections.
type PathStep struct {
	ID   string
	Name string
}

// InvitationStatus is where an invitation stands.
type InvitationStatus string

// The invitation statuses.
const (
	InvitationPending   InvitationStatus = "pending"
	InvitationAccepted  InvitationStatus = "accepted"
	InvitationDeclined  InvitationStatus = "declined"
	InvitationWithdrawn InvitationStatus = "withdrawn"
)

// Invitation is one member's request to connect with another.
type Invitation struct {
	ID     string
	From   string
	To     string
	Note   string
	Status InvitationStatus
	SentAt time.Time
}

// Box selects received or sent invitations.
type Box string

// The invitation boxes.
const (
	BoxReceived Box = "received"
	BoxSent     Box = "sent"
)

// PageRequest asks for one page of a list: at most Limit items after the opaque cursor After
// (empty for the first page).
type PageRequest struct {
	Limit int
	After string
}

// Page is one page of a list. Next is the cursor of the following page, empty on the last.
type Page[T any] struct {
	Items []T
	Next  string
	Total int // set where the list reports its size
}

// Package seed makes the networks reach is shown and tested with, as ordinary domain values, and
// loads them into the store.
package seed

import (
	"context"
	"fmt"
	"maps"
	"slices"

	"github.com/reach-network/reach/graph"
)

// Network is a set of members (with their positions), the connections between them, the
// settings that differ from the defaults, messages already sent, and the organisations and
// groups the members hold positions at and are in.
type Network struct {
	Organisations []graph.Organisation
	Groups        []graph.Group
	Members       []graph.Profile
	Connections   [][2]string
	Settings      map[string]graph.SettingsChange
	Messages      []Message
	Memberships   [][2]string // [member, group]
	// Requests are messages sent once the memberships are in place, so that the messaging
	// rules send those between fellow group members as message requests.
	Requests []Message
}

// Message is a message one member sent another.
type Message struct {
	From string
	graph.Draft
}

// Demo is a small named cast around Jane Smith: from Jane, Alex, Priya, Tom and Emma are 1st
// degree; Maria (two mutual connections), David and Sofia 2nd; Lena and Omar 3rd; Noah four hops
// away; Zoe and Yuki know only each other. Jane is on the career plan; Maria, a recruiter, has
// sent her an InMail. Sofia has an open profile, Omar takes no InMail and Noah only from his
// network. Jane and Alex both work at Acme; Jane worked at Globex before, where Maria works now;
// Jane and Noah both studied at KTH; Jane, Maria and Priya are in the Engineering Leadership
// group, and Jane, Alex, Tom and David in Go Developers, where David has sent Jane a message
// request that waits for her answer. Rex, a growth marketer who knows nobody, sent the same InMail
// to Zoe, Yuki, Lena and Jane: as the fourth to get that body, Jane finds it in her Other box.
func Demo() Network {
	credits := func(n int) *int { return &n }
	plan := func(p graph.Plan) *graph.Plan { return &p }
	positions := func(ps ...graph.Position) *[]graph.Position { return &ps }
	until := func(year int) *int { return &year }
	on, off, network := true, graph.InMailOff, graph.InMailNetwork
	n := Network{
		Organisations: []graph.Organisation{
			{ID: "acme", Name: "Acme", Kind: graph.Company}, {ID: "globex", Name: "Globex", Kind: graph.Company},
			{ID: "initech", Name: "Initech", Kind: graph.Company}, {ID: "kth", Name: "KTH Royal Institute of Technology", Kind: graph.School},
		},
		Groups: []graph.Group{
			{ID: "eng-leaders", Name: "Engineering Leadership"}, {ID: "go-devs", Name: "Go Developers"},
			{ID: "photography", Name: "Photography"},
		},
		Memberships: [][2]string{
			{"jane", "eng-leaders"}, {"maria", "eng-leaders"}, {"priya", "eng-leaders"},
			{"jane", "go-devs"}, {"alex", "go-devs"}, {"tom", "go-devs"}, {"david", "go-devs"},
			{"zoe", "photography"}, {"yuki", "photography"}, {"emma", "photography"},
		},
		Members: []graph.Profile{
			{ID: "jane", Name: "Jane Smith", Headline: "Engineering Manager at Acme", Company: "Acme", Plan: plan(graph.PlanCareer), InMailCredits: credits(5)},
			{ID: "alex", Name: "Alex Chen", Headline: "Backend Engineer at Acme", Company: "Acme"},
			{ID: "priya", Name: "Priya Patel", Headline: "Product Manager at Globex", Company: "Globex"},
			{ID: "tom", Name: "Tom Müller", Headline: "Data Scientist at Initech", Company: "Initech"},
			{ID: "emma", Name: "Emma Rossi", Headline: "Designer at Umbrella", Company: "Umbrella"},
			{ID: "maria", Name: "Maria Garcia", Headline: "Recruiter at Globex", Company: "Globex", Plan: plan(graph.PlanRecruiterLite), InMailCredits: credits(30)},
			{ID: "david", Name: "David Kim", Headline: "SRE at Initech", Company: "Initech"},
			{ID: "sofia", Name: "Sofia Alves", Headline: "Founder at Stealth", Company: "Stealth"},
			{ID: "lena", Name: "Lena Novak", Headline: "Talent Partner at Hooli", Company: "Hooli"},
			{ID: "omar", Name: "Omar Haddad", Headline: "CTO at Piedpiper", Company: "Piedpiper"},
			{ID: "noah", Name: "Noah Berg", Headline: "Student at KTH", Company: ""},
			{ID: "zoe", Name: "Zoe Martin", Headline: "Photographer", Company: ""},
			{ID: "yuki", Name: "Yuki Tanaka", Headline: "Translator", Company: ""},
			{ID: "rex", Name: "Rex Morgan", Headline: "Growth at Leadflow", Company: "Leadflow", Plan: plan(graph.PlanSalesNavigator), InMailCredits: credits(50)},
		},
		Connections: [][2]string{
			{"jane", "alex"}, {"jane", "priya"}, {"jane", "tom"}, {"jane", "emma"},
			{"alex", "maria"}, {"priya", "maria"}, {"alex", "priya"},
			{"tom", "david"}, {"emma", "sofia"},
			{"maria", "lena"}, {"david", "omar"},
			{"lena", "noah"},
			{"zoe", "yuki"},
		},
		Settings: map[string]graph.SettingsChange{
			"sofia": {OpenProfile: &on},
			"omar":  {InMail: &off},
			"noah":  {InMail: &network},
		},
		Messages: append([]Message{
			{From: "maria", Draft: graph.Draft{To: "jane", Subject: "Engineering leadership role at Globex",
				Body: "Hi Jane, I lead engineering hiring at Globex and your work at Acme stood out. Would you be open to a short call next week about a Director of Engineering role?"}},
		}, blast("rex", "Triple your pipeline", "Leadflow triples your pipeline in 30 days. Book a demo this week and get 50% off.",
			"zoe", "yuki", "lena", "jane")...),
		Requests: []Message{
			{From: "david", Draft: graph.Draft{To: "jane", Subject: "Go Developers meetup",
				Body: "Hi Jane, I run the Go Developers meetups and would love to have you speak about how your team at Acme tests its services. Interested?"}},
		},
	}
	held := map[string]*[]graph.Position{
		"jane": positions(graph.Position{Org: "kth", Title: "MSc Computer Science", From: 2008, To: until(2012)},
			graph.Position{Org: "globex", Title: "Software Engineer", From: 2012, To: until(2019)},
			graph.Position{Org: "acme", Title: "Engineering Manager", From: 2019}),
		"alex":  positions(graph.Position{Org: "acme", Title: "Backend Engineer", From: 2021}),
		"maria": positions(graph.Position{Org: "globex", Title: "Recruiter", From: 2017}),
		"priya": positions(graph.Position{Org: "globex", Title: "Product Manager", From: 2020}),
		"tom":   positions(graph.Position{Org: "initech", Title: "Data Scientist", From: 2018}),
		"david": positions(graph.Position{Org: "initech", Title: "SRE", From: 2016}),
		"noah":  positions(graph.Position{Org: "kth", Title: "BSc Engineering Physics", From: 2023}),
	}
	for i, p := range n.Members {
		n.Members[i].Positions = held[p.ID]
	}
	return n
}

// blast is the same InMail from one member to each of some others, in order.
func blast(from, subject, body string, to ...string) []Message {
	out := make([]Message, len(to))
	for i, t := range to {
		out[i] = Message{From: from, Draft: graph.Draft{To: t, Subject: subject, Body: body}}
	}
	return out
}

// Store is what loading needs of the graph.
type Store interface {
	PutOrganisation(ctx context.Context, o graph.Organisation) (created bool, err error)
	PutGroup(ctx context.Context, g graph.Group) (created bool, err error)
	JoinGroup(ctx context.Context, member, group string) error
	PutMembers(ctx context.Context, profiles []graph.Profile) (created int, err error)
	ConnectAll(ctx context.Context, pairs [][2]string) error
	UpdateSettings(ctx context.Context, id string, change graph.SettingsChange) (graph.Member, error)
	Send(ctx context.Context, caller string, d graph.Draft, key string) (graph.Sent, error)
}

// batchSize is how many members or connections one load transaction writes.
const batchSize = 5000

// Load writes the network into the store: organisations and groups, then members (with their
// positions) and connections in batches, then settings, messages (sent through the messaging
// rules, each under an idempotency key so that loading the same network twice changes nothing),
// group memberships, and then the requests.
func Load(ctx context.Context, store Store, n Network) error {
	for _, o := range n.Organisations {
		if _, err := store.PutOrganisation(ctx, o); err != nil {
			return fmt.Errorf("seed organisation %s: %w", o.ID, err)
		}
	}
	for _, g := range n.Groups {
		if _, err := store.PutGroup(ctx, g); err != nil {
			return fmt.Errorf("seed group %s: %w", g.ID, err)
		}
	}
	for batch := range slices.Chunk(n.Members, batchSize) {
		if _, err := store.PutMembers(ctx, batch); err != nil {
			return fmt.Errorf("seed members: %w", err)
		}
	}
	for batch := range slices.Chunk(n.Connections, batchSize) {
		if err := store.ConnectAll(ctx, batch); err != nil {
			return fmt.Errorf("seed connections: %w", err)
		}
	}
	for _, id := range slices.Sorted(maps.Keys(n.Settings)) {
		if _, err := store.UpdateSettings(ctx, id, n.Settings[id]); err != nil {
			return fmt.Errorf("seed settings of %s: %w", id, err)
		}
	}
	for i, m := range n.Messages {
		if _, err := store.Send(ctx, m.From, m.Draft, fmt.Sprintf("seed-%d", i)); err != nil {
			return fmt.Errorf("seed message from %s to %s: %w", m.From, m.To, err)
		}
	}
	for _, m := range n.Memberships {
		if err := store.JoinGroup(ctx, m[0], m[1]); err != nil {
			return fmt.Errorf("seed %s in group %s: %w", m[0], m[1], err)
		}
	}
	for i, m := range n.Requests {
		if _, err := store.Send(ctx, m.From, m.Draft, fmt.Sprintf("seed-request-%d", i)); err != nil {
			return fmt.Errorf("seed message request from %s to %s: %w", m.From, m.To, err)
		}
	}
	return nil
}

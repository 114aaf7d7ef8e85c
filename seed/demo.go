// Package seed makes the networks reach is shown and tested with, as ordinary domain values, and
// loads them into the store.
package seed

import (
	"context"
	"fmt"

	"github.com/reach-network/reach/graph"
)

// Network is a set of members and the connections between them.
type Network struct {
	Members     []graph.Profile
	Connections [][2]string
}

// Demo is a small named cast around Jane Smith: from Jane, Alex, Priya, Tom and Emma are 1st
// degree; Maria (two mutual connections), David and Sofia 2nd; Lena and Omar 3rd; Noah four hops
// away; Zoe and Yuki know only each other.
func Demo() Network {
	credits := func(n int) *int { return &n }
	return Network{
		Members: []graph.Profile{
			{ID: "jane", Name: "Jane Smith", Headline: "Engineering Manager at Acme", Company: "Acme", InMailCredits: credits(5)},
			{ID: "alex", Name: "Alex Chen", Headline: "Backend Engineer at Acme", Company: "Acme"},
			{ID: "priya", Name: "Priya Patel", Headline: "Product Manager at Globex", Company: "Globex"},
			{ID: "tom", Name: "Tom Müller", Headline: "Data Scientist at Initech", Company: "Initech"},
			{ID: "emma", Name: "Emma Rossi", Headline: "Designer at Umbrella", Company: "Umbrella"},
			{ID: "maria", Name: "Maria Garcia", Headline: "Recruiter at Globex", Company: "Globex", InMailCredits: credits(3)},
			{ID: "david", Name: "David Kim", Headline: "SRE at Initech", Company: "Initech"},
			{ID: "sofia", Name: "Sofia Alves", Headline: "Founder at Stealth", Company: "Stealth"},
			{ID: "lena", Name: "Lena Novak", Headline: "Talent Partner at Hooli", Company: "Hooli"},
			{ID: "omar", Name: "Omar Haddad", Headline: "CTO at Piedpiper", Company: "Piedpiper"},
			{ID: "noah", Name: "Noah Berg", Headline: "Student at KTH", Company: ""},
			{ID: "zoe", Name: "Zoe Martin", Headline: "Photographer", Company: ""},
			{ID: "yuki", Name: "Yuki Tanaka", Headline: "Translator", Company: ""},
		},
		Connections: [][2]string{
			{"jane", "alex"}, {"jane", "priya"}, {"jane", "tom"}, {"jane", "emma"},
			{"alex", "maria"}, {"priya", "maria"}, {"alex", "priya"},
			{"tom", "david"}, {"emma", "sofia"},
			{"maria", "lena"}, {"david", "omar"},
			{"lena", "noah"},
			{"zoe", "yuki"},
		},
	}
}

// Store is what loading needs of the graph.
type Store interface {
	PutMember(ctx context.Context, p graph.Profile) (bool, error)
	Connect(ctx context.Context, a, b string) error
}

// Load writes the network into the store. Loading the same network twice changes nothing.
func Load(ctx context.Context, store Store, n Network) error {
	for _, m := range n.Members {
		if _, err := store.PutMember(ctx, m); err != nil {
			return fmt.Errorf("seed member %s: %w", m.ID, err)
		}
	}
	for _, c := range n.Connections {
		if err := store.Connect(ctx, c[0], c[1]); err != nil {
			return fmt.Errorf("seed connection %s-%s: %w", c[0], c[1], err)
		}
	}
	return nil
}

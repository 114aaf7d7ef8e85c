package neo4jstore

import (
	"fmt"
	"testing"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
	"github.com/reach-network/reach/graph"
	"github.com/reach-network/reach/graph/changelog"
)

// TestRehearsedAnswers checks which ends of a rehearsed request let the rehearsal count as done:
// any answer a member's request may get, a refusal by the members' settings included (the pair
// rehearsed is whichever connection Neo4j finds first), but not a failure of Neo4j, after which
// the statements may not be planned yet.
func TestRehearsedAnswers(t *testing.T) {
	for _, tc := range []struct {
		name string
		err  error
		want bool
	}{
		{"answered", nil, true},
		{"rolled back", fmt.Errorf("send: %w", changelog.ErrRehearsed), true},
		{"connections hidden", fmt.Errorf("Connections: %w", graph.Fail(graph.ErrForbidden, "member %q shows their connections to nobody else", "b")), true},
		{"refused", graph.Refusal(graph.ErrRefused, graph.ReasonNoCredits, "you have no InMail credits left"), true},
		{"rate limited", graph.Fail(graph.ErrRateLimited, "too many InMails today"), true},
		{"not found", graph.MemberNotFound("b"), true},
		{"Neo4j away", fmt.Errorf("Relation: %w", &graph.Error{Kind: graph.ErrUnavailable, Detail: "Neo4j did not answer"}), false},
		{"Neo4j failed", &neo4j.Neo4jError{Code: "Neo.TransientError.General.DatabaseUnavailable"}, false},
	} {
		if got := rehearsed(tc.err); got != tc.want {
			t.Errorf("%s: rehearsed(%v) = %v, want %v", tc.name, tc.err, got, tc.want)
		}
	}
}

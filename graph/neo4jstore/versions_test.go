package neo4jstore

import (
	"regexp"
	"strings"
	"testing"
)

// connectionWrites matches a statement that may add or remove a connection: one that creates or
// merges a CONNECTED_TO relationship, deletes a relationship bound to one, or detaches a member
// from all of theirs.
var connectionWrites = []*regexp.Regexp{
	regexp.MustCompile(`(?s)\b(MERGE|CREATE)\b[^;]*?:CONNECTED_TO\b`),
	regexp.MustCompile(`(?s)\((\w+)?\)-\[(\w+):CONNECTED_TO\][^;]*\bDELETE\b`),
	regexp.MustCompile(`\bDETACH\s+DELETE\b`),
}

// newVersion is the one way a statement may set a connections version: a fresh random number.
const newVersion = "toInteger(rand() * 9007199254740991)"

// notConnectionWrites match connectionWrites without changing a connection, each with the reason.
var notConnectionWrites = map[string]string{
	"AppendChange":  "only reads connections, to record the pair's state in the change log",
	"CloseMessages": "detaches only conversations and a FormerMember, which have no connections",
}

// TestConnectionWritersRenewVersions scans cypher/ for the statements that add or remove
// connections: each must give the members at both ends a new random connections version, and no
// statement may set one any other way. Cached connection lists (neighbours.go) are used only
// while their member's version is unchanged and never reused after a change, so a writer that
// left the version alone, or set it to a number used before, would let reach answer from a list
// that no longer holds.
func TestConnectionWritersRenewVersions(t *testing.T) {
	setVersion := regexp.MustCompile(`\.connectionsVersion\s*=\s*([^\n,]*)`)
	writers := 0
	for name, text := range cypherStatements(t) {
		for _, m := range setVersion.FindAllStringSubmatch(text, -1) {
			if !strings.HasPrefix(strings.TrimSpace(m[1]), newVersion) {
				t.Errorf("cypher/%s.cypher sets a connections version to %s, want %s", name, m[1], newVersion)
			}
		}
		if _, skip := notConnectionWrites[name]; skip || !matchesAny(connectionWrites, text) {
			continue
		}
		writers++
		t.Logf("cypher/%s.cypher adds or removes connections", name)
		if n := len(setVersion.FindAllString(text, -1)); n < 2 {
			t.Errorf("cypher/%s.cypher adds or removes connections but sets %d connections versions, want both ends'", name, n)
		}
	}
	if writers < 4 {
		t.Errorf("found %d statements that add or remove connections, want Connect, Disconnect, Block and ImportConnections at least", writers)
	}
}

func matchesAny(res []*regexp.Regexp, text string) bool {
	for _, re := range res {
		if re.MatchString(text) {
			return true
		}
	}
	return false
}

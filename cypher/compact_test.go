package cypher

import (
	"strings"
	"testing"
)

func TestCompact(t *testing.T) {
	for _, c := range []struct{ name, in, want string }{
		{"comments and indentation", "// What it does.\n// Cost: one seek.\nMATCH (m:Member {id: $id})\n  // why\n  RETURN m.id AS id // the id\n", "MATCH (m:Member {id: $id})\nRETURN m.id AS id"},
		{"a block comment", "MATCH /* all\nof them */ (m)\nRETURN m", "MATCH (m)\nRETURN m"},
		{"spaces in a line", "RETURN   1 +\t2", "RETURN 1 + 2"},
		{"strings kept whole", "RETURN 'http://x  y' AS a, \"//  z\" AS b", "RETURN 'http://x  y' AS a, \"//  z\" AS b"},
		{"escapes and doubled quotes", `RETURN 'it\'s // not' AS a, 'x''//y' AS b // gone`, `RETURN 'it\'s // not' AS a, 'x''//y' AS b`},
		{"quoted names", "RETURN 1 AS `a // b`, 2 AS `c``//d` // gone", "RETURN 1 AS `a // b`, 2 AS `c``//d`"},
		{"division", "RETURN 4 / 2 AS half", "RETURN 4 / 2 AS half"},
	} {
		if got := compact(c.in); got != c.want {
			t.Errorf("%s: compact(%q) = %q, want %q", c.name, c.in, got, c.want)
		}
	}
}

// TestStatementsAreCompact checks that what Neo4j receives keeps no comment of the files:
// every file's comment lines are gone from the statement read from it.
func TestStatementsAreCompact(t *testing.T) {
	for text, name := range names {
		if strings.Contains(text, "// ") || strings.HasPrefix(text, " ") || strings.Contains(text, "\n\n") {
			t.Errorf("%s is not compact:\n%s", name, text)
		}
	}
}

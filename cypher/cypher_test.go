package cypher

import (
	"io/fs"
	"strings"
	"testing"
)

// TestEveryStatementIsDocumented checks that each statement file starts with a comment saying
// what it answers, and that schema statements are idempotent.
func TestEveryStatementIsDocumented(t *testing.T) {
	names, err := fs.Glob(files, "*.cypher")
	if err != nil || len(names) == 0 {
		t.Fatalf("no statements embedded (%v)", err)
	}
	schema, _ := fs.Glob(files, "schema/*.cypher")
	for _, name := range append(names, schema...) {
		text := strings.TrimSpace(source(name))
		if !strings.HasPrefix(text, "//") {
			t.Errorf("%s does not start with a comment", name)
		}
		if base := strings.TrimSuffix(name, ".cypher"); !strings.HasPrefix(name, "schema/") &&
			!strings.HasPrefix(text, "// "+base+" ") {
			t.Errorf("%s: its comment should start with the statement's name, %q", name, base)
		}
	}
	for _, stmt := range Schema() {
		if !strings.Contains(stmt, "IF NOT EXISTS") && !strings.Contains(stmt, "DROP CONSTRAINT") || strings.Contains(stmt, "DROP") && !strings.Contains(stmt, "IF EXISTS") {
			t.Errorf("schema statement is not idempotent:\n%s", stmt)
		}
	}
}

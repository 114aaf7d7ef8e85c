package baseline

import (
	"io/fs"
	"path"
	"strings"
	"testing"
)

// TestEveryStatementIsDocumented checks that each statement file starts with a comment naming the
// statement and saying what it answers, as cypher/ requires of the service's.
func TestEveryStatementIsDocumented(t *testing.T) {
	names, err := fs.Glob(files, "cypher/*.cypher")
	if err != nil || len(names) == 0 {
		t.Fatalf("no statements embedded (%v)", err)
	}
	for _, name := range names {
		base := strings.TrimSuffix(path.Base(name), ".cypher")
		if text := load(base); !strings.HasPrefix(text, "// "+base+" ") {
			t.Errorf("%s: it should start with a comment naming the statement, %q", name, base)
		}
	}
}

package graph_test

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

const module = "github.com/reach-network/reach/"

// layers ranks the packages under graph/: each may import only packages of a lower rank
// (docs/architecture.md).
var layers = map[string]int{
	"graph": 0, "graph/bolt": 1, "graph/projection": 1, "graph/changelog": 2, "graph/neo4jstore": 3, "graph/answer": 4,
}

// goList returns, for each package matching pattern, what go list prints with format.
func goList(t *testing.T, format string, patterns ...string) map[string][]string {
	t.Helper()
	out, err := exec.Command("go", append([]string{"list", "-f", "{{.ImportPath}} " + format}, patterns...)...).Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	got := map[string][]string{}
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		fields := strings.Fields(line)
		got[strings.TrimPrefix(fields[0], module)] = fields[1:]
	}
	return got
}

// TestImportsPointDown fails when a package under graph/ imports one of its own rank or above,
// or anything of the API, the seed or the benchmarks.
func TestImportsPointDown(t *testing.T) {
	for pkg, imports := range goList(t, `{{join .Imports " "}}`, "../graph/...") {
		rank, ok := layers[pkg]
		if !ok {
			t.Errorf("%s is not ranked in layers: add it, and to docs/architecture.md", pkg)
			continue
		}
		for _, imp := range imports {
			imp, ours := strings.CutPrefix(imp, module)
			if !ours {
				continue
			}
			if r, ranked := layers[imp]; ranked && r >= rank {
				t.Errorf("%s imports %s, which is not below it", pkg, imp)
			} else if !ranked && imp != "cypher" {
				t.Errorf("%s imports %s, outside the graph", pkg, imp)
			}
		}
	}
}

// TestDomainDoesNoIO fails when the domain package, or the projection, depends on the driver, the
// HTTP stack or a database client, however indirectly.
func TestDomainDoesNoIO(t *testing.T) {
	forbidden := []string{"github.com/neo4j/", "github.com/labstack/echo", "github.com/jackc/pgx", "net/http"}
	for pkg, deps := range goList(t, `{{join .Deps " "}}`, "../graph", "../graph/projection") {
		for _, dep := range deps {
			for _, f := range forbidden {
				if strings.HasPrefix(dep, f) {
					t.Errorf("%s depends on %s", pkg, dep)
				}
			}
		}
	}
}

// TestServiceLeavesBenchOut fails when the service binary depends on code of the benchmarks.
func TestServiceLeavesBenchOut(t *testing.T) {
	for pkg, deps := range goList(t, `{{join .Deps " "}}`, "../cmd/reach", "../api") {
		for _, dep := range deps {
			if strings.HasPrefix(dep, module+"bench") {
				t.Errorf("%s depends on %s", pkg, dep)
			}
		}
	}
}

// TestServiceEmbedsNoBenchStatement fails when a file the service binary embeds is one of the
// benchmark's statements (bench/baseline/cypher), by name or by text.
func TestServiceEmbedsNoBenchStatement(t *testing.T) {
	bench, err := filepath.Glob("../bench/baseline/cypher/*.cypher")
	if err != nil || len(bench) == 0 {
		t.Fatalf("no benchmark statements found (%v)", err)
	}
	names, texts := map[string]bool{}, map[string]string{}
	for _, f := range bench {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		names[filepath.Base(f)] = true
		texts[string(bytes.TrimSpace(b))] = filepath.Base(f)
	}
	out, err := exec.Command("go", "list", "-deps", "-f", `{{.ImportPath}} {{.Dir}} {{join .EmbedFiles " "}}`, "../cmd/reach").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	embedded := 0
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		fields := strings.Fields(line)
		if len(fields) < 3 || !strings.HasPrefix(fields[0], module) {
			continue
		}
		for _, f := range fields[2:] {
			embedded++
			b, err := os.ReadFile(filepath.Join(fields[1], f))
			if err != nil {
				t.Fatal(err)
			}
			if names[filepath.Base(f)] {
				t.Errorf("%s embeds %s, a benchmark statement's name", fields[0], f)
			}
			if bench, ok := texts[string(bytes.TrimSpace(b))]; ok {
				t.Errorf("%s embeds %s, the text of the benchmark's %s", fields[0], f, bench)
			}
		}
	}
	if embedded == 0 {
		t.Error("the service embeds no file: go list did not say what it embeds")
	}
}

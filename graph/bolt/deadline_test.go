package bolt_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"strings"
	"testing"
)

// TestEveryTransactionTakesTheDeadline fails when code under graph/ begins a transaction (a
// session's auto-commit Run, BeginTransaction, ExecuteWrite or ExecuteRead) without giving Neo4j
// the request's deadline as its timeout (bolt.WithDeadline): a request that gave up would leave
// its statement running in Neo4j, holding its locks, with nobody waiting for it.
func TestEveryTransactionTakesTheDeadline(t *testing.T) {
	fset := token.NewFileSet()
	checked := 0
	err := filepath.WalkDir("..", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return err
		}
		file, err := parser.ParseFile(fset, path, nil, 0)
		if err != nil {
			return err
		}
		ast.Inspect(file, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok || !beginsTransaction(call) {
				return true
			}
			checked++
			if !passesDeadline(call) {
				t.Errorf("%s begins a transaction without WithDeadline(ctx)", fset.Position(call.Pos()))
			}
			return true
		})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if checked == 0 {
		t.Fatal("no transaction found under graph/: the scan looks in the wrong place")
	}
}

// beginsTransaction tells whether call begins a transaction of its own: session.Run,
// BeginTransaction, neo4j.ExecuteWrite or neo4j.ExecuteRead (a statement run in a transaction,
// tx.Run, has no timeout of its own).
func beginsTransaction(call *ast.CallExpr) bool {
	sel, ok := call.Fun.(*ast.SelectorExpr)
	if !ok {
		return false
	}
	recv, _ := sel.X.(*ast.Ident)
	switch sel.Sel.Name {
	case "BeginTransaction":
		return true
	case "ExecuteWrite", "ExecuteRead":
		return recv != nil && recv.Name == "neo4j"
	case "Run":
		return recv != nil && strings.Contains(strings.ToLower(recv.Name), "session")
	}
	return false
}

// passesDeadline tells whether one of call's arguments is WithDeadline(...)...
func passesDeadline(call *ast.CallExpr) bool {
	if !call.Ellipsis.IsValid() {
		return false
	}
	last, ok := call.Args[len(call.Args)-1].(*ast.CallExpr)
	if !ok {
		return false
	}
	switch fn := last.Fun.(type) {
	case *ast.Ident:
		return fn.Name == "WithDeadline"
	case *ast.SelectorExpr:
		return fn.Sel.Name == "WithDeadline"
	}
	return false
}

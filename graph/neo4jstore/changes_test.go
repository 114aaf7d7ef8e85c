package neo4jstore

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// projectionWrites matches what a statement may write of the state the projection holds: the
// relationships it keeps (connections, blocks, messages, declines, positions, group
// memberships, the sides of conversations that hold the pair's messaging facts), the member properties the messaging decision reads, a member's name and
// headline, what a conversation page shows of a member's side (its box, unread count, archived,
// muted, activity, last message, and whether that was read) (mutual-connections pages show them from memory), members, organisations and groups
// themselves, or an organisation's or group's name or kind. A SET clause is read on from its
// line to the lines after one that ends with a comma, where its next items are.
var projectionWrites = []*regexp.Regexp{
	regexp.MustCompile(`(?s)\b(MERGE|CREATE)\b[^;]*?:(CONNECTED_TO|BLOCKED|MESSAGED|DECLINED|HELD|MEMBER_OF|IN)\b`),
	regexp.MustCompile(`\b(MERGE|CREATE)\s*\(\w*:(Organisation|Group)\b`),
	regexp.MustCompile(`(?s)\bDELETE\b`),
	setsAny("name", "headline", "kind", "inmail", "openProfile", "restricted", "plan", "inmailCredits", "planGrantedAt",
		"messageRequests", "requestsMonth", "requestsSent", "status", "wrote", "pending", "accepted",
		"unread", "filed", "archived", "muted", "activity", "lastId", "readAt"),
	regexp.MustCompile(`\bSET\s+\w+\s*\+?=`), // a whole node's or relationship's properties at once
	regexp.MustCompile(`\b(MERGE|CREATE)\s*\(\w*:Member\b`),
}

// setsAny matches a SET clause that assigns any of the properties named.
func setsAny(properties ...string) *regexp.Regexp {
	return regexp.MustCompile(`\bSET\b(?:[^\n]*,[ \t]*\n)*[^\n]*\.(` + strings.Join(properties, "|") + `)\s*=`)
}

// notProjected are statements that match projectionWrites but change nothing the projection
// holds, each with the reason.
var notProjected = map[string]string{
	"DeleteInvitation":  "deletes an invitation; invitations are not projected",
	"AppendChange":      "is the change log itself",
	"PruneChanges":      "prunes the change log itself",
	"ImportInvitations": "creates invitations only",
	"RebuildConversations": "runs only in writes that record their change elsewhere: an import's reload (importRows), " +
		"the schema's backfill, which ends with a reload (backfillConversations), and a close, which records the member absent",
}

// TestEveryProjectedWriteIsLogged scans cypher/ for the statements that write what replicas keep
// in memory, and graph's code for the functions that run them: each such function must record
// its changes (touch, touchPair, touchSide, touchPairs, touchAll, touchOrganisation, touchGroup, or ImportBatch, whose
// import's end records them), itself or through a function it calls,
// so that no write escapes the change log and leaves replicas' projections behind.
func TestEveryProjectedWriteIsLogged(t *testing.T) {
	writers := projectedStatements(t)
	if len(writers) < 10 {
		t.Fatalf("found only %d statements writing projected state: %v", len(writers), writers)
	}
	calls, refs := graphFunctions(t)
	logs := callers(calls, "Touch", "TouchPair", "TouchSide", "touchPairs", "TouchAll", "TouchOrganisation", "TouchGroup", "ImportBatch")
	for _, stmt := range writers {
		runners := refs[stmt]
		if len(runners) == 0 {
			t.Errorf("cypher/%s.cypher writes projected state but no function of graph runs it", stmt)
		}
		for _, fn := range runners {
			if _, reads := readOnlyRuns[fn][stmt]; !logs[fn] && !reads {
				t.Errorf("%s runs cypher/%s.cypher, which writes projected state, without recording the change (touch...)", fn, stmt)
			}
		}
	}
}

// callers are the functions that call any of seeds, through any call chain, and seeds themselves.
func callers(calls map[string][]string, seeds ...string) map[string]bool {
	out := map[string]bool{}
	for _, s := range seeds {
		out[s] = true
	}
	for changed := true; changed; {
		changed = false
		for fn, callees := range calls {
			for _, c := range callees {
				if out[c] && !out[fn] {
					out[fn], changed = true, true
				}
			}
		}
	}
	return out
}

// toldStatements are the statements whose writes concern a member's event streams (graph.Event):
// a message sent, an InMail or request declined or accepted, an invitation, a change to one's side
// of a conversation (for one's other devices), an account closed (its streams end). An invitation's acceptance connects the two
// through connect, which an administrator's connection runs too, without an event:
// TestEventsTellWhoIsConcerned (integration) checks it.
var toldStatements = []string{"SendMessage", "DeclineMessage", "AcceptRequest", "CreateInvitation", "UpdateConversation", "CloseMember"}

// TestEveryToldWriteTells checks that every function of graph that runs one of toldStatements
// records the write's events in its change (changelog.Tell), itself or through a function it
// calls, so that every replica tells the streams of the members concerned, whichever replica made
// the write.
func TestEveryToldWriteTells(t *testing.T) {
	calls, refs := graphFunctions(t)
	tells := callers(calls, "Tell")
	for _, stmt := range toldStatements {
		if len(refs[stmt]) == 0 {
			t.Errorf("no function of graph runs cypher/%s.cypher", stmt)
		}
		for _, fn := range refs[stmt] {
			if !tells[fn] {
				t.Errorf("%s runs cypher/%s.cypher, which members' streams hear of, without recording its events (changelog.Tell)", fn, stmt)
			}
		}
	}
}

// cypherStatements returns the text of every statement in cypher/, by name, without comments.
func cypherStatements(t *testing.T) map[string]string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join("..", "..", "cypher", "*.cypher"))
	if err != nil {
		t.Fatal(err)
	}
	comment := regexp.MustCompile(`(?m)//.*$`)
	out := make(map[string]string, len(files))
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		out[strings.TrimSuffix(filepath.Base(f), ".cypher")] = comment.ReplaceAllString(string(data), "")
	}
	return out
}

// projectedStatements names the statements of cypher/ that match projectionWrites, leaving out
// notProjected and those that only take locks.
func projectedStatements(t *testing.T) []string {
	t.Helper()
	var out []string
	for name, text := range cypherStatements(t) {
		if _, skip := notProjected[name]; skip || strings.HasPrefix(name, "Lock") {
			continue
		}
		for _, re := range projectionWrites {
			if re.MatchString(text) {
				out = append(out, name)
				break
			}
		}
	}
	return out
}

// composedOf names the statements of cypher/ that a statement composed of several (cypher.go)
// runs, where they write: a function naming the composed one runs them.
var composedOf = map[string][]string{
	"GuardedSend": {"SendMessage"}, "DeleteMessage": {"RefileSide"}, "DeclineMessage": {"RefileSide"},
}

// readOnlyRuns are functions that run a statement that may write projected state with parameters
// under which it writes nothing, each with the reason.
var readOnlyRuns = map[string]map[string]string{
	"messageInTx": {"Message": "runs it with $markRead false: it reads the message without marking it read"},
}

// graphFunctions parses graph's code: for each function, the functions it calls, and for each
// statement (cypher.X), the functions that name it.
func graphFunctions(t *testing.T) (calls map[string][]string, refs map[string][]string) {
	t.Helper()
	calls, refs = map[string][]string{}, map[string][]string{}
	fset := token.NewFileSet()
	names, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range names {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		file, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, decl := range file.Decls {
			fn, ok := decl.(*ast.FuncDecl)
			if !ok || fn.Body == nil {
				continue
			}
			name := fn.Name.Name
			ast.Inspect(fn.Body, func(n ast.Node) bool {
				switch x := n.(type) {
				case *ast.CallExpr:
					switch f := x.Fun.(type) {
					case *ast.Ident:
						calls[name] = append(calls[name], f.Name)
					case *ast.SelectorExpr:
						calls[name] = append(calls[name], f.Sel.Name)
					case *ast.IndexExpr: // generic calls, write[T](...)
						if id, ok := f.X.(*ast.Ident); ok {
							calls[name] = append(calls[name], id.Name)
						}
					}
				case *ast.SelectorExpr:
					if pkg, ok := x.X.(*ast.Ident); ok && pkg.Name == "cypher" {
						refs[x.Sel.Name] = append(refs[x.Sel.Name], name)
						for _, part := range composedOf[x.Sel.Name] {
							refs[part] = append(refs[part], name)
						}
					}
				}
				return true
			})
		}
	}
	return calls, refs
}

// logStatements are the statements that write the change log itself: its node, its shards' heads
// and its changes. Only graph/changelog runs them, in changelog.Write or a load, so that every
// change is numbered under its shards' locks.
var logStatements = map[string]bool{"AppendChange": true, "EnsureChangeLog": true, "PruneChanges": true,
	"MarkImport": true, "EndImport": true}

// TestOnlyTheLogWritesTheLog scans cypher/ for statements that write the change log's nodes
// (ChangeLog, LogHead, Change) and fails for any but logStatements, and for any of those that a
// function of the store runs itself rather than through graph/changelog.
func TestOnlyTheLogWritesTheLog(t *testing.T) {
	logWrite := regexp.MustCompile(`(?s)\b(MERGE|CREATE|MATCH)\b[^;]*?:(ChangeLog|LogHead|Change)\b[^;]*?\b(SET|DELETE|CREATE|MERGE|REMOVE)\b`)
	found := 0
	for name, text := range cypherStatements(t) {
		if !logWrite.MatchString(text) {
			continue
		}
		found++
		if !logStatements[name] {
			t.Errorf("cypher/%s.cypher writes the change log; only graph/changelog's statements may", name)
		}
	}
	if found < len(logStatements) {
		t.Errorf("found %d statements writing the change log, want at least %d", found, len(logStatements))
	}
	_, refs := graphFunctions(t)
	for stmt := range logStatements {
		for _, fn := range refs[stmt] {
			t.Errorf("%s runs cypher/%s.cypher, which writes the change log outside graph/changelog", fn, stmt)
		}
	}
}

package integration

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
	"github.com/reach-network/reach/cypher"
)

// TestEveryStatementCompiles has Neo4j plan (EXPLAIN, which runs nothing) every statement of
// cypher/, and the compositions a write sends with the change log's append, so that a statement
// Neo4j refuses fails here under its own name rather than as a 500 in whichever test reaches it
// first.
func TestEveryStatementCompiles(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("..", "cypher", "*.cypher"))
	if err != nil || len(files) < 50 {
		t.Fatalf("found %d statements (%v)", len(files), err)
	}
	statements := map[string]string{}
	for _, f := range files {
		text, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		statements[strings.TrimSuffix(filepath.Base(f), ".cypher")] = string(text)
	}
	// Parts of compositions compile only as parts: the compositions stand for them.
	for _, part := range []string{"LockPair", "SendGuard", "MutualPage", "MutualConnections", "CachedMutualConnections", "RefileSide"} {
		delete(statements, part)
	}
	if composed, ok := cypher.AppendedTo(cypher.SendMessage); ok {
		statements["SendMessageAndAppendChange"] = composed
	}
	if composed, ok := cypher.AppendedTo(cypher.GuardedSend); ok {
		statements["GuardedSendAndAppendChange"] = composed
	}
	statements["LockedRelations"] = cypher.LockedRelations
	statements["MutualConnections"] = cypher.MutualConnections
	statements["CachedMutualConnections"] = cypher.CachedMutualConnections
	statements["DeclineMessage"] = cypher.DeclineMessage
	statements["DeleteMessage"] = cypher.DeleteMessage
	for name, text := range statements {
		_, err := neo4j.ExecuteQuery(context.Background(), env.store.DB().Driver, "EXPLAIN "+text, nil,
			neo4j.EagerResultTransformer, neo4j.ExecuteQueryWithReadersRouting())
		if err != nil {
			t.Errorf("cypher/%s: %v", name, err)
		}
	}
}

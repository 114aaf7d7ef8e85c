package baseline

import (
	"embed"
	"fmt"
	"strings"
)

// The statements only the benchmark runs, one per file in cypher/, embedded here so that the
// service binary carries none of them. Traces name them "statement": cypher.Name knows only the
// service's.
//
//go:embed cypher/*.cypher
var files embed.FS

// The baseline's statements (how a team without reach would answer the same questions, one
// concern per query), the sampling the benchmark draws pairs with, and the export for the peer.
var (
	baselineBlocked     = load("BaselineBlocked")
	baselineDegree      = load("BaselineDegree")
	baselineMutualCount = load("BaselineMutualCount")
	baselineMutualPage  = load("BaselineMutualPage")
	baselineSettings    = load("BaselineSettings")
	baselineSender      = load("BaselineSender")
	baselineHistory     = load("BaselineHistory")
	sampleMembers       = load("SampleMembers")
	topConnected        = load("TopConnected")
	largestMailboxes    = load("LargestMailboxes")
	medianMailboxes     = load("MedianMailboxes")
	randomNeighbor      = load("RandomNeighbor")
	neo4jMemory         = load("Neo4jMemory")
	graphSize           = load("GraphSize")
	exportNetwork       = load("ExportNetwork")
)

// load reads the embedded statement cypher/name.cypher. A missing file is a build mistake, caught
// by the package test.
func load(name string) string {
	b, err := files.ReadFile("cypher/" + name + ".cypher")
	if err != nil {
		panic(fmt.Sprintf("baseline: %v", err))
	}
	return strings.TrimSpace(string(b))
}

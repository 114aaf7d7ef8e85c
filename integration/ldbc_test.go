package integration

import (
	"bytes"
	"cmp"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/reach-network/reach/api"
)

// The LDBC SNB tiny network is an outside check: nobody on the project wrote it. The test loads it
// through the API and compares reach's answers with a breadth-first search over the same files.

const (
	ldbcWorkers       = 4   // requests in flight at once
	ldbcMaxMismatches = 20  // mismatches shown per subtest; the rest are only counted
	ldbcMinPerClass   = 120 // reachability pairs each distance class gets at least
	ldbcMinSelf       = 20  // self pairs checked at least
	ldbcPathsPerClass = 60  // path requests per distance class (self: a sixth of that)
	ldbcPageLimit     = 7   // page size when paging through mutual connections
)

// Distance classes of an ordered pair of members.
const (
	ldbcSelf = iota
	ldbcFirst
	ldbcSecond
	ldbcThird
	ldbcBeyond      // connected, but more than 3 hops apart
	ldbcUnconnected // in different components
	ldbcClasses
)

var ldbcClassNames = [ldbcClasses]string{"self", "1st", "2nd", "3rd", "beyond 3 hops", "unconnected"}

// ldbcREADME is what the dataset's README counts: members, connections, and ordered pairs of
// distinct members per distance class.
var ldbcREADME = struct {
	members, connections int
	pairs                [ldbcClasses]int
}{222, 825, [ldbcClasses]int{0, 1650, 14010, 16008, 2004, 15390}}

func TestLDBCOutsideCheck(t *testing.T) {
	start := time.Now()
	dir := ldbcDir(t)
	net := readLDBC(t, dir)
	net.checkREADME(t)

	id := ids(t)
	prefix := id("")
	c := newLDBCClient(t)
	c.load(t, net, id)
	loaded := time.Now()
	t.Logf("loaded %d members and %d connections through the API in %s",
		len(net.ids), len(net.connections), loaded.Sub(start).Round(time.Millisecond))

	tokens := make([]string, len(net.ids))
	for i, ldbcID := range net.ids {
		tok, err := api.IssueToken(testSecret, id(ldbcID), false, time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		tokens[i] = tok
	}
	affiliations := readLDBCAffiliations(t, dir, net)
	orgID := func(ldbcID string) string { return id("org" + ldbcID) }
	groupID := func(ldbcID string) string { return id("forum" + ldbcID) }
	c.loadAffiliations(t, net, affiliations, id, orgID, groupID)
	rng := rand.New(rand.NewPCG(13, 2010))
	sources, unknown := net.sources(t, filepath.Join(dir, "interactive_13_param.txt"))
	for _, s := range sources {
		t.Logf("source %s (%s): %d connections", net.ids[s], net.names[s], len(net.adj[s]))
	}
	pairs := net.choosePairs(sources, rng)
	calls := 0

	t.Run("Reachability", func(t *testing.T) {
		report := &ldbcReport{t: t}
		defer report.close()
		reqs := make([]ldbcRequest, len(pairs))
		for i, p := range pairs {
			reqs[i] = ldbcRequest{method: http.MethodGet, path: "/v1/members/" + id(net.ids[p.to]) + "/reachability", token: tokens[p.from]}
		}
		answers := c.run(reqs)
		calls += len(reqs)
		var checked [ldbcClasses]int
		for i, a := range answers {
			p := pairs[i]
			checked[net.class(p.from, p.to)]++
			if err := a.failure(http.StatusOK); err != nil {
				report.errorf("reachability %s: %v", net.describe(p), err)
				continue
			}
			var got reach
			if err := json.Unmarshal(a.body, &got); err != nil {
				report.errorf("reachability %s: decode %s: %v", net.describe(p), a.body, err)
				continue
			}
			want := net.wantReach(p)
			if !sameReach(got, want) {
				report.errorf("reachability %s: got degree %v label %q mutualCount %d; want degree %v label %q mutualCount %d",
					net.describe(p), deref(got.Degree), got.Label, got.MutualCount, deref(want.Degree), want.Label, want.MutualCount)
			}
		}
		t.Logf("reachability pairs checked per distance: %s", ldbcCounts(checked))
	})

	t.Run("Shared", func(t *testing.T) {
		// Default reads may lag up to the staleness bound behind the load just made.
		time.Sleep(1500 * time.Millisecond)
		c.checkShared(t, net, affiliations, tokens, id, orgID, groupID)
	})

	t.Run("UnknownQueryParamsNotFound", func(t *testing.T) {
		// interactive_13_param.txt names persons the tiny network does not have; asking about
		// one is asking about a member that does not exist.
		if len(unknown) == 0 {
			return
		}
		reqs := make([]ldbcRequest, len(unknown))
		for i, u := range unknown {
			reqs[i] = ldbcRequest{method: http.MethodGet, path: "/v1/members/" + id(u) + "/reachability", token: tokens[sources[0]]}
		}
		calls += len(reqs)
		for i, a := range c.run(reqs) {
			if err := a.problem(http.StatusNotFound); err != nil {
				t.Errorf("reachability of unknown person %s: %v", unknown[i], err)
			}
		}
	})

	t.Run("Path", func(t *testing.T) {
		report := &ldbcReport{t: t}
		defer report.close()
		chosen := net.pathPairs(pairs, rng)
		reqs := make([]ldbcRequest, len(chosen))
		for i, p := range chosen {
			reqs[i] = ldbcRequest{method: http.MethodGet, path: "/v1/members/" + id(net.ids[p.to]) + "/path", token: tokens[p.from]}
		}
		answers := c.run(reqs)
		calls += len(reqs)
		var checked [ldbcClasses]int
		for i, a := range answers {
			p := chosen[i]
			class := net.class(p.from, p.to)
			checked[class]++
			if class == ldbcBeyond || class == ldbcUnconnected {
				if err := a.problem(http.StatusNotFound); err != nil {
					report.errorf("path %s: %v", net.describe(p), err)
				}
				continue
			}
			if err := a.failure(http.StatusOK); err != nil {
				report.errorf("path %s: %v", net.describe(p), err)
				continue
			}
			var got struct {
				Path []struct {
					ID   string `json:"id"`
					Name string `json:"name"`
				} `json:"path"`
			}
			if err := json.Unmarshal(a.body, &got); err != nil {
				report.errorf("path %s: decode %s: %v", net.describe(p), a.body, err)
				continue
			}
			steps := make([]int, 0, len(got.Path))
			bad := ""
			for _, s := range got.Path {
				m, ok := net.member(prefix, s.ID)
				switch {
				case !ok:
					bad = fmt.Sprintf("step %q is not an LDBC person of this test", s.ID)
				case s.Name != net.names[m]:
					bad = fmt.Sprintf("step %s is named %q, want %q", s.ID, s.Name, net.names[m])
				}
				if bad != "" {
					break
				}
				steps = append(steps, m)
			}
			if bad == "" {
				bad = net.checkPath(p, steps)
			}
			if bad != "" {
				report.errorf("path %s: %s; got %s", net.describe(p), bad, a.body)
			}
		}
		t.Logf("path pairs checked per distance: %s", ldbcCounts(checked))
	})

	t.Run("MutualConnections", func(t *testing.T) {
		report := &ldbcReport{t: t}
		defer report.close()
		chosen := net.mutualPairs(pairs, rng)
		answers := make([]ldbcMutualAnswer, len(chosen))
		ldbcParallel(len(chosen), func(i int) {
			p := chosen[i]
			answers[i] = c.mutualPages(tokens[p.from], "/v1/members/"+id(net.ids[p.to])+"/mutual-connections")
		})
		var checked [ldbcClasses]int
		pages, several, sameNames := 0, 0, 0
		for i, a := range answers {
			p := chosen[i]
			checked[net.class(p.from, p.to)]++
			pages += a.pages
			if a.pages > 1 {
				several++
			}
			if net.sharedName(p) {
				sameNames++
			}
			if a.err != nil {
				report.errorf("mutual connections %s: %v", net.describe(p), a.err)
				continue
			}
			if bad := net.checkMutual(p, prefix, a); bad != "" {
				report.errorf("mutual connections %s (limit %d, %d pages): %s", net.describe(p), ldbcPageLimit, a.pages, bad)
			}
		}
		calls += pages
		t.Logf("mutual-connection pairs paged through per distance: %s; %d pages, %d pairs on more than one, %d sharing two connections of the same name",
			ldbcCounts(checked), pages, several, sameNames)
	})

	t.Logf("%d API calls checked answers in %s; %s in all",
		calls, time.Since(loaded).Round(time.Millisecond), time.Since(start).Round(time.Millisecond))
}

// ldbcDir is where the dataset lies: REACH_LDBC_DIR when set, else shared/ldbc-snb-tiny beside the
// repository. Its absence fails the test: the folder is always there beside a clone.
func ldbcDir(t *testing.T) string {
	t.Helper()
	dir := os.Getenv("REACH_LDBC_DIR")
	if dir == "" {
		dir = filepath.Join("..", "..", "shared", "ldbc-snb-tiny")
	}
	if _, err := os.Stat(filepath.Join(dir, "person_0_0.csv")); err != nil {
		t.Fatalf("LDBC SNB tiny dataset not found: %v (it lies in shared/ldbc-snb-tiny beside the repository; set REACH_LDBC_DIR to read it elsewhere)", err)
	}
	return dir
}

// readPSV reads a pipe-separated file with a header row and returns its rows, each with as many
// fields as the header.
func readPSV(t *testing.T, path string) [][]string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.ReplaceAll(string(data), "\r\n", "\n"), "\n")
	header := strings.Split(lines[0], "|")
	var rows [][]string
	for n, line := range lines[1:] {
		if line == "" {
			continue
		}
		fields := strings.Split(line, "|")
		if len(fields) != len(header) {
			t.Fatalf("%s line %d: %d fields, the header has %d", path, n+2, len(fields), len(header))
		}
		rows = append(rows, fields)
	}
	return rows
}

// ldbcNetwork is the dataset as the test computes it, independently of reach. Members are
// numbered in the order of person_0_0.csv.
type ldbcNetwork struct {
	ids         []string       // LDBC person ids
	names       []string       // firstName + " " + lastName
	index       map[string]int // LDBC person id to number
	adj         [][]int        // each member's connections, ascending
	edge        map[[2]int]bool
	connections [][2]int // as listed in person_knows_person_0_0.csv
	dist        [][]int  // hops between two members, -1 when not connected at all
}

// readLDBC reads members and connections from dir and computes every distance by breadth-first
// search.
func readLDBC(t *testing.T, dir string) *ldbcNetwork {
	t.Helper()
	n := &ldbcNetwork{index: map[string]int{}, edge: map[[2]int]bool{}}
	for _, p := range readPSV(t, filepath.Join(dir, "person_0_0.csv")) {
		if _, dup := n.index[p[0]]; dup {
			t.Fatalf("person %s is listed twice", p[0])
		}
		n.index[p[0]] = len(n.ids)
		n.ids = append(n.ids, p[0])
		n.names = append(n.names, p[1]+" "+p[2])
	}
	n.adj = make([][]int, len(n.ids))
	for _, k := range readPSV(t, filepath.Join(dir, "person_knows_person_0_0.csv")) {
		a, okA := n.index[k[0]]
		b, okB := n.index[k[1]]
		switch {
		case !okA || !okB:
			t.Fatalf("connection %s-%s names a person not in person_0_0.csv", k[0], k[1])
		case a == b:
			t.Fatalf("person %s knows themselves", k[0])
		case n.edge[[2]int{a, b}]:
			t.Fatalf("connection %s-%s is listed twice", k[0], k[1])
		}
		n.edge[[2]int{a, b}], n.edge[[2]int{b, a}] = true, true
		n.connections = append(n.connections, [2]int{a, b})
		n.adj[a] = append(n.adj[a], b)
		n.adj[b] = append(n.adj[b], a)
	}
	for _, a := range n.adj {
		slices.Sort(a)
	}
	n.dist = make([][]int, len(n.ids))
	for s := range n.ids {
		d := make([]int, len(n.ids))
		for i := range d {
			d[i] = -1
		}
		d[s] = 0
		queue := []int{s}
		for len(queue) > 0 {
			x := queue[0]
			queue = queue[1:]
			for _, y := range n.adj[x] {
				if d[y] < 0 {
					d[y] = d[x] + 1
					queue = append(queue, y)
				}
			}
		}
		n.dist[s] = d
	}
	return n
}

// checkREADME fails the test unless the files and the search agree with the README's counts.
func (n *ldbcNetwork) checkREADME(t *testing.T) {
	t.Helper()
	var got [ldbcClasses]int
	for a := range n.ids {
		for b := range n.ids {
			if a != b {
				got[n.class(a, b)]++
			}
		}
	}
	if len(n.ids) != ldbcREADME.members || len(n.connections) != ldbcREADME.connections || got != ldbcREADME.pairs {
		t.Fatalf("dataset disagrees with its README: %d members, %d connections, ordered pairs %s; README: %d, %d, %s",
			len(n.ids), len(n.connections), ldbcCounts(got),
			ldbcREADME.members, ldbcREADME.connections, ldbcCounts(ldbcREADME.pairs))
	}
}

type ldbcPair struct{ from, to int }

func (n *ldbcNetwork) class(a, b int) int {
	switch d := n.dist[a][b]; {
	case d < 0:
		return ldbcUnconnected
	case d > 3:
		return ldbcBeyond
	default:
		return d
	}
}

// mutual is the members both a and b are connected to, ascending; none for a member and themselves.
func (n *ldbcNetwork) mutual(a, b int) []int {
	if a == b {
		return nil
	}
	var out []int
	for _, x := range n.adj[a] {
		if n.edge[[2]int{x, b}] {
			out = append(out, x)
		}
	}
	return out
}

// member maps an id the API answered back to a member number.
func (n *ldbcNetwork) member(prefix, id string) (int, bool) {
	ldbcID, ok := strings.CutPrefix(id, prefix)
	if !ok {
		return 0, false
	}
	m, ok := n.index[ldbcID]
	return m, ok
}

func (n *ldbcNetwork) describe(p ldbcPair) string {
	return fmt.Sprintf("%s (%s) -> %s (%s) [%s]", n.ids[p.from], n.names[p.from], n.ids[p.to], n.names[p.to],
		ldbcClassNames[n.class(p.from, p.to)])
}

// wantReach is the reachability answer the search expects.
func (n *ldbcNetwork) wantReach(p ldbcPair) reach {
	class := n.class(p.from, p.to)
	want := reach{Label: "out_of_network", MutualCount: len(n.mutual(p.from, p.to))}
	if class <= ldbcThird {
		d := class
		want.Degree = &d
		want.Label = [...]string{"you", "1st", "2nd", "3rd"}[class]
	}
	return want
}

func sameReach(a, b reach) bool {
	if (a.Degree == nil) != (b.Degree == nil) || (a.Degree != nil && *a.Degree != *b.Degree) {
		return false
	}
	return a.Label == b.Label && a.MutualCount == b.MutualCount
}

// sources are the members every pair is checked from: the persons of the LDBC query 13
// parameters that the network has, the two with the most connections and the two with the fewest
// (but at least one). It also returns the query 13 persons the network does not have.
func (n *ldbcNetwork) sources(t *testing.T, paramsFile string) (sources []int, unknown []string) {
	t.Helper()
	for _, row := range readPSV(t, paramsFile) {
		for _, ldbcID := range row {
			m, ok := n.index[ldbcID]
			switch {
			case !ok && !slices.Contains(unknown, ldbcID):
				unknown = append(unknown, ldbcID)
			case ok && !slices.Contains(sources, m):
				sources = append(sources, m)
			}
		}
	}
	if len(sources) == 0 {
		t.Fatalf("%s names no person of the network", paramsFile)
	}
	byDegree := make([]int, len(n.ids))
	for i := range byDegree {
		byDegree[i] = i
	}
	slices.SortStableFunc(byDegree, func(a, b int) int { return cmp.Compare(len(n.adj[b]), len(n.adj[a])) })
	add := func(candidates []int) {
		added := 0
		for _, m := range candidates {
			if added < 2 && len(n.adj[m]) > 0 && !slices.Contains(sources, m) {
				sources = append(sources, m)
				added++
			}
		}
	}
	add(byDegree)
	slices.Reverse(byDegree)
	add(byDegree)
	return sources, unknown
}

// choosePairs is every pair from each source, topped up with a random sample so each distance
// class has at least ldbcMinPerClass pairs (self: ldbcMinSelf).
func (n *ldbcNetwork) choosePairs(sources []int, rng *rand.Rand) []ldbcPair {
	var pairs []ldbcPair
	seen := map[ldbcPair]bool{}
	var count [ldbcClasses]int
	add := func(p ldbcPair) {
		if !seen[p] {
			seen[p] = true
			pairs = append(pairs, p)
			count[n.class(p.from, p.to)]++
		}
	}
	for _, s := range sources {
		for m := range n.ids {
			add(ldbcPair{s, m})
		}
	}
	var byClass [ldbcClasses][]ldbcPair
	for a := range n.ids {
		for b := range n.ids {
			class := n.class(a, b)
			byClass[class] = append(byClass[class], ldbcPair{a, b})
		}
	}
	for class, all := range byClass {
		rng.Shuffle(len(all), func(i, j int) { all[i], all[j] = all[j], all[i] })
		least := ldbcMinPerClass
		if class == ldbcSelf {
			least = ldbcMinSelf
		}
		for _, p := range all {
			if count[class] >= least {
				break
			}
			add(p)
		}
	}
	return pairs
}

// pathPairs is a random subset of pairs, ldbcPathsPerClass of each distance class.
func (n *ldbcNetwork) pathPairs(pairs []ldbcPair, rng *rand.Rand) []ldbcPair {
	shuffled := slices.Clone(pairs)
	rng.Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
	var count [ldbcClasses]int
	var out []ldbcPair
	for _, p := range shuffled {
		class := n.class(p.from, p.to)
		most := ldbcPathsPerClass
		if class == ldbcSelf {
			most = ldbcPathsPerClass / 6
		}
		if count[class] < most {
			count[class]++
			out = append(out, p)
		}
	}
	return out
}

// checkPath says what is wrong with steps as the answer to p, or "" when nothing is.
func (n *ldbcNetwork) checkPath(p ldbcPair, steps []int) string {
	want := n.dist[p.from][p.to]
	switch {
	case len(steps) == 0:
		return "empty path"
	case len(steps)-1 != want:
		return fmt.Sprintf("%d hops, want %d", len(steps)-1, want)
	case steps[0] != p.from || steps[len(steps)-1] != p.to:
		return fmt.Sprintf("path runs from %s to %s", n.ids[steps[0]], n.ids[steps[len(steps)-1]])
	}
	for i := 1; i < len(steps); i++ {
		if !n.edge[[2]int{steps[i-1], steps[i]}] {
			return fmt.Sprintf("%s and %s are not connected in the dataset", n.ids[steps[i-1]], n.ids[steps[i]])
		}
	}
	return ""
}

// mutualPairs is a few dozen pairs to page through: the ten sharing the most connections, ten
// whose shared connections include two of the same name (so the cursor's tie-break on id
// matters), fifteen random ones with shared connections, and a few sharing none.
func (n *ldbcNetwork) mutualPairs(pairs []ldbcPair, rng *rand.Rand) []ldbcPair {
	var out []ldbcPair
	seen := map[ldbcPair]bool{}
	take := func(from []ldbcPair, most int, keep func(ldbcPair) bool) {
		for _, p := range from {
			if most == 0 {
				return
			}
			if !seen[p] && keep(p) {
				seen[p] = true
				out = append(out, p)
				most--
			}
		}
	}
	var all []ldbcPair
	for a := range n.ids {
		for b := range n.ids {
			if a != b && len(n.mutual(a, b)) > 0 {
				all = append(all, ldbcPair{a, b})
			}
		}
	}
	largest := slices.Clone(all)
	slices.SortStableFunc(largest, func(p, q ldbcPair) int {
		return cmp.Compare(len(n.mutual(q.from, q.to)), len(n.mutual(p.from, p.to)))
	})
	take(largest, 10, func(p ldbcPair) bool { return !seen[ldbcPair{p.to, p.from}] })
	rng.Shuffle(len(all), func(i, j int) { all[i], all[j] = all[j], all[i] })
	take(all, 10, n.sharedName)
	shuffled := slices.Clone(pairs)
	rng.Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
	take(shuffled, 15, func(p ldbcPair) bool { return len(n.mutual(p.from, p.to)) > 0 })
	for class := range ldbcClasses {
		take(shuffled, 1, func(p ldbcPair) bool {
			return n.class(p.from, p.to) == class && len(n.mutual(p.from, p.to)) == 0
		})
	}
	return out
}

// sharedName says whether two of the members a pair shares connections with have the same name.
func (n *ldbcNetwork) sharedName(p ldbcPair) bool {
	names := map[string]bool{}
	for _, m := range n.mutual(p.from, p.to) {
		if names[n.names[m]] {
			return true
		}
		names[n.names[m]] = true
	}
	return false
}

// checkMutual says what is wrong with the pages answered for p, or "" when nothing is.
func (n *ldbcNetwork) checkMutual(p ldbcPair, prefix string, a ldbcMutualAnswer) string {
	want := n.mutual(p.from, p.to)
	var problems []string
	for i, total := range a.totals {
		if total != len(want) {
			problems = append(problems, fmt.Sprintf("page %d says total %d, want %d", i+1, total, len(want)))
			break
		}
	}
	got := map[int]bool{}
	for i, item := range a.items {
		m, ok := n.member(prefix, item.ID)
		switch {
		case !ok:
			problems = append(problems, fmt.Sprintf("item %q is not an LDBC person of this test", item.ID))
			continue
		case got[m]:
			problems = append(problems, "duplicate "+n.ids[m])
		case item.Name != n.names[m]:
			problems = append(problems, fmt.Sprintf("%s is named %q, want %q", n.ids[m], item.Name, n.names[m]))
		}
		got[m] = true
		if i > 0 {
			prev := a.items[i-1]
			if c := cmp.Or(cmp.Compare(prev.Name, item.Name), cmp.Compare(prev.ID, item.ID)); c >= 0 {
				problems = append(problems, fmt.Sprintf("%s (%s) follows %s (%s): not ordered by name then id",
					item.ID, item.Name, prev.ID, prev.Name))
			}
		}
	}
	for _, m := range want {
		if !got[m] {
			problems = append(problems, fmt.Sprintf("missing %s (%s)", n.ids[m], n.names[m]))
		}
	}
	for m := range n.ids {
		if got[m] && !slices.Contains(want, m) {
			problems = append(problems, fmt.Sprintf("%s (%s) is not a mutual connection", n.ids[m], n.names[m]))
		}
	}
	return strings.Join(problems, "; ")
}

// ldbcCounts formats one count per distance class.
func ldbcCounts(c [ldbcClasses]int) string {
	parts := make([]string, 0, ldbcClasses)
	total := 0
	for class, k := range c {
		parts = append(parts, fmt.Sprintf("%s %d", ldbcClassNames[class], k))
		total += k
	}
	return fmt.Sprintf("%s (total %d)", strings.Join(parts, ", "), total)
}

// ldbcReport reports mismatches through t.Errorf, up to ldbcMaxMismatches, and counts the rest.
type ldbcReport struct {
	t *testing.T
	n int
}

func (r *ldbcReport) errorf(format string, args ...any) {
	r.t.Helper()
	r.n++
	if r.n <= ldbcMaxMismatches {
		r.t.Errorf(format, args...)
	}
}

func (r *ldbcReport) close() {
	if r.n > ldbcMaxMismatches {
		r.t.Errorf("%d mismatches in all; only the first %d are shown", r.n, ldbcMaxMismatches)
	}
}

// ldbcClient sends requests from worker goroutines: it returns errors rather than failing the
// test, since only the test's goroutine may call t.Fatal.
type ldbcClient struct {
	http *http.Client
}

func newLDBCClient(t *testing.T) *ldbcClient {
	transport := &http.Transport{MaxIdleConnsPerHost: ldbcWorkers}
	t.Cleanup(transport.CloseIdleConnections)
	return &ldbcClient{http: &http.Client{Transport: transport, Timeout: 30 * time.Second}}
}

type ldbcRequest struct {
	method, path, token string
	body                any // marshalled to JSON unless nil
}

type ldbcAnswer struct {
	req         string
	status      int
	contentType string
	body        []byte
	err         error
}

// failure says why the answer is not a success with the given status, or nil when it is.
func (a ldbcAnswer) failure(status int) error {
	switch {
	case a.err != nil:
		return a.err
	case a.status != status:
		return fmt.Errorf("%s: status %d, want %d; body: %s", a.req, a.status, status, a.body)
	}
	return nil
}

// problem says why the answer is not a problem document with the given status, or nil when it is.
func (a ldbcAnswer) problem(status int) error {
	if err := a.failure(status); err != nil {
		return err
	}
	if a.contentType != "application/problem+json" {
		return fmt.Errorf("%s: Content-Type %q, want application/problem+json", a.req, a.contentType)
	}
	var p problem
	if err := json.Unmarshal(a.body, &p); err != nil || p.Status != status || p.Type == "" || p.Title == "" || p.Detail == "" {
		return fmt.Errorf("%s: incomplete problem %s", a.req, a.body)
	}
	return nil
}

func (c *ldbcClient) do(r ldbcRequest) ldbcAnswer {
	a := ldbcAnswer{req: r.method + " " + r.path}
	var body io.Reader
	if r.body != nil {
		buf, err := json.Marshal(r.body)
		if err != nil {
			a.err = err
			return a
		}
		body = bytes.NewReader(buf)
	}
	req, err := http.NewRequest(r.method, env.baseURL+r.path, body)
	if err != nil {
		a.err = err
		return a
	}
	if r.body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	req.Header.Set("Authorization", "Bearer "+r.token)
	res, err := c.http.Do(req)
	if err != nil {
		a.err = err
		return a
	}
	defer res.Body.Close()
	a.status, a.contentType = res.StatusCode, res.Header.Get("Content-Type")
	a.body, a.err = io.ReadAll(res.Body)
	return a
}

// run sends reqs on ldbcWorkers goroutines and returns the answers in the same order.
func (c *ldbcClient) run(reqs []ldbcRequest) []ldbcAnswer {
	out := make([]ldbcAnswer, len(reqs))
	ldbcParallel(len(reqs), func(i int) { out[i] = c.do(reqs[i]) })
	return out
}

// ldbcParallel calls fn(0) to fn(n-1) on ldbcWorkers goroutines and waits for them all.
func ldbcParallel(n int, fn func(i int)) {
	next := make(chan int)
	var wg sync.WaitGroup
	for range ldbcWorkers {
		wg.Go(func() {
			for i := range next {
				fn(i)
			}
		})
	}
	for i := range n {
		next <- i
	}
	close(next)
	wg.Wait()
}

// load creates every member, then every connection, through the admin API.
func (c *ldbcClient) load(t *testing.T, n *ldbcNetwork, id func(string) string) {
	t.Helper()
	token, err := api.IssueToken(testSecret, "admin", true, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	members := make([]ldbcRequest, len(n.ids))
	for i, ldbcID := range n.ids {
		members[i] = ldbcRequest{method: http.MethodPut, path: "/v1/admin/members/" + id(ldbcID), token: token,
			body: map[string]string{"name": n.names[i]}}
	}
	c.mustAll(t, members, http.StatusCreated)
	connections := make([]ldbcRequest, len(n.connections))
	for i, e := range n.connections {
		connections[i] = ldbcRequest{method: http.MethodPost, path: "/v1/admin/connections", token: token,
			body: map[string]string{"a": id(n.ids[e[0]]), "b": id(n.ids[e[1]])}}
	}
	c.mustAll(t, connections, http.StatusNoContent)
}

// mustAll sends reqs and fails the test unless every one answers status.
func (c *ldbcClient) mustAll(t *testing.T, reqs []ldbcRequest, status int) {
	t.Helper()
	var failed []error
	for _, a := range c.run(reqs) {
		if err := a.failure(status); err != nil {
			failed = append(failed, err)
		}
	}
	if len(failed) > 0 {
		t.Fatalf("%d of %d requests failed; the first: %v", len(failed), len(reqs), failed[0])
	}
}

type ldbcSummary struct {
	ID       string `json:"id"`
	Name     string `json:"name"`
	Headline string `json:"headline"`
}

// ldbcMutualAnswer is every page of one mutual-connections list.
type ldbcMutualAnswer struct {
	items  []ldbcSummary
	totals []int // the total each page reported
	pages  int
	err    error
}

// mutualPages follows the cursors of a mutual-connections list, ldbcPageLimit items a page.
func (c *ldbcClient) mutualPages(token, path string) ldbcMutualAnswer {
	var out ldbcMutualAnswer
	cursor := ""
	for range 100 {
		q := url.Values{"limit": {strconv.Itoa(ldbcPageLimit)}}
		if cursor != "" {
			q.Set("cursor", cursor)
		}
		a := c.do(ldbcRequest{method: http.MethodGet, path: path + "?" + q.Encode(), token: token})
		out.pages++
		if err := a.failure(http.StatusOK); err != nil {
			out.err = fmt.Errorf("page %d: %w", out.pages, err)
			return out
		}
		var page struct {
			Total      *int          `json:"total"`
			Items      []ldbcSummary `json:"items"`
			NextCursor string        `json:"nextCursor"`
		}
		if err := json.Unmarshal(a.body, &page); err != nil {
			out.err = fmt.Errorf("page %d: decode %s: %w", out.pages, a.body, err)
			return out
		}
		switch {
		case page.Total == nil:
			out.err = fmt.Errorf("page %d has no total: %s", out.pages, a.body)
		case len(page.Items) > ldbcPageLimit:
			out.err = fmt.Errorf("page %d has %d items, more than the limit %d", out.pages, len(page.Items), ldbcPageLimit)
		case page.NextCursor != "" && len(page.Items) == 0:
			out.err = fmt.Errorf("page %d is empty but gives a next cursor", out.pages)
		}
		if out.err != nil {
			return out
		}
		out.items = append(out.items, page.Items...)
		out.totals = append(out.totals, *page.Total)
		if page.NextCursor == "" {
			return out
		}
		cursor = page.NextCursor
	}
	out.err = fmt.Errorf("still a next cursor after %d pages", out.pages)
	return out
}

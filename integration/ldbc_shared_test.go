package integration

import (
	"cmp"
	"encoding/json"
	"net/http"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/reach-network/reach/api"
)

// ldbcAffiliations is, independently of reach, who of the LDBC persons held a position at which
// organisation (workAt, studyAt) and is in which forum, read from the dataset's files.
type ldbcAffiliations struct {
	orgName, orgKind map[string]string // by LDBC organisation id; kind company or school
	positions        [][]ldbcPosition  // by member number
	forums           []map[string]bool // by member number: LDBC forum ids
	forumIDs         []string          // every forum with a member, in file order
}

type ldbcPosition struct {
	org      string
	from, to int // to 0 while current (a job; studies end in their class year)
}

// readLDBCAffiliations reads organisation_0_0.csv, person_workAt_organisation_0_0.csv,
// person_studyAt_organisation_0_0.csv and forum_hasMember_person_0_0.csv.
func readLDBCAffiliations(t *testing.T, dir string, n *ldbcNetwork) *ldbcAffiliations {
	t.Helper()
	a := &ldbcAffiliations{orgName: map[string]string{}, orgKind: map[string]string{},
		positions: make([][]ldbcPosition, len(n.ids)), forums: make([]map[string]bool, len(n.ids))}
	for _, o := range readPSV(t, filepath.Join(dir, "organisation_0_0.csv")) {
		a.orgName[o[0]], a.orgKind[o[0]] = o[2], map[string]string{"company": "company", "university": "school"}[o[1]]
		if a.orgKind[o[0]] == "" {
			t.Fatalf("organisation %s is a %q, neither company nor university", o[0], o[1])
		}
	}
	person := func(file, id string) int {
		k, ok := n.index[id]
		if !ok {
			t.Fatalf("%s names person %s, not in person_0_0.csv", file, id)
		}
		return k
	}
	for _, file := range []string{"person_workAt_organisation_0_0.csv", "person_studyAt_organisation_0_0.csv"} {
		for _, r := range readPSV(t, filepath.Join(dir, file)) {
			year, err := strconv.Atoi(r[2])
			if err != nil || a.orgKind[r[1]] == "" {
				t.Fatalf("%s: row %v", file, r)
			}
			p := ldbcPosition{org: r[1], from: year}
			if file == "person_studyAt_organisation_0_0.csv" {
				p.from, p.to = year-3, year
			}
			k := person(file, r[0])
			a.positions[k] = append(a.positions[k], p)
		}
	}
	for _, r := range readPSV(t, filepath.Join(dir, "forum_hasMember_person_0_0.csv")) {
		k := person("forum_hasMember_person_0_0.csv", r[1])
		if a.forums[k] == nil {
			a.forums[k] = map[string]bool{}
		}
		if !slices.Contains(a.forumIDs, r[0]) {
			a.forumIDs = append(a.forumIDs, r[0])
		}
		a.forums[k][r[0]] = true
	}
	return a
}

// forumName is the name a forum is given as a group: the dataset has no forum file.
func forumName(id string) string { return "Forum " + id }

// want computes what members x and y share, with ids as the test named them in reach: the
// intersections, each sorted by name then id, cut to five.
func (a *ldbcAffiliations) want(x, y int, orgID, groupID func(string) string) shared {
	held := func(k int) map[string]bool {
		out := map[string]bool{}
		for _, p := range a.positions[k] {
			out[p.org] = true
		}
		return out
	}
	list := func(items []affiliate) sharedList {
		slices.SortFunc(items, func(p, q affiliate) int { return cmp.Or(cmp.Compare(p.Name, q.Name), cmp.Compare(p.ID, q.ID)) })
		return sharedList{Total: len(items), Items: append([]affiliate{}, items[:min(5, len(items))]...)}
	}
	var companies, schools, groups []affiliate
	hy := held(y)
	for org := range held(x) {
		if !hy[org] {
			continue
		}
		if a.orgKind[org] == "school" {
			schools = append(schools, affiliate{orgID(org), a.orgName[org]})
		} else {
			companies = append(companies, affiliate{orgID(org), a.orgName[org]})
		}
	}
	for f := range a.forums[x] {
		if a.forums[y][f] {
			groups = append(groups, affiliate{groupID(f), forumName(f)})
		}
	}
	return shared{Companies: list(companies), Schools: list(schools), Groups: list(groups)}
}

// shares tells whether x and y share anything.
func (a *ldbcAffiliations) shares(x, y int) bool {
	s := a.want(x, y, func(s string) string { return s }, func(s string) string { return s })
	return s.Companies.Total+s.Schools.Total+s.Groups.Total > 0
}

// loadAffiliations creates the organisations members held positions at and every forum as a
// group through the admin API, gives each member their positions, and has each join their forums.
func (c *ldbcClient) loadAffiliations(t *testing.T, n *ldbcNetwork, a *ldbcAffiliations, id, orgID, groupID func(string) string) {
	t.Helper()
	admin, err := api.IssueToken(testSecret, "admin", true, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	used := map[string]bool{}
	for _, ps := range a.positions {
		for _, p := range ps {
			used[p.org] = true
		}
	}
	var orgs, groups, members, joins []ldbcRequest
	for _, org := range slices.Sorted(mapKeys(used)) {
		orgs = append(orgs, ldbcRequest{method: http.MethodPut, path: "/v1/admin/organisations/" + orgID(org), token: admin,
			body: map[string]string{"name": a.orgName[org], "kind": a.orgKind[org]}})
	}
	for _, f := range a.forumIDs {
		groups = append(groups, ldbcRequest{method: http.MethodPut, path: "/v1/admin/groups/" + groupID(f), token: admin,
			body: map[string]string{"name": forumName(f)}})
	}
	c.mustAll(t, orgs, http.StatusCreated)
	c.mustAll(t, groups, http.StatusCreated)
	for k, ps := range a.positions {
		if len(ps) == 0 {
			continue
		}
		positions := make([]map[string]any, len(ps))
		for i, p := range ps {
			positions[i] = map[string]any{"org": orgID(p.org), "from": p.from}
			if p.to != 0 {
				positions[i]["to"] = p.to
			}
		}
		members = append(members, ldbcRequest{method: http.MethodPut, path: "/v1/admin/members/" + id(n.ids[k]), token: admin,
			body: map[string]any{"name": n.names[k], "positions": positions}})
	}
	c.mustAll(t, members, http.StatusOK)
	for k, forums := range a.forums {
		tok, err := api.IssueToken(testSecret, id(n.ids[k]), false, time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range slices.Sorted(mapKeys(forums)) {
			joins = append(joins, ldbcRequest{method: http.MethodPut, path: "/v1/groups/" + groupID(f) + "/members/me", token: tok})
		}
	}
	c.mustAll(t, joins, http.StatusNoContent)
	t.Logf("loaded %d organisations, %d groups, %d members' positions and %d group memberships through the API",
		len(orgs), len(groups), len(members), len(joins))
}

func mapKeys[K comparable, V any](m map[K]V) func(func(K) bool) {
	return func(yield func(K) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}

// checkShared asks, through the batch route in each given consistency mode, what every member
// shares with every member they share anything with and with as many others, and compares each
// answer with want.
func (c *ldbcClient) checkShared(t *testing.T, n *ldbcNetwork, a *ldbcAffiliations, tokens []string, id, orgID, groupID func(string) string) {
	report := &ldbcReport{t: t}
	defer report.close()
	type batchReq struct {
		caller  int
		members []int
	}
	var batches []batchReq
	sharing, checked := 0, 0
	for x := range n.ids {
		var with, without []int
		for y := range n.ids {
			if a.shares(x, y) {
				with = append(with, y)
			} else if (x*31+y)%7 == 0 {
				without = append(without, y)
			}
		}
		sharing += len(with)
		all := append(with, without[:min(len(without), len(with)+1)]...)
		for chunk := range slices.Chunk(all, 100) {
			batches = append(batches, batchReq{x, chunk})
		}
	}
	for _, mode := range []string{"", "?consistency=fully_consistent"} {
		reqs := make([]ldbcRequest, len(batches))
		for i, b := range batches {
			ids := make([]string, len(b.members))
			for j, y := range b.members {
				ids[j] = id(n.ids[y])
			}
			reqs[i] = ldbcRequest{method: http.MethodPost, path: "/v1/members/reachability" + mode, token: tokens[b.caller], body: map[string]any{"members": ids}}
		}
		for i, ans := range c.run(reqs) {
			b := batches[i]
			if err := ans.failure(http.StatusOK); err != nil {
				report.errorf("batch of %s: %v", n.ids[b.caller], err)
				continue
			}
			var out sharedBatch
			if err := json.Unmarshal(ans.body, &out); err != nil || len(out.Items) != len(b.members) {
				report.errorf("batch of %s: %d items for %d members (%v)", n.ids[b.caller], len(out.Items), len(b.members), err)
				continue
			}
			for j, y := range b.members {
				checked++
				want, got := a.want(b.caller, y, orgID, groupID), out.Items[j].Shared
				if got == nil || !reflect.DeepEqual(normalised(*got), want) {
					report.errorf("shared %s (%s) → %s %q: got %+v, want %+v", n.ids[b.caller], mode, n.ids[y], out.Items[j].ID, got, want)
				}
			}
		}
	}
	t.Logf("shared checked for %d pairs (%d of them share something), in two consistency modes", checked/2, sharing)
}

// normalised reads empty item lists as empty, not nil, as want makes them.
func normalised(s shared) shared {
	for _, l := range []*sharedList{&s.Companies, &s.Schools, &s.Groups} {
		if l.Items == nil {
			l.Items = []affiliate{}
		}
	}
	return s
}

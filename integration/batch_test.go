package integration

import (
	"fmt"
	"io"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

const batchPath = "/v1/members/reachability"

// batchAnswer is the batch reachability answer, its items kept as JSON objects so that they can
// be compared, field by field, with the single route's answers.
type batchAnswer struct {
	Items []map[string]any `json:"items"`
}

// batch asks, as caller, how they stand to members, and returns the items.
func batch(t testing.TB, caller string, members []string) []map[string]any {
	t.Helper()
	var a batchAnswer
	as(t, caller).do(http.MethodPost, batchPath, map[string]any{"members": members}).expect(http.StatusOK).into(&a)
	if len(a.Items) != len(members) {
		t.Fatalf("%d items for %d members asked", len(a.Items), len(members))
	}
	return a.Items
}

// singleAnswer is what GET /v1/members/{id}/reachability answers, as an item of a batch answer
// would carry it: the answer with id and found: true, or only id and found: false on a 404.
func singleAnswer(t *testing.T, caller, member string) map[string]any {
	t.Helper()
	res := as(t, caller).get("/v1/members/" + member + "/reachability")
	if res.Status == http.StatusNotFound {
		res.expectProblem(http.StatusNotFound)
		return map[string]any{"id": member, "found": false}
	}
	var v map[string]any
	res.expect(http.StatusOK).into(&v)
	v["id"], v["found"] = member, true
	return v
}

// TestBatchReachabilityAnswersAsSingleRoute checks that each item of a batch answer is exactly what
// the single route answers about that member, in the order asked, for every kind of member: the
// caller, each degree, members who do not exist or are in a block relation with the caller (only
// {id, found: false}, alike), and each messaging reason, with InMail credits and without.
func TestBatchReachabilityAnswersAsSingleRoute(t *testing.T) {
	id := ids(t)
	// me - a - b - c - d, me - a2 - b; x - y stand apart.
	network(t, id, [2]string{"me", "a"}, [2]string{"me", "a2"}, [2]string{"a", "b"}, [2]string{"a2", "b"},
		[2]string{"b", "c"}, [2]string{"c", "d"}, [2]string{"x", "y"},
		[2]string{"me", "blocker"}, [2]string{"me", "blocked"})
	for _, n := range []string{"off", "netonly", "open", "wrote", "awaiting"} {
		member(t, id(n), strings.ToUpper(n[:1])+n[1:])
	}
	putBlock(t, id("blocker"), id("me"))
	putBlock(t, id("me"), id("blocked"))
	set(t, id("off"), map[string]any{"inmail": "off"})
	set(t, id("netonly"), map[string]any{"inmail": "network"})
	set(t, id("open"), map[string]any{"openProfile": true})
	credits(t, id("wrote"), 1)
	send(t, id("wrote"), id("me"), "We met at the conference").expect(http.StatusCreated)
	credits(t, id("me"), 1)
	send(t, id("me"), id("awaiting"), "Would you consider a new role?").expect(http.StatusCreated)

	names := []string{"d", "blocker", "b", "me", "nobody", "open", "a", "x", "off", "blocked", "c", "wrote", "netonly", "awaiting"}
	members := make([]string, len(names))
	for i, n := range names {
		members[i] = id(n)
	}
	for _, tc := range []struct {
		name    string
		credits int
		reasons []string // every reason the mix must show, so that none goes untested
	}{
		{"WithCredits", 5, []string{"self", "connected", "thread_reply", "awaiting_reply", "recipient_inmail_off",
			"recipient_network_only", "open_profile", "inmail"}},
		{"NoCredits", 0, []string{"self", "connected", "thread_reply", "awaiting_reply", "recipient_inmail_off",
			"recipient_network_only", "open_profile", "no_credits"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			credits(t, id("me"), tc.credits)
			items := batch(t, id("me"), members)
			var reasons []string
			for i, m := range members {
				if diff := cmp.Diff(singleAnswer(t, id("me"), m), items[i]); diff != "" {
					t.Errorf("item %d (%s) differs from the single route's answer (-single +batch):\n%s", i, names[i], diff)
				}
				if msg, ok := items[i]["messaging"].(map[string]any); ok {
					reasons = append(reasons, msg["reason"].(string))
				}
			}
			for _, want := range tc.reasons {
				if !slices.Contains(reasons, want) {
					t.Errorf("no item decided by %s; reasons: %v", want, reasons)
				}
			}
			for _, n := range []string{"nobody", "blocker", "blocked"} {
				i := slices.Index(names, n)
				if want := map[string]any{"id": id(n), "found": false}; !cmp.Equal(items[i], want) {
					t.Errorf("%s: %v, want %v", n, items[i], want)
				}
			}
		})
	}
}

// TestBatchReachabilityKeepsOrder checks that items follow the request position by position, a
// repeated id answered again where it repeats.
func TestBatchReachabilityKeepsOrder(t *testing.T) {
	id := ids(t)
	network(t, id, [2]string{"me", "a"}, [2]string{"a", "b"})
	asked := []string{id("b"), id("a"), id("nobody"), id("a"), id("me"), id("b")}
	items := batch(t, id("me"), asked)
	got := make([]string, len(items))
	for i, item := range items {
		got[i], _ = item["id"].(string)
	}
	if !slices.Equal(got, asked) {
		t.Fatalf("items %v, want the order asked %v", got, asked)
	}
	for _, pair := range [][2]int{{1, 3}, {0, 5}} {
		if diff := cmp.Diff(items[pair[0]], items[pair[1]]); diff != "" {
			t.Errorf("a repeated id answered otherwise at %d and %d:\n%s", pair[0], pair[1], diff)
		}
	}
	if label := items[0]["label"]; label != "2nd" {
		t.Errorf("b: label %v, want 2nd", label)
	}
}

// TestBatchReachabilityLimits checks that 100 members are answered and 101 refused.
func TestBatchReachabilityLimits(t *testing.T) {
	id := ids(t)
	network(t, id, [2]string{"me", "a"})
	hundred := []string{id("a"), id("me")}
	for i := len(hundred); i < 100; i++ {
		hundred = append(hundred, id(fmt.Sprint("nobody", i)))
	}
	items := batch(t, id("me"), hundred)
	if items[0]["found"] != true || items[1]["label"] != "you" || items[99]["found"] != false {
		t.Errorf("100 members: first items %v %v, last %v", items[0], items[1], items[99])
	}
	p := as(t, id("me")).do(http.MethodPost, batchPath, map[string]any{"members": append(hundred, id("a"))}).
		expectProblem(http.StatusBadRequest)
	if p.Field != "members" || !strings.Contains(p.Detail, "100") {
		t.Errorf("101 members: field %q, detail %q; want members, saying 100 at most", p.Field, p.Detail)
	}
}

// TestBatchReachabilityRefusesBadInput checks that every malformed request is refused with 400
// naming the field at fault, and an unknown caller with 401.
func TestBatchReachabilityRefusesBadInput(t *testing.T) {
	id := ids(t)
	member(t, id("me"), "Me")
	for _, tc := range []struct {
		name, body, field string
	}{
		{"MissingField", `{}`, "members"},
		{"Null", `{"members": null}`, "members"},
		{"Empty", `{"members": []}`, "members"},
		{"NotAnArray", `{"members": "` + id("me") + `"}`, "members"},
		{"BadID", `{"members": ["a", "b", "c", "x' OR 1=1 //"]}`, "members[3]"},
		{"NotAString", `{"members": ["a", 42]}`, "members[1]"},
		{"NullID", `{"members": [null]}`, "members[0]"},
		{"UnknownField", `{"members": ["a"], "fields": ["degree"]}`, "fields"},
		{"NotAnObject", `["a", "b"]`, ""},
		{"TwoObjects", `{"members": ["a"]} {"members": ["b"]}`, ""},
		{"EmptyBody", ``, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := as(t, id("me")).do(http.MethodPost, batchPath, tc.body).expectProblem(http.StatusBadRequest)
			if p.Field != tc.field {
				t.Errorf("field %q, want %q (%s)", p.Field, tc.field, p.Detail)
			}
		})
	}
	t.Run("UnknownCaller", func(t *testing.T) {
		as(t, id("ghost")).do(http.MethodPost, batchPath, map[string]any{"members": []string{id("me")}}).
			expectProblem(http.StatusUnauthorized)
	})
}

// TestBatchReachabilityCountsDecisions checks that the messaging decisions a batch answers are
// counted in the metrics, one per member decided, as the single route counts its own.
func TestBatchReachabilityCountsDecisions(t *testing.T) {
	id := ids(t)
	for _, n := range []string{"me", "open1", "open2"} {
		member(t, id(n), n)
	}
	set(t, id("open1"), map[string]any{"openProfile": true})
	set(t, id("open2"), map[string]any{"openProfile": true})
	before := decisionsCounted(t, "open_profile")
	batch(t, id("me"), []string{id("open1"), id("nobody"), id("open2"), id("open1")})
	if got := decisionsCounted(t, "open_profile") - before; got != 2 {
		t.Fatalf("open_profile decisions counted: %v more, want 2 (one per member decided)", got)
	}
}

// decisionsCounted reads reach_messaging_decisions_total for one reason from /metrics.
func decisionsCounted(t *testing.T, reason string) float64 {
	t.Helper()
	body := (&client{t: t}).get("/metrics").expect(http.StatusOK).Body
	m := regexp.MustCompile(`(?m)^reach_messaging_decisions_total\{reason="` + reason + `"\} (\S+)$`).FindSubmatch(body)
	if m == nil {
		return 0
	}
	n, err := strconv.ParseFloat(string(m[1]), 64)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// BenchmarkBatchReachability compares the degree badges of a page of 100 members fetched in one
// batch request with the same 100 fetched by the single route, one after another and 8 at a time.
// The 100 are 10 members of the 1st degree, 45 of the 2nd, 35 of the 3rd and 10 out of network.
//
//	NEO4J_URI=bolt://127.0.0.1:7687 go test -run '^$' -bench BatchReachability ./integration/
func BenchmarkBatchReachability(b *testing.B) {
	id := ids(b)
	var edges [][2]string
	var first, second, third, apart []string
	for i := range 10 {
		f := fmt.Sprint("first", i)
		edges, first = append(edges, [2]string{"me", f}), append(first, id(f))
		for j := range 5 {
			s := fmt.Sprint("second", i, "_", j)
			edges = append(edges, [2]string{f, s}, [2]string{s, "third" + s})
			second, third = append(second, id(s)), append(third, id("third"+s))
		}
		a := fmt.Sprint("apart", i)
		edges, apart = append(edges, [2]string{a, "elsewhere" + a}), append(apart, id(a))
	}
	network(b, id, edges...)
	members := slices.Concat(first, second[:45], third[:35], apart)
	labels := map[any]int{}
	for _, item := range batch(b, id("me"), members) {
		labels[item["label"]]++
	}
	if want := map[any]int{"1st": 10, "2nd": 45, "3rd": 35, "out_of_network": 10}; !cmp.Equal(labels, want) {
		b.Fatalf("labels %v, want %v", labels, want)
	}
	me := as(b, id("me"))
	b.Run("Batch", func(b *testing.B) {
		for b.Loop() {
			me.do(http.MethodPost, batchPath, map[string]any{"members": members}).expect(http.StatusOK)
		}
	})
	b.Run("Singles", func(b *testing.B) {
		for b.Loop() {
			for _, m := range members {
				me.get("/v1/members/" + m + "/reachability").expect(http.StatusOK)
			}
		}
	})
	b.Run("Singles8AtATime", func(b *testing.B) {
		for b.Loop() {
			if err := concurrently(8, members, func(m string) error {
				return rawGet(me.token, "/v1/members/"+m+"/reachability")
			}); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// concurrently calls f for each item, n at a time, and returns the first failure.
func concurrently(n int, items []string, f func(string) error) error {
	work, errs := make(chan string), make(chan error, len(items))
	for range n {
		go func() {
			for item := range work {
				errs <- f(item)
			}
		}()
	}
	for _, item := range items {
		work <- item
	}
	close(work)
	var first error
	for range items {
		if err := <-errs; err != nil && first == nil {
			first = err
		}
	}
	return first
}

// rawGet sends a GET with a bearer token and fails unless it is answered 200. It reports failures
// instead of failing a test, so goroutines may call it.
func rawGet(token, path string) error {
	req, err := http.NewRequest(http.MethodGet, env.baseURL+path, nil)
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+token)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer res.Body.Close()
	if _, err := io.Copy(io.Discard, res.Body); err != nil {
		return err
	}
	if res.StatusCode != http.StatusOK {
		return fmt.Errorf("GET %s: status %d", path, res.StatusCode)
	}
	return nil
}

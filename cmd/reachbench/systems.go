package main

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/reach-network/reach/api"
	"github.com/reach-network/reach/bench"
	"github.com/reach-network/reach/bench/baseline"
	"github.com/reach-network/reach/bench/pgpeer"
	"github.com/reach-network/reach/graph"
	"github.com/reach-network/reach/graph/neo4jstore"
)

// The mix of operations sent to reach; the other systems answer the part of it they implement.
// A tenth of it is mailbox pages: half for members with the median number of conversations,
// half for those with the most (bench.KindMailboxMedian, bench.KindMailboxLargest).
var mix = []struct {
	name   string
	weight float64
}{{"reachability", 60}, {"mutual-connections", 25}, {"mailbox", 5}, {"mailbox-largest", 5}, {"send", 5}}

// Where each system's mailbox page is: reach lists conversations; the peer, and a reach from
// before conversations, list messages (one index range each, as a conversation list is).
const (
	pathConversations = "/v1/conversations"
	pathInbox         = "/v1/inbox"
)

// do sends one request of an op.
type do func(ctx context.Context, rng *rand.Rand) error

// system is one system under test and the ops of the mix it answers, by name.
type system struct {
	name string
	how  string // how requests reach it: "over HTTP", "through the Neo4j driver", "through pgx"
	ops  map[string]do
	// roles are the server processes that do its work (bench.Processes' roles).
	roles []string
}

// newSystems returns the systems to measure: reach, then those o asks for. The reach at
// o.compareURL, when set, comes right after reach, so that the two take their turns side by side.
func newSystems(o options, secret []byte, store *neo4jstore.Store, peer *pgpeer.Peer, p bench.Pairs) []system {
	idle := cmp.Or(o.concurrency, 256) // with no cap, as many as a busy moment keeps open
	transport := &http.Transport{MaxIdleConns: idle, MaxIdleConnsPerHost: idle}
	client := &http.Client{Timeout: 10 * time.Second, Transport: transport}
	tokens := &tokens{secret: secret}
	reach := &caller{url: strings.TrimRight(o.url, "/"), tokens: tokens, http: client, mailbox: pathConversations}
	consistent := &caller{url: reach.url, tokens: tokens, http: client, query: "?consistency=fully_consistent"}
	fresh := &caller{url: reach.url, tokens: tokens, http: client, latest: &latest{}}
	freshOps := fresh.ops(p)
	systems := []system{{name: bench.SystemReach, how: "over HTTP", ops: reach.ops(p), roles: []string{"reach", "neo4j"}}}
	if o.compareURL != "" {
		before := &caller{url: strings.TrimRight(o.compareURL, "/"), tokens: tokens, http: client, mailbox: o.compareMailbox}
		systems = append(systems, system{name: bench.SystemReachBefore, how: "over HTTP", ops: before.ops(p),
			roles: []string{bench.SystemReachBefore, "neo4j"}})
	}
	systems = append(systems, []system{
		{name: bench.SystemReachAlone, how: "over HTTP, without the rest of the mix", roles: []string{"reach", "neo4j"},
			ops: map[string]do{"reachability": reach.ops(p)["reachability"]}},
		{name: bench.SystemReachNeo4j, how: "over HTTP, consistency=fully_consistent", roles: []string{"reach", "neo4j"},
			ops: map[string]do{"reachability": consistent.ops(p)["reachability"]}},
		{name: bench.SystemReachFresh, how: "over HTTP, consistency=at_least_as_fresh with the latest send's token",
			roles: []string{"reach", "neo4j"}, ops: map[string]do{"reachability": freshOps["reachability"], "send": freshOps["send"]}},
	}...)
	systems = append(systems, system{name: bench.SystemFloor, how: "GET /healthz in its place, over HTTP", roles: []string{"reach"},
		ops: map[string]do{"reachability": func(ctx context.Context, _ *rand.Rand) error {
			return reach.do(ctx, http.MethodGet, "/healthz", "", "", http.StatusOK)
		}}})
	if o.baseline {
		systems = append(systems, system{name: bench.SystemBaseline, how: "through the Neo4j driver",
			ops: baselineOps(baseline.NewBaseline(store), p), roles: []string{"neo4j"}})
	}
	if peer != nil {
		systems = append(systems, system{name: bench.SystemPostgres, how: "through pgx", roles: []string{"postgres"}, ops: peerOps(peer, p)})
	}
	if o.peerURL != "" {
		peerHTTP := &caller{url: strings.TrimRight(o.peerURL, "/"), tokens: tokens, http: client, mailbox: pathInbox}
		systems = append(systems, system{name: bench.SystemPostgresHTTP, how: "over HTTP", roles: []string{"peer", "postgres"},
			ops: peerHTTP.ops(p)})
	}
	if o.only == "" {
		return systems
	}
	var chosen []system
	for _, s := range systems {
		if slices.Contains(strings.Split(o.only, ","), s.name) {
			chosen = append(chosen, s)
		}
	}
	return chosen
}

// share is the part of the mix the system answers: the rate it is offered, as a share of reach's.
func (s system) share() float64 {
	var share float64
	for _, m := range mix {
		if s.ops[m.name] != nil {
			share += m.weight / 100
		}
	}
	return share
}

// mixOps are the ops of the mix the system answers, weighted as in the mix.
func (s system) mixOps() []bench.Op {
	var ops []bench.Op
	for _, m := range mix {
		if d := s.ops[m.name]; d != nil {
			ops = append(ops, bench.Op{Name: m.name, Weight: m.weight, Do: d})
		}
	}
	return ops
}

// only is the one op, alone.
func (s system) only(name string) []bench.Op {
	return []bench.Op{{Name: name, Weight: 1, Do: s.ops[name]}}
}

// runs says what the system is sent in a workload.
func (s system) runs(workload string) string {
	switch workload {
	case bench.WorkloadReachability:
		return "reachability " + s.how
	case bench.WorkloadSends:
		return "the mix's sends alone " + s.how
	}
	var names []string
	var weights []string
	for _, op := range s.mixOps() {
		names = append(names, op.Name)
		weights = append(weights, fmt.Sprint(op.Weight))
	}
	if len(names) == len(mix) {
		return "the " + strings.Join(weights, "/") + " mix " + s.how
	}
	if len(names) == 1 {
		return names[0] + " only (all it implements) " + s.how
	}
	return strings.Join(names, " and ") + " " + strings.Join(weights, ":") + " (what it implements) " + s.how
}

// tokens signs, once per member, the tokens the benchmark's requests carry.
type tokens struct {
	secret []byte
	signed sync.Map // member id → token
}

func (t *tokens) of(id string) string {
	if tok, ok := t.signed.Load(id); ok {
		return tok.(string)
	}
	tok, err := api.IssueToken(t.secret, id, false, 24*time.Hour)
	if err != nil {
		panic(err) // ids come from the graph and are valid
	}
	t.signed.Store(id, tok)
	return tok
}

// caller sends the benchmark's requests to a server of reach's API, each with the token of the
// member it acts as.
type caller struct {
	url    string
	tokens *tokens
	http   *http.Client
	query  string // added to reachability requests, such as a consistency mode
	// mailbox is the path of its mailbox page: pathConversations or pathInbox.
	mailbox string
	// latest, when set, keeps the consistency token of the latest write answered, and
	// reachability requests ask to be at least as fresh as it.
	latest *latest
}

// latest is the consistency token of the latest write a caller sent.
type latest struct{ token atomic.Pointer[string] }

// consistency is what a reachability request adds to its path for c's consistency mode.
func (c *caller) consistency() string {
	if c.latest == nil {
		return c.query
	}
	if t := c.latest.token.Load(); t != nil {
		return "?consistency=at_least_as_fresh&token=" + url.QueryEscape(*t)
	}
	return ""
}

// do sends one request and fails unless the answer's status is one of want.
func (c *caller) do(ctx context.Context, method, path, as, body string, want ...int) error {
	var r io.Reader
	if body != "" {
		r = strings.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.url+path, r)
	if err != nil {
		return err
	}
	if as != "" {
		req.Header.Set("Authorization", "Bearer "+c.tokens.of(as))
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	res, err := c.http.Do(req)
	if err != nil {
		return err
	}
	defer res.Body.Close()
	_, _ = io.Copy(io.Discard, res.Body)
	if res.StatusCode == http.StatusServiceUnavailable && res.Header.Get("Retry-After") != "" {
		return fmt.Errorf("%s %s: %w", method, path, bench.ErrShed)
	}
	if t := res.Header.Get("Consistency-Token"); t != "" && c.latest != nil {
		c.latest.token.Store(&t)
	}
	for _, w := range want {
		if res.StatusCode == w {
			return nil
		}
	}
	return fmt.Errorf("%s %s: status %d", method, path, res.StatusCode)
}

// ops are the requests of the mix, sent to reach's API.
func (c *caller) ops(p bench.Pairs) map[string]do {
	all := bench.Kinds
	return map[string]do{
		"reachability": func(ctx context.Context, rng *rand.Rand) error {
			pair := p.Pick(rng, all...)
			return c.do(ctx, http.MethodGet, "/v1/members/"+pair[1]+"/reachability"+c.consistency(), pair[0], "", http.StatusOK)
		},
		"mutual-connections": func(ctx context.Context, rng *rand.Rand) error {
			pair := p.Pick(rng, all...)
			return c.do(ctx, http.MethodGet, "/v1/members/"+pair[1]+"/mutual-connections", pair[0], "", http.StatusOK)
		},
		"mailbox": func(ctx context.Context, rng *rand.Rand) error {
			return c.do(ctx, http.MethodGet, c.mailbox, p.Caller(rng, bench.KindMailboxMedian), "", http.StatusOK)
		},
		"mailbox-largest": func(ctx context.Context, rng *rand.Rand) error {
			return c.do(ctx, http.MethodGet, c.mailbox, p.Caller(rng, bench.KindMailboxLargest), "", http.StatusOK)
		},
		"send": func(ctx context.Context, rng *rand.Rand) error {
			pair, text := sendPair(p, rng)
			body := fmt.Sprintf(`{"to": %q, "body": %q}`, pair[1], text)
			return c.do(ctx, http.MethodPost, "/v1/messages", pair[0], body,
				http.StatusCreated, http.StatusForbidden, http.StatusTooManyRequests)
		},
	}
}

// sendPair draws a send of the mix: mostly a message to a connection; the rest InMails, which
// the rules may refuse.
func sendPair(p bench.Pairs, rng *rand.Rand) ([2]string, string) {
	pair := p.Pick(rng, bench.KindFirst)
	if rng.IntN(5) == 0 {
		pair = p.Pick(rng, bench.KindSecond, bench.KindThird, bench.KindOutOfNetwork)
	}
	return pair, fmt.Sprintf("Benchmark message %d", rng.Uint64())
}

// peerOps are the PostgreSQL peer's answers to the mix through pgx, the same requests reach is
// sent; a send the rules or limits refuse is an answer, as reach's 403 and 429 are.
func peerOps(peer *pgpeer.Peer, p bench.Pairs) map[string]do {
	all := bench.Kinds
	page := graph.PageRequest{Limit: 20}
	return map[string]do{
		"reachability": func(ctx context.Context, rng *rand.Rand) error {
			pair := p.Pick(rng, all...)
			_, err := peer.Reachability(ctx, pair[0], pair[1])
			return err
		},
		"mutual-connections": func(ctx context.Context, rng *rand.Rand) error {
			pair := p.Pick(rng, all...)
			_, err := peer.MutualConnections(ctx, pair[0], pair[1], page)
			return err
		},
		"mailbox": func(ctx context.Context, rng *rand.Rand) error {
			_, err := peer.Mailbox(ctx, p.Caller(rng, bench.KindMailboxMedian), true, graph.MailboxFilter{}, page)
			return err
		},
		"mailbox-largest": func(ctx context.Context, rng *rand.Rand) error {
			_, err := peer.Mailbox(ctx, p.Caller(rng, bench.KindMailboxLargest), true, graph.MailboxFilter{}, page)
			return err
		},
		"send": func(ctx context.Context, rng *rand.Rand) error {
			pair, text := sendPair(p, rng)
			_, err := peer.Send(ctx, pair[0], graph.Draft{To: pair[1], Body: text}, "")
			if errors.Is(err, graph.ErrRefused) || errors.Is(err, graph.ErrRateLimited) {
				return nil
			}
			return err
		},
	}
}

// baselineOps are the Cypher baseline's answers to the first two operations of the mix.
func baselineOps(b *baseline.Baseline, p bench.Pairs) map[string]do {
	all := bench.Kinds
	return map[string]do{
		"reachability": func(ctx context.Context, rng *rand.Rand) error {
			pair := p.Pick(rng, all...)
			_, err := b.Reachability(ctx, pair[0], pair[1])
			return err
		},
		"mutual-connections": func(ctx context.Context, rng *rand.Rand) error {
			pair := p.Pick(rng, all...)
			_, err := b.MutualConnections(ctx, pair[0], pair[1], 20)
			return err
		},
	}
}

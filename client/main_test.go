package client_test

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/reach-network/reach/api"
	"github.com/reach-network/reach/client"
	"github.com/reach-network/reach/graph"
	"github.com/reach-network/reach/graph/answer"
	"github.com/reach-network/reach/graph/changelog"
	"github.com/reach-network/reach/graph/neo4jstore"
	"github.com/reach-network/reach/seed"
)

// testSecret signs the tokens the example's clients send.
var testSecret = []byte("client-example-secret-0123456789")

// demo is the reach the example talks to: its URL, and the prefix of the demo network's ids in
// the test database, which other packages' tests share.
var demo struct {
	url    string
	prefix string
}

// TestMain serves reach, in process, over the Neo4j that NEO4J_URI names (`make test` starts
// one), holding the demo network `make run` loads. Its ids carry a prefix of this run, so the
// example finds the demo as the README tells it whatever else the database holds. Without
// NEO4J_URI only the tests that need no reach run.
func TestMain(m *testing.M) {
	flag.Parse()
	uri := os.Getenv("NEO4J_URI")
	if uri == "" {
		fmt.Fprintln(os.Stderr, "client: NEO4J_URI is not set; the example, which needs Neo4j, does not run")
		_ = flag.Set("test.run", "^Test")
		os.Exit(m.Run())
	}
	stop, err := serve(uri)
	if err != nil {
		fmt.Fprintln(os.Stderr, "client:", err)
		os.Exit(1)
	}
	code := m.Run()
	stop()
	os.Exit(code)
}

// serve opens the store, loads the prefixed demo network, and serves the API with the store's
// in-memory projection kept current, as `reach serve` does. stop ends it all.
func serve(uri string) (stop func(), err error) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	store, err := neo4jstore.Open(ctx, neo4jstore.Config{URI: uri, User: os.Getenv("NEO4J_USER"),
		Password: os.Getenv("NEO4J_PASSWORD"), Database: os.Getenv("NEO4J_DATABASE")})
	if err != nil {
		return nil, err
	}
	demo.prefix = "ex" + strconv.FormatInt(time.Now().UnixNano(), 36) + "_"
	if err := store.Migrate(ctx); err != nil {
		return nil, err
	}
	if err := seed.Load(ctx, store, prefixed(seed.Demo(), demo.prefix)); err != nil {
		return nil, err
	}
	tokens, err := api.HS256(testSecret)
	if err != nil {
		return nil, err
	}
	// Deadlines as patient as the integration tests': a machine busy with other packages' tests
	// is not an outage.
	patient := api.Timeouts{Read: 30 * time.Second, Write: 30 * time.Second}
	svc := answer.New(store, answer.Options{})
	srv := httptest.NewServer(api.New(api.Everything(svc), api.Config{Tokens: tokens, Timeouts: patient,
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}))
	keep, stopKeeping := context.WithCancel(context.Background())
	go svc.KeepProjection(keep, changelog.ProjectionEvents{})
	stop = func() { stopKeeping(); srv.Close(); _ = store.Close(context.Background()) }
	for !svc.ProjectionStats().Loaded {
		if ctx.Err() != nil {
			stop()
			return nil, fmt.Errorf("the projection did not load: %w", ctx.Err())
		}
		time.Sleep(20 * time.Millisecond)
	}
	demo.url = srv.URL
	return stop, nil
}

func prefixed(n seed.Network, prefix string) seed.Network {
	out := seed.Network{Settings: map[string]graph.SettingsChange{}}
	for _, o := range n.Organisations {
		o.ID = prefix + o.ID
		out.Organisations = append(out.Organisations, o)
	}
	for _, g := range n.Groups {
		g.ID = prefix + g.ID
		out.Groups = append(out.Groups, g)
	}
	for _, m := range n.Memberships {
		out.Memberships = append(out.Memberships, [2]string{prefix + m[0], prefix + m[1]})
	}
	for _, p := range n.Members {
		p.ID = prefix + p.ID
		if p.Positions != nil {
			held := make([]graph.Position, len(*p.Positions))
			for i, pos := range *p.Positions {
				pos.Org = prefix + pos.Org
				held[i] = pos
			}
			p.Positions = &held
		}
		out.Members = append(out.Members, p)
	}
	for _, c := range n.Connections {
		out.Connections = append(out.Connections, [2]string{prefix + c[0], prefix + c[1]})
	}
	for id, s := range n.Settings {
		out.Settings[prefix+id] = s
	}
	for _, m := range n.Messages {
		m.From, m.To = prefix+m.From, prefix+m.To
		out.Messages = append(out.Messages, m)
	}
	for _, m := range n.Requests {
		m.From, m.To = prefix+m.From, prefix+m.To
		out.Requests = append(out.Requests, m)
	}
	return out
}

// member is the id of one of the demo cast, by first name: member("maria").
func member(name string) string { return demo.prefix + name }

// as returns a client of the reach the example talks to, acting as the demo member name.
func as(name string) *client.ClientWithResponses {
	token, err := api.IssueToken(testSecret, member(name), false, time.Hour)
	if err != nil {
		panic(err)
	}
	c, err := client.NewClientWithResponses(demo.url, client.WithRequestEditorFn(func(_ context.Context, req *http.Request) error {
		req.Header.Set("Authorization", "Bearer "+token)
		return nil
	}))
	if err != nil {
		panic(err)
	}
	return c
}

package integration

import (
	"io"
	"net/http"
	"testing"
	"time"

	"github.com/reach-network/reach/api"
)

// BenchmarkReachabilityOverHTTP measures one reachability answer from memory through reach's
// whole HTTP stack (token, rate limit, deadline, consistency, metrics, log, JSON) on loopback, as
// a client sees it, with the client's own work included: in the default mode, and fully
// consistent (a look at the change log's head in Neo4j first). Run with -cpuprofile to see where
// a request's time goes (docs/performance.md).
func BenchmarkReachabilityOverHTTP(b *testing.B) {
	for _, mode := range []string{"minimize_latency", "fully_consistent"} {
		b.Run(mode, func(b *testing.B) { benchmarkReachability(b, mode) })
	}
}

func benchmarkReachability(b *testing.B, mode string) {
	id := ids(b)
	network(b, id, [2]string{"ann", "ben"}, [2]string{"ben", "cat"})
	token, err := api.IssueToken(testSecret, id("ann"), false, time.Hour)
	if err != nil {
		b.Fatal(err)
	}
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 4}}
	get := func() {
		req, _ := http.NewRequest(http.MethodGet, env.baseURL+"/v1/members/"+id("cat")+"/reachability?consistency="+mode, nil)
		req.Header.Set("Authorization", "Bearer "+token)
		res, err := client.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		_, err = io.Copy(io.Discard, res.Body)
		res.Body.Close()
		if err != nil {
			b.Fatal(err)
		}
		if res.StatusCode != http.StatusOK {
			b.Fatalf("status %d", res.StatusCode)
		}
	}
	// Until the projection holds the network just written, answers come from Neo4j.
	for served := env.store.ProjectionStats().Served; env.store.ProjectionStats().Served == served; {
		get()
	}
	before := env.store.ProjectionStats()
	for b.Loop() {
		get()
	}
	if after := env.store.ProjectionStats(); after.Fallbacks != before.Fallbacks {
		b.Logf("%d of the answers came from Neo4j", after.Fallbacks-before.Fallbacks)
	}
}

package pgpeer

import (
	"context"
	"net/http"
	"strings"

	"github.com/reach-network/reach/api"
	"github.com/reach-network/reach/graph"
)

// Handler serves the peer behind reach's own HTTP stack, as a team would deploy it: api.New with
// the same middleware (request ids, metrics, logs, deadlines, the token check with its member
// lookup, rate limits), the same error table, and the same JSON answer for
// GET /v1/members/{id}/reachability, whose Relation comes from Reachability. Every other /v1
// route answers 501, as a problem document: the peer answers only reachability.
func (p *Peer) Handler(cfg api.Config) http.Handler {
	s := apiStore{peer: p}
	e := api.New(api.Services{Health: s, Roster: s, Consistency: s, Reach: s}, cfg)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.URL.Path, "/v1/") && !isReachability(r) {
			w.Header().Set("Content-Type", "application/problem+json")
			w.WriteHeader(http.StatusNotImplemented)
			_, _ = w.Write([]byte(`{"type":"about:blank","title":"Not implemented","status":501,` +
				`"detail":"the PostgreSQL peer answers only GET /v1/members/{id}/reachability"}`))
			return
		}
		e.ServeHTTP(w, r)
	})
}

// isReachability tells whether r asks GET /v1/members/{id}/reachability.
func isReachability(r *http.Request) bool {
	rest, ok := strings.CutPrefix(r.URL.Path, "/v1/members/")
	id, ok2 := strings.CutSuffix(rest, "/reachability")
	return r.Method == http.MethodGet && ok && ok2 && id != "" && !strings.Contains(id, "/")
}

// apiStore is what the reachability route and the middleware ask, answered by the peer.
type apiStore struct {
	peer *Peer
}

func (s apiStore) Ping(ctx context.Context) error { return s.peer.Ping(ctx) }

// Migrated is true: the peer's tables are loaded before it serves.
func (s apiStore) Migrated() bool { return true }

func (s apiStore) MemberExists(ctx context.Context, id string) (bool, error) {
	return s.peer.MemberExists(ctx, id)
}

// Gone is false: the peer keeps no change log to learn of closed accounts from, so a member is
// known for as long as the known-members cache remembers them, as before closure existed.
func (s apiStore) Gone(string) bool { return false }

func (s apiStore) Reachability(ctx context.Context, caller, member string) (graph.Relation, error) {
	return s.peer.Reachability(ctx, caller, member)
}

// CacheStats is empty: the peer keeps no cache of connection lists.
func (s apiStore) CacheStats() graph.CacheStats { return graph.CacheStats{} }

// ProjectionStats is empty: the peer keeps no projection; it asks PostgreSQL every time.
func (s apiStore) ProjectionStats() graph.ProjectionStats { return graph.ProjectionStats{} }

// CheckToken takes any token: the peer keeps no change log.
func (s apiStore) CheckToken(context.Context, graph.Token) error { return nil }

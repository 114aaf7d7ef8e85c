package pgpeer

import (
	"context"
	"net/http"

	"github.com/reach-network/reach/api"
	"github.com/reach-network/reach/graph"
)

// Handler serves the peer behind reach's own HTTP stack, as a team would deploy it: api.New with
// the same middleware (request ids, metrics, logs, deadlines, the token check with its member
// lookup, rate limits), the same error table, and the same JSON answer for
// GET /v1/members/{id}/reachability, whose Relation comes from Reachability. The peer serves only
// that route's area, besides health and the member lookup; every other /v1 route answers 501, as
// a problem document.
func (p *Peer) Handler(cfg api.Config) http.Handler {
	s := apiServer{peer: p}
	return api.New(api.Services{Health: s, Roster: s, Reach: p}, cfg)
}

// apiServer answers, for the peer, what health and authentication ask of every server.
type apiServer struct {
	peer *Peer
}

func (s apiServer) Ping(ctx context.Context) error { return s.peer.Ping(ctx) }

// Migrated is true: the peer's tables are loaded before it serves.
func (s apiServer) Migrated() bool { return true }

// CacheStats is empty: the peer keeps no cache of connection lists.
func (s apiServer) CacheStats() graph.CacheStats { return graph.CacheStats{} }

// ProjectionStats is empty: the peer keeps no projection; it asks PostgreSQL every time.
func (s apiServer) ProjectionStats() graph.ProjectionStats { return graph.ProjectionStats{} }

func (s apiServer) MemberExists(ctx context.Context, id string) (bool, error) {
	return s.peer.MemberExists(ctx, id)
}

// Gone is false: the peer keeps no change log to learn of closed accounts from, so a member is
// known for as long as the known-members cache remembers them, as before closure existed.
func (s apiServer) Gone(string) bool { return false }

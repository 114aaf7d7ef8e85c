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
// GET /v1/members/{id}/reachability, whose Relation comes from Reachability, POST /v1/messages,
// answered by Send, GET /v1/inbox and /v1/sent, answered by Mailbox, and
// GET /v1/members/{id}/mutual-connections, answered by MutualConnections. The peer serves only those routes' areas, besides health and the member
// lookup; every other /v1 route answers 501, as a problem document: those of an area it does not
// serve at all, and those of the message and network areas it does not implement
// (graph.ErrUnsupported).
func (p *Peer) Handler(cfg api.Config) http.Handler {
	s := apiServer{peer: p}
	return api.New(api.Services{Health: s, Roster: s, Reach: p, Messages: messages{p}, Network: network{p}}, cfg)
}

// network is the network area as far as the peer implements it: MutualConnections; the rest
// answer graph.ErrUnsupported.
type network struct {
	*Peer
}

func (network) Reachabilities(context.Context, string, []string) (map[string]graph.Reach, error) {
	return nil, unsupported("reachability of several members")
}

func (network) Profile(context.Context, string, string) (graph.Relation, error) {
	return graph.Relation{}, unsupported("profiles")
}

func (network) Path(context.Context, string, string) ([]graph.PathStep, error) {
	return nil, unsupported("paths")
}

// messages is the message area as far as the peer implements it: Send and Mailbox; the rest
// answer graph.ErrUnsupported.
type messages struct {
	*Peer
}

// unsupported is the failure of a message route the peer does not implement.
func unsupported(op string) error {
	return graph.Fail(graph.ErrUnsupported, "the PostgreSQL peer does not implement %s", op)
}

func (messages) Message(context.Context, string, string) (graph.Message, error) {
	return graph.Message{}, unsupported("reading a message")
}

func (messages) Thread(context.Context, string, string, graph.PageRequest) (graph.Page[graph.Message], error) {
	return graph.Page[graph.Message]{}, unsupported("threads")
}

func (messages) Decline(context.Context, string, string, string) (graph.Message, error) {
	return graph.Message{}, unsupported("declining")
}

func (messages) Accept(context.Context, string, string) (graph.Message, error) {
	return graph.Message{}, unsupported("accepting a request")
}

func (messages) DeleteMessage(context.Context, string, string) error {
	return unsupported("deleting a message")
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
func (s apiServer) Rehearsed() bool              { return true }
func (s apiServer) ShedStats() graph.ShedStats   { return graph.ShedStats{} }

// ProjectionStats is empty: the peer keeps no projection; it asks PostgreSQL every time.
func (s apiServer) ProjectionStats() graph.ProjectionStats { return graph.ProjectionStats{} }
func (s apiServer) ProjectionLoaded() bool                 { return false }

func (s apiServer) MemberExists(ctx context.Context, id string) (bool, error) {
	return s.peer.MemberExists(ctx, id)
}

// Gone is false: the peer keeps no change log to learn of closed accounts from, so a member is
// known for as long as the known-members cache remembers them, as before closure existed.
func (s apiServer) Gone(string) bool { return false }

// LockStats is empty: the peer keeps no change log.
func (s apiServer) LockStats() graph.LockStats { return graph.LockStats{} }
func (s apiServer) SendStats() graph.SendStats { return graph.SendStats{} }

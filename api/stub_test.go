package api

import (
	"context"
	"sync"

	"github.com/reach-network/reach/graph"
)

// fuzzedAreas is what the request fuzzer's routes ask of the graph.
type fuzzedAreas interface {
	Roster
	Members
	Connections
	Reacher
	Network
	Messages
	Safety
}

// fuzzedServices serves the request fuzzer's routes from g, and no others.
func fuzzedServices(g fuzzedAreas) Services {
	return Services{Roster: g, Members: g, Connections: g, Reach: g, Network: g, Messages: g, Safety: g}
}

// stubStore answers every method of the areas the request fuzzer calls with success and empty
// values, and records what the handlers passed it, so that a fuzz test can check what gets past
// the decoders.
type stubStore struct {
	mu    sync.Mutex
	ids   []string            // every member, invitation, message or thread id the handlers passed
	pages []graph.PageRequest // every page asked for
}

func (s *stubStore) saw(ids ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.ids = append(s.ids, ids...)
}

func (s *stubStore) paged(p graph.PageRequest, ids ...string) {
	s.saw(ids...)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.pages = append(s.pages, p)
}

// taken returns what was recorded since the last call, and forgets it.
func (s *stubStore) taken() ([]string, []graph.PageRequest) {
	s.mu.Lock()
	defer s.mu.Unlock()
	ids, pages := s.ids, s.pages
	s.ids, s.pages = nil, nil
	return ids, pages
}

func (s *stubStore) Member(_ context.Context, id string) (graph.Member, error) {
	s.saw(id)
	return graph.Member{ID: id}, nil
}
func (s *stubStore) MemberExists(_ context.Context, id string) (bool, error) { return true, nil }
func (s *stubStore) Gone(string) bool                                        { return false }
func (s *stubStore) PutMember(_ context.Context, p graph.Profile) (bool, error) {
	s.saw(p.ID)
	return true, nil
}
func (s *stubStore) UpdateSettings(_ context.Context, id string, _ graph.SettingsChange) (graph.Member, error) {
	s.saw(id)
	return graph.Member{ID: id}, nil
}
func (s *stubStore) Connect(_ context.Context, a, b string) error { s.saw(a, b); return nil }
func (s *stubStore) Disconnect(_ context.Context, caller, member string) error {
	s.saw(caller, member)
	return nil
}
func (s *stubStore) Connections(_ context.Context, caller, member string, p graph.PageRequest) (graph.Page[graph.MemberSummary], error) {
	s.paged(p, caller, member)
	return graph.Page[graph.MemberSummary]{}, nil
}
func (s *stubStore) Invite(_ context.Context, from, to, _ string) (graph.Invitation, error) {
	s.saw(from, to)
	return graph.Invitation{}, nil
}
func (s *stubStore) AcceptInvitation(_ context.Context, caller, id string) (graph.Invitation, error) {
	s.saw(caller, id)
	return graph.Invitation{}, nil
}
func (s *stubStore) DeclineInvitation(_ context.Context, caller, id string) (graph.Invitation, error) {
	s.saw(caller, id)
	return graph.Invitation{}, nil
}
func (s *stubStore) WithdrawInvitation(_ context.Context, caller, id string) (graph.Invitation, error) {
	s.saw(caller, id)
	return graph.Invitation{}, nil
}
func (s *stubStore) Invitations(_ context.Context, caller string, _ graph.Box, p graph.PageRequest) (graph.Page[graph.Invitation], error) {
	s.paged(p, caller)
	return graph.Page[graph.Invitation]{}, nil
}
func (s *stubStore) Reachability(_ context.Context, caller, member string) (graph.Reach, error) {
	s.saw(caller, member)
	return graph.Reach{}, nil
}
func (s *stubStore) Reachabilities(_ context.Context, caller string, members []string) (map[string]graph.Reach, error) {
	s.saw(append([]string{caller}, members...)...)
	return nil, nil
}
func (s *stubStore) MutualConnections(_ context.Context, caller, member string, p graph.PageRequest) (graph.Page[graph.MemberSummary], error) {
	s.paged(p, caller, member)
	return graph.Page[graph.MemberSummary]{}, nil
}
func (s *stubStore) Path(_ context.Context, caller, member string) ([]graph.PathStep, error) {
	s.saw(caller, member)
	return nil, nil
}
func (s *stubStore) Search(_ context.Context, caller, _ string, p graph.PageRequest) (graph.Page[graph.Found], error) {
	s.paged(p, caller)
	return graph.Page[graph.Found]{}, nil
}
func (s *stubStore) Send(_ context.Context, caller string, d graph.Draft, _ string) (graph.Sent, error) {
	s.saw(caller, d.To)
	return graph.Sent{}, nil
}
func (s *stubStore) Mailbox(_ context.Context, caller string, _ bool, _ graph.MailboxFilter, p graph.PageRequest) (graph.Page[graph.Envelope], error) {
	s.paged(p, caller)
	return graph.Page[graph.Envelope]{}, nil
}
func (s *stubStore) Message(_ context.Context, caller, id string) (graph.Message, error) {
	s.saw(caller, id)
	return graph.Message{}, nil
}
func (s *stubStore) Thread(_ context.Context, caller, threadID string, p graph.PageRequest) (graph.Page[graph.Message], error) {
	s.paged(p, caller, threadID)
	return graph.Page[graph.Message]{}, nil
}
func (s *stubStore) Decline(_ context.Context, caller, id, _ string) (graph.Message, error) {
	s.saw(caller, id)
	return graph.Message{}, nil
}
func (s *stubStore) Accept(_ context.Context, caller, id string) (graph.Message, error) {
	s.saw(caller, id)
	return graph.Message{}, nil
}
func (s *stubStore) DeleteMessage(_ context.Context, caller, id string) error {
	s.saw(caller, id)
	return nil
}
func (s *stubStore) Block(_ context.Context, caller, member string) error {
	s.saw(caller, member)
	return nil
}
func (s *stubStore) Unblock(_ context.Context, caller, member string) error {
	s.saw(caller, member)
	return nil
}
func (s *stubStore) Blocks(_ context.Context, caller string, p graph.PageRequest) (graph.Page[graph.BlockedMember], error) {
	s.paged(p, caller)
	return graph.Page[graph.BlockedMember]{}, nil
}
func (s *stubStore) Report(_ context.Context, caller string, r graph.Report) error {
	ids := []string{caller, r.Member}
	if r.MessageID != "" {
		ids = append(ids, r.MessageID)
	}
	s.saw(ids...)
	return nil
}
func (s *stubStore) LiftRestriction(_ context.Context, id string) error { s.saw(id); return nil }
func (s *stubStore) Profile(_ context.Context, caller, member string) (graph.Relation, error) {
	s.saw(caller, member)
	return graph.Relation{}, nil
}

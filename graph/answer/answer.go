// Package answer chooses, for each read, the path that may answer it under the read's
// consistency: this replica's in-memory projection when it is fresh enough, Neo4j otherwise. It
// is a chain of answerers, each answering what it can and handing the rest to the next, in the
// manner of OpenFGA's CheckResolver delegates. It also runs the projection's life: loading,
// tailing the change log, snapshots.
//
// It sits above the store packages (neo4jstore, projection, changelog) and below the API; no
// package under graph imports it.
package answer

import (
	"context"
	"time"

	"github.com/reach-network/reach/graph"
	"github.com/reach-network/reach/graph/bolt"
	"github.com/reach-network/reach/graph/changelog"
	"github.com/reach-network/reach/graph/neo4jstore"
	"github.com/reach-network/reach/graph/projection"
)

// Answerer answers how a caller stands to members. Every path that answers implements it: the
// Neo4j store and the projection's link; a link that cannot answer a read hands it on.
type Answerer interface {
	// Reachability returns how the caller stands to a member, with what they share. Returns
	// ErrNotFound if either does not exist, or the member is in a block relation with the caller.
	Reachability(ctx context.Context, caller, member string) (graph.Reach, error)
	// Reachabilities is Reachability for many members at once; members not found or in a block
	// relation with the caller are left out. Returns ErrNotFound if the caller does not exist.
	Reachabilities(ctx context.Context, caller string, members []string) (map[string]graph.Reach, error)
	// Standings is Reachabilities as a list's rows show it (graph.Standing): the degree and the
	// rules' decision, with less work than a whole Reach.
	Standings(ctx context.Context, caller string, members []string) (map[string]graph.Standing, error)
	// MutualConnections returns one page of the connections both share, ordered by name, with
	// their total. Errors are Reachability's.
	MutualConnections(ctx context.Context, caller, member string, page graph.PageRequest) (graph.Page[graph.MemberSummary], error)
}

// Options are how the projection is kept and when it may answer.
type Options struct {
	// Freshness says how current the projection is kept and must be to answer; zero fields take
	// projection.DefaultFreshness'.
	Freshness projection.Freshness
	// Snapshot, when set, is the file the projection is saved to after each load from Neo4j and
	// when KeepProjection ends, and restored from when it starts.
	Snapshot string
	// Tail, when set, is what the projection is loaded and kept current through, and what Ping
	// asks: a handle on the store's database with a driver and a small pool of its own
	// (neo4jstore.NewDB), so that requests waiting for the store's connections under load never
	// hold back the projection's freshness, nor pass for Neo4j going away. It shares the store's
	// bookmarks. Nil: the store's own. The caller closes it after KeepProjection has returned.
	Tail *bolt.DB
	// FallbackConcurrency bounds the reads the projection cannot answer (before it is loaded,
	// past the staleness bound, a token not applied in time) that ask Neo4j at once; the rest
	// are refused at once with ErrUnavailable and a Retry-After. Zero takes
	// DefaultFallbackConcurrency.
	FallbackConcurrency int
}

// Service is what the API serves from: the Neo4j store, whose writes and Neo4j-only reads it
// passes on as they are, with the questions of how members stand answered through the chain:
// memory, then, up to Options.FallbackConcurrency reads at once, Neo4j. It is safe for
// concurrent use.
type Service struct {
	*neo4jstore.Store
	store      *neo4jstore.Store
	tail       *bolt.DB // what the log is read through and Ping asks (Options.Tail)
	projection *projection.Projection
	log        *changelog.Log
	chain      Answerer
	memory     *memory              // the chain's first link, which sends decide from too
	freshness  projection.Freshness // when memory may answer a default read
	capped     *capped              // the chain's cap on reads handed to Neo4j
}

// New returns the service over store, with a projection of its own that hears of the store's
// writes. Until KeepProjection has loaded the projection, every read goes to Neo4j.
func New(store *neo4jstore.Store, opts Options) *Service {
	p := projection.NewProjection()
	store.OnWrite(p.Wrote)
	tail := opts.Tail
	if tail == nil {
		tail = store.DB()
	} else if tail.Bookmarks == nil {
		tail.Bookmarks = store.DB().Bookmarks // forgotten together when the log's history is not the one applied
	}
	log := changelog.New(tail, p, opts.Freshness, opts.Snapshot, store.LogShards())
	capped := newCapped(opts.FallbackConcurrency, store)
	freshness := opts.Freshness.OrDefaults()
	mem := &memory{projection: p, freshness: freshness, store: store, next: capped}
	return &Service{Store: store, store: store, tail: tail, projection: p, log: log, chain: mem, memory: mem, capped: capped,
		freshness: freshness}
}

// Ping checks that Neo4j answers, on a connection of the tail's pool (Options.Tail), so that
// requests holding every connection of the store's pool do not make Neo4j look gone. It fails
// with ErrUnavailable when Neo4j does not answer.
func (s *Service) Ping(ctx context.Context) error { return s.tail.Ping(ctx) }

// Started pings Neo4j as Ping does, and answers when its process started (bolt.DB.Started), so
// that a restart between two pings is seen.
func (s *Service) Started(ctx context.Context) (time.Time, error) { return s.tail.Started(ctx) }

// Reachability is Answerer's, from memory when the read's consistency allows.
func (s *Service) Reachability(ctx context.Context, caller, member string) (graph.Reach, error) {
	return s.chain.Reachability(ctx, caller, member)
}

// Reachabilities is Answerer's, from memory when the read's consistency allows.
func (s *Service) Reachabilities(ctx context.Context, caller string, members []string) (map[string]graph.Reach, error) {
	return s.chain.Reachabilities(ctx, caller, members)
}

// MutualConnections is Answerer's: the whole page from memory when the read's consistency allows
// (who they are, their names and headlines, in order), with no Neo4j statement; from Neo4j
// otherwise.
func (s *Service) MutualConnections(ctx context.Context, caller, member string, page graph.PageRequest) (graph.Page[graph.MemberSummary], error) {
	return s.chain.MutualConnections(ctx, caller, member, page)
}

// Search finds the members whose name starts with query (neo4jstore.Store.SearchCandidates: one
// bounded statement, which names them too) and ranks them by how the caller stands to each, from
// memory when the read's consistency allows (Reachabilities), a page at a time (graph.RankPage).
func (s *Service) Search(ctx context.Context, caller, query string, page graph.PageRequest) (graph.Page[graph.Found], error) {
	after, err := graph.RankAfter(page.After)
	if err != nil {
		return graph.Page[graph.Found]{}, err // before asking Neo4j anything
	}
	found, err := s.store.SearchCandidates(ctx, caller, query)
	if err != nil {
		return graph.Page[graph.Found]{}, err
	}
	ids := make([]string, len(found))
	for i, m := range found {
		ids[i] = m.ID
	}
	reaches, err := s.chain.Reachabilities(ctx, caller, ids)
	if err != nil {
		return graph.Page[graph.Found]{}, err
	}
	return graph.RankPage(found, reaches, page.Limit, after), nil
}

// Profile returns how the caller stands to a member with the member's whole profile and what
// they share, from Neo4j, which alone holds profiles (neo4jstore.Store.Relation). Returns
// ErrNotFound as Reachability does.
func (s *Service) Profile(ctx context.Context, caller, member string) (graph.Relation, error) {
	return s.store.Relation(ctx, caller, member)
}

// CheckToken refuses, with ErrInvalidToken, a token naming a change this database's log never
// made: one of another epoch (a token made up, or from a database since replaced) or past the
// log's head. A token whose change the projection has applied passes at once; otherwise the
// log's head is read. A token without an epoch (a write that changed nothing projected) always
// passes, and so does any token when Neo4j cannot be asked: the read then says what is wrong.
func (s *Service) CheckToken(ctx context.Context, t graph.Token) error {
	if t.Epoch == "" || s.projection.Holds(t) {
		return nil
	}
	head, err := changelog.Head(ctx, s.store.DB())
	if err != nil {
		return nil
	}
	if head.Epoch != t.Epoch || !t.Covers(head.Positions()) {
		return graph.Fail(graph.ErrInvalidToken, "the consistency token names a change this database never made")
	}
	return nil
}

// ProjectionStats reports on the projection and the reads it handed to Neo4j, for metrics.
func (s *Service) ProjectionStats() graph.ProjectionStats {
	st := s.projection.Stats()
	st.Shed = s.capped.shed.Load()
	return st
}

// ProjectionLoaded tells whether a projection was put in place since the service started, without
// waiting for the projection's lock (projection.Projection.Loaded).
func (s *Service) ProjectionLoaded() bool { return s.projection.Loaded() }

// Mailbox is the store's page of a mailbox (neo4jstore.Store.Mailbox), with how the caller stands
// to each member on it from memory when the read's consistency allows, so that a page costs Neo4j
// one statement.
func (s *Service) Mailbox(ctx context.Context, caller string, incoming bool, filter graph.MailboxFilter, page graph.PageRequest) (graph.Page[graph.Envelope], error) {
	return s.store.MailboxWith(ctx, caller, incoming, filter, page, s.chain.Standings)
}

// Send is the store's (neo4jstore.Store.SendWith), a send between connected members decided from
// memory when it may answer for both, and written by one guarded statement.
func (s *Service) Send(ctx context.Context, caller string, d graph.Draft, key string) (graph.Sent, error) {
	return s.store.SendWith(ctx, caller, d, key, s.memory.known)
}

// Conversations is a page of a member's conversations: wholly from memory when the read's
// consistency allows and the projection holds the caller's conversations; otherwise the store's
// (neo4jstore.Store.Conversations), with how the caller stands to each other member through the
// chain.
func (s *Service) Conversations(ctx context.Context, caller string, filter graph.ConversationFilter, page graph.PageRequest) (graph.Page[graph.Conversation], error) {
	if out, ok, err := s.memory.conversations(ctx, caller, filter, page); ok {
		return out, err
	}
	return s.store.ConversationsWith(ctx, caller, filter, page, s.chain.Standings)
}

// Conversation is the store's conversation with a page of its messages
// (neo4jstore.Store.Conversation), with how the caller stands to the other member through the chain.
func (s *Service) Conversation(ctx context.Context, caller, id string, page graph.PageRequest) (graph.Conversation, graph.Page[graph.Message], error) {
	return s.store.ConversationWith(ctx, caller, id, page, s.chain.Standings)
}

// UpdateConversation is the store's (neo4jstore.Store.UpdateConversation), with how the caller
// stands to the other member through the chain.
func (s *Service) UpdateConversation(ctx context.Context, caller, id string, u graph.ConversationUpdate) (graph.Conversation, graph.ConversationChanges, error) {
	return s.store.UpdateConversationWith(ctx, caller, id, u, s.chain.Standings)
}

// MemberExists reports whether a member has id: from memory when the projection, current enough
// for a default read, holds the member, and from Neo4j otherwise, so that a member created a
// moment ago is admitted at once and a cold start does not send every caller's check to Neo4j.
func (s *Service) MemberExists(ctx context.Context, id string) (bool, error) {
	if s.projection.Exists(id, s.freshness) {
		return true, nil
	}
	return s.store.MemberExists(ctx, id)
}

// Gone reports whether the projection does not hold member id as present, as of the changes it
// has applied (closed, or not added yet): a hint for caches of who exists, such as the API's
// known members, so that a closure made through another replica reaches them within the
// staleness bound. False when the projection is not loaded.
func (s *Service) Gone(id string) bool { return s.projection.Gone(id) }

// KeepProjection waits until the store has applied the schema (Migrate), then loads the
// projection and keeps it current until ctx is cancelled (changelog.Log.KeepProjection). No load
// or read of the log comes before the schema: a load reads through its indexes, and makes the
// change log in a database that has none.
func (s *Service) KeepProjection(ctx context.Context, events changelog.ProjectionEvents) {
	select {
	case <-s.store.SchemaApplied():
	case <-ctx.Done():
		return
	}
	s.log.KeepProjection(ctx, events)
}

// EventsSince returns member's events after the place after, read from the change log, and the
// place reached (changelog.Log.EventsSince). Returns graph.ErrEventsLost, with the place from which
// this replica tells the member's events, when the log cannot give them all.
func (s *Service) EventsSince(ctx context.Context, member string, after graph.EventID) ([]graph.Told, graph.EventID, error) {
	return s.log.EventsSince(ctx, member, after)
}

// SaveProjection writes the projection to a snapshot at path.
func (s *Service) SaveProjection(path string) error { return s.log.SaveProjection(path) }

// PruneChanges deletes the changes of the log made more than olderThan ago, by Neo4j's clock, and
// returns how many. Returns ErrUnavailable, deleting nothing, until the store has applied the
// schema (Migrate).
func (s *Service) PruneChanges(ctx context.Context, olderThan time.Duration) (int, error) {
	if !s.store.Migrated() {
		return 0, graph.Fail(graph.ErrUnavailable, "the schema is not applied yet: the change log is not pruned")
	}
	return s.log.PruneChanges(ctx, olderThan)
}

// EndAbandonedImport ends an online import whose latest batch wrote more than idle ago
// (changelog.Log.EndAbandonedImport): every replica then reads the rows it wrote. It tells
// whether there was one. Returns ErrUnavailable, ending nothing, until the store has applied the
// schema (Migrate).
func (s *Service) EndAbandonedImport(ctx context.Context, idle time.Duration) (bool, error) {
	if !s.store.Migrated() {
		return false, graph.Fail(graph.ErrUnavailable, "the schema is not applied yet: no import is ended")
	}
	return s.log.EndAbandonedImport(ctx, idle)
}

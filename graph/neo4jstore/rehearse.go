package neo4jstore

import (
	"context"
	"errors"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
	"github.com/reach-network/reach/cypher"
	"github.com/reach-network/reach/graph"
	"github.com/reach-network/reach/graph/bolt"
	"github.com/reach-network/reach/graph/changelog"
)

// Rehearse has Neo4j plan the statements of members' requests before the first of them arrives:
// it asks the common questions about two connected members, and sends a message between them
// that is rolled back (changelog.Rehearsing), the direct way's statement planned on the way. A Neo4j just started plans each statement anew, on
// a cold JVM, which can take seconds; requests arriving then would all wait on the same plans and
// give up at their deadlines, again and again (docs/performance.md, "Holding load"). After it,
// Warm can plan them again after a restart, having seen them run. A graph with no connection has
// nothing to rehearse with, and is left alone.
func (s *Store) Rehearse(ctx context.Context) (err error) {
	defer bolt.Wrap(&err, "Rehearse")
	defer func() {
		if err == nil {
			s.rehearsed.Store(true)
		}
	}()
	recs, err := s.db.Read(ctx, cypher.RehearsalPair, nil)
	if err != nil || len(recs) == 0 {
		return err
	}
	a, err1 := bolt.Value[string](recs[0], "a")
	b, err2 := bolt.Value[string](recs[0], "b")
	if err := errors.Join(err1, err2); err != nil {
		return err
	}
	page := graph.PageRequest{Limit: 20}
	for _, ask := range []func() error{
		func() error { _, err := s.MemberExists(ctx, a); return err },
		func() error { _, err := s.Relation(ctx, a, b); return err },
		func() error { _, err := s.Relations(ctx, a, []string{b}); return err },
		func() error { _, err := s.MutualConnections(ctx, a, b, page); return err },
		func() error { _, err := s.Connections(ctx, a, b, page); return err },
		func() error { _, err := s.Mailbox(ctx, a, true, graph.MailboxFilter{}, page); return err },
		func() error { _, err := s.Mailbox(ctx, a, false, graph.MailboxFilter{}, page); return err },
		func() error { _, err := s.Mailbox(ctx, a, true, graph.MailboxFilter{Requests: true}, page); return err },
	} {
		if err := ask(); !rehearsed(err) {
			return err
		}
	}
	rehearsal := changelog.Rehearsing(ctx)
	_, err = s.SendWith(rehearsal, a, graph.Draft{To: b, Body: "rehearsal"}, "rehearsal", s.Stored) // both ways
	if !rehearsed(err) {
		return err
	}
	// What the abuse limits and the Other box's rule count, which only an InMail or a request runs.
	_, err = write(rehearsal, s, func(tx neo4j.ManagedTransaction) (struct{}, error) {
		_, err := readSenderSignals(ctx, tx, a, b, graph.BodyHash("rehearsal"), s.now())
		return struct{}{}, err
	})
	if !rehearsed(err) {
		return err
	}
	return nil
}

// rehearsed tells whether a rehearsed request ended as a member's request may: answered, rolled
// back, or refused by the rules or the members' settings (the pair is whichever connection Neo4j
// finds first, whose member may hide their connections, say). Only a failure, such as Neo4j not
// answering, leaves the rehearsal to be tried again.
func rehearsed(err error) bool {
	return err == nil || errors.Is(err, changelog.ErrRehearsed) || isAnswer(err) && !errors.Is(err, graph.ErrUnavailable)
}

// Rehearsed tells whether Rehearse has run to its end since the store was made.
func (s *Store) Rehearsed() bool { return s.rehearsed.Load() }

package neo4jstore

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"maps"
	"slices"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
	"github.com/reach-network/reach/cypher"
	"github.com/reach-network/reach/graph"
	"github.com/reach-network/reach/graph/bolt"
	"github.com/reach-network/reach/graph/changelog"
)

// CloseAccount closes a member's account, in one write transaction: the messages they exchanged
// stay with the other members, from or to a former member in threads of their own; everything
// else (profile, settings, credits, connections, blocks both ways, invitations, declines, reports
// filed, their own mailbox) is deleted, the InMails still awaiting their answer give their senders
// the credits back (within 90 days), and every replica's projection drops them and every pair
// they stood in. The change log records only the member's absence and the refunded senders'
// credits, so the work the log's lock waits on does not grow with the member's connections. A member created later with the same id starts clean. It reports whether there
// was an account to close: closing a missing or closed member changes nothing and is not an error.
func (s *Store) CloseAccount(ctx context.Context, id string) (closed bool, err error) {
	defer bolt.Wrap(&err, "CloseAccount(%q)", id)
	return write(ctx, s, func(tx neo4j.ManagedTransaction) (bool, error) {
		threads, found, err := closingMember(ctx, tx, id)
		if err != nil || !found {
			return false, err
		}
		// Recorded absent: replicas drop the member's pairs and end their streams.
		changelog.Touch(tx, id)
		changelog.Tell(tx, graph.Event{Kind: graph.EventAccountClosed, To: id})
		now, renamed := s.now(), newThreads(threads)
		params := map[string]any{"id": id, "now": now, "threads": renamed, "refundSince": now.Add(-graph.RefundWindow)}
		recs, err := bolt.Collect(ctx, tx, cypher.CloseMessages, params)
		if err != nil {
			return false, err
		}
		// The other members' sides lost what was not copied: build them again from what was.
		if err := rebuildConversations(ctx, tx, slices.Collect(maps.Values(renamed))); err != nil {
			return false, err
		}
		refunded, err := bolt.Value[[]any](recs[0], "refunded")
		if err != nil {
			return false, fmt.Errorf("close messages: %w", err)
		}
		changelog.Touch(tx, stringsOf(refunded)...) // the senders of pending InMails get their credits back
		_, err = bolt.Collect(ctx, tx, cypher.CloseMember, map[string]any{"id": id})
		return err == nil, err
	})
}

// closingMember locks the member and returns the threads of their messages; found is false when
// the member does not exist.
func closingMember(ctx context.Context, tx neo4j.ManagedTransaction, id string) (threads []string, found bool, err error) {
	recs, err := bolt.Collect(ctx, tx, cypher.ClosingMember, map[string]any{"id": id})
	if err != nil || len(recs) == 0 {
		return nil, false, err
	}
	t, err := bolt.Value[[]any](recs[0], "threads")
	if err != nil {
		return nil, false, fmt.Errorf("closing member: %w", err)
	}
	return stringsOf(t), true, nil
}

// newThreads names a new thread for each of a closing member's threads: a thread id of the same
// form, drawn from the old one and a random key, so no later conversation between the same two
// ids (the id created again) lands in it.
func newThreads(threads []string) map[string]any {
	key := make([]byte, 16)
	_, _ = rand.Read(key)
	former := "former:" + hex.EncodeToString(key)
	out := make(map[string]any, len(threads))
	for _, t := range threads {
		out[t] = graph.ThreadID(t, former)
	}
	return out
}

// stringsOf converts a list of Cypher strings, skipping nulls.
func stringsOf(list []any) []string {
	out := make([]string, 0, len(list))
	for _, v := range list {
		if s, ok := v.(string); ok {
			out = append(out, s)
		}
	}
	return out
}

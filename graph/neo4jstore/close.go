package neo4jstore

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"

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
// they stood in. A member created later with the same id starts clean. It reports whether there
// was an account to close: closing a missing or closed member changes nothing and is not an error.
func (s *Store) CloseAccount(ctx context.Context, id string) (closed bool, err error) {
	defer bolt.Wrap(&err, "CloseAccount(%q)", id)
	return write(ctx, s, func(tx neo4j.ManagedTransaction) (bool, error) {
		others, threads, found, err := closingMember(ctx, tx, id)
		if err != nil || !found {
			return false, err
		}
		changelog.Touch(tx, id)
		changelog.Touch(tx, others...) // the senders of pending InMails get their credits back
		for _, other := range others {
			changelog.TouchPair(tx, id, other)
		}
		now := s.now()
		params := map[string]any{"id": id, "now": now, "threads": newThreads(threads), "refundSince": now.Add(-graph.RefundWindow)}
		if _, err := bolt.Collect(ctx, tx, cypher.CloseMessages, params); err != nil {
			return false, err
		}
		_, err = bolt.Collect(ctx, tx, cypher.CloseMember, map[string]any{"id": id})
		return err == nil, err
	})
}

// closingMember locks the member and returns everyone they stand in a relation with and the
// threads of their messages; found is false when the member does not exist.
func closingMember(ctx context.Context, tx neo4j.ManagedTransaction, id string) (others, threads []string, found bool, err error) {
	recs, err := bolt.Collect(ctx, tx, cypher.ClosingMember, map[string]any{"id": id})
	if err != nil || len(recs) == 0 {
		return nil, nil, false, err
	}
	o, err1 := bolt.Value[[]any](recs[0], "others")
	t, err2 := bolt.Value[[]any](recs[0], "threads")
	if err1 != nil || err2 != nil {
		return nil, nil, false, fmt.Errorf("closing member: %w", errors.Join(err1, err2))
	}
	return stringsOf(o), stringsOf(t), true, nil
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

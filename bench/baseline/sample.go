package baseline

import (
	"context"
	"errors"
	"fmt"

	"github.com/reach-network/reach/graph/bolt"
)

// This file holds what the benchmark asks of the graph to draw its pairs; the service never
// calls it.

// SampleMembers returns the ids of n members drawn at random.
func (s *Baseline) SampleMembers(ctx context.Context, n int) (_ []string, err error) {
	defer bolt.Wrap(&err, "SampleMembers(%d)", n)
	return s.idList(ctx, sampleMembers, map[string]any{"n": int64(n)})
}

// TopConnected returns the ids of the n members with the most connections.
func (s *Baseline) TopConnected(ctx context.Context, n int) (_ []string, err error) {
	defer bolt.Wrap(&err, "TopConnected(%d)", n)
	return s.idList(ctx, topConnected, map[string]any{"n": int64(n)})
}

// LargestMailboxes returns the ids of the n members with the most conversations.
func (s *Baseline) LargestMailboxes(ctx context.Context, n int) (_ []string, err error) {
	defer bolt.Wrap(&err, "LargestMailboxes(%d)", n)
	return s.idList(ctx, largestMailboxes, map[string]any{"n": int64(n)})
}

// MedianMailboxes returns the ids of up to n members, drawn at random, whose inbox holds at least
// page conversations and at most the median number among members with that many.
func (s *Baseline) MedianMailboxes(ctx context.Context, n, page int) (_ []string, err error) {
	defer bolt.Wrap(&err, "MedianMailboxes(%d, %d)", n, page)
	return s.idList(ctx, medianMailboxes, map[string]any{"n": int64(n), "page": int64(page)})
}

// RandomNeighbor returns one connection of a member drawn at random, or "" when it has none.
func (s *Baseline) RandomNeighbor(ctx context.Context, id string) (_ string, err error) {
	defer bolt.Wrap(&err, "RandomNeighbor(%q)", id)
	recs, err := s.db.Read(ctx, randomNeighbor, map[string]any{"id": id})
	if err != nil || len(recs) == 0 {
		return "", err
	}
	return bolt.Value[string](recs[0], "next")
}

// Neo4jMemory returns the server's memory settings by name; settings left to their defaults
// (such as an embedded server's heap, set on the JVM) are absent.
func (s *Baseline) Neo4jMemory(ctx context.Context) (_ map[string]string, err error) {
	defer bolt.Wrap(&err, "Neo4jMemory")
	recs, err := s.db.Read(ctx, neo4jMemory, nil)
	if err != nil {
		return nil, err
	}
	out := make(map[string]string, len(recs))
	for _, rec := range recs {
		name, err1 := bolt.Value[string](rec, "name")
		v, err2 := bolt.Value[string](rec, "value")
		if err1 != nil || err2 != nil {
			return nil, fmt.Errorf("memory setting: %w", errors.Join(err1, err2))
		}
		out[name] = v
	}
	return out, nil
}

// Size is how many members and connections the graph holds.
type Size struct{ Members, Connections int }

// Size returns how many members and connections the graph holds.
func (s *Baseline) Size(ctx context.Context) (_ Size, err error) {
	defer bolt.Wrap(&err, "Size")
	recs, err := s.db.Read(ctx, graphSize, nil)
	if err != nil {
		return Size{}, err
	}
	members, err1 := bolt.Value[int64](recs[0], "members")
	connections, err2 := bolt.Value[int64](recs[0], "connections")
	if err1 != nil || err2 != nil {
		return Size{}, fmt.Errorf("graph size: %w", errors.Join(err1, err2))
	}
	return Size{Members: int(members), Connections: int(connections)}, nil
}

func (s *Baseline) idList(ctx context.Context, query string, params map[string]any) ([]string, error) {
	recs, err := s.db.Read(ctx, query, params)
	if err != nil || len(recs) == 0 {
		return nil, err
	}
	list, err := bolt.Value[[]any](recs[0], "ids")
	if err != nil {
		return nil, err
	}
	ids := make([]string, 0, len(list))
	for _, v := range list {
		if id, ok := v.(string); ok {
			ids = append(ids, id)
		}
	}
	return ids, nil
}

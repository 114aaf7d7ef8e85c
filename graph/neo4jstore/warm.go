package neo4jstore

import (
	"context"
	"time"
)

// Warm has Neo4j plan every statement the store has run so far, as after a restart of Neo4j, and
// returns how many it planned and how long that took. It stops at the first failure, such as
// Neo4j going away again, and returns it.
func (s *Store) Warm(ctx context.Context) (planned int, took time.Duration, err error) {
	return s.db.Warm(ctx)
}

// Restarted forgets what a Neo4j that started again no longer holds (bolt.DB.Restarted), before
// Warm plans the statements again.
func (s *Store) Restarted() { s.db.Restarted() }

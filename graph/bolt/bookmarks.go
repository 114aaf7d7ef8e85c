package bolt

import (
	"context"
	"sync"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
)

// Bookmarks is the bookmark manager a DB's sessions share, so that a read begun after a write
// sees it, on a cluster too; Forget empties it. A database restored from a backup never made the
// transactions that bookmarks of before the restore name, and Neo4j holds every transaction
// carrying them until it has made as many again: the change log's reader, whose reads carry no
// bookmarks (WithoutBookmarks), forgets them when the log's history is not the one its
// projection applied, or the log is another (graph/changelog/fork.go).
type Bookmarks struct {
	mu sync.RWMutex
	m  neo4j.BookmarkManager
}

// NewBookmarks returns an empty bookmark manager.
func NewBookmarks() *Bookmarks {
	return &Bookmarks{m: neo4j.NewBookmarkManager(neo4j.BookmarkManagerConfig{})}
}

// UpdateBookmarks is neo4j.BookmarkManager's.
func (b *Bookmarks) UpdateBookmarks(ctx context.Context, previous, next neo4j.Bookmarks) error {
	return b.current().UpdateBookmarks(ctx, previous, next)
}

// GetBookmarks is neo4j.BookmarkManager's.
func (b *Bookmarks) GetBookmarks(ctx context.Context) (neo4j.Bookmarks, error) {
	return b.current().GetBookmarks(ctx)
}

// Forget drops every bookmark: the sessions opened from now on wait for no earlier transaction.
func (b *Bookmarks) Forget() {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.m = neo4j.NewBookmarkManager(neo4j.BookmarkManagerConfig{})
}

func (b *Bookmarks) current() neo4j.BookmarkManager {
	b.mu.RLock()
	defer b.mu.RUnlock()
	return b.m
}

// withoutBookmarks marks a context whose sessions carry no bookmarks.
type withoutBookmarks struct{}

// WithoutBookmarks returns ctx marked so that the sessions opened with it wait for no earlier
// transaction: the change log's reads, which must find the database as it is, even one restored
// from a backup that never made the transactions this process's bookmarks name.
func WithoutBookmarks(ctx context.Context) context.Context {
	return context.WithValue(ctx, withoutBookmarks{}, true)
}

// bookmarksWanted tells whether ctx's sessions carry the DB's bookmarks.
func bookmarksWanted(ctx context.Context) bool { return ctx.Value(withoutBookmarks{}) == nil }

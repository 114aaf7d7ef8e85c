package bolt

import (
	"context"
	"testing"
)

// TestForgetBookmarks checks that Forget leaves no bookmark for later sessions to wait for, and
// that the bookmarks of transactions after it count again.
func TestForgetBookmarks(t *testing.T) {
	ctx := context.Background()
	b := NewBookmarks()
	_ = b.UpdateBookmarks(ctx, nil, []string{"before"})
	b.Forget()
	if got, _ := b.GetBookmarks(ctx); len(got) != 0 {
		t.Errorf("after Forget the bookmarks are %v, want none", got)
	}
	_ = b.UpdateBookmarks(ctx, []string{"before"}, []string{"after"})
	if got, _ := b.GetBookmarks(ctx); len(got) != 1 || got[0] != "after" {
		t.Errorf("bookmarks %v, want [after]", got)
	}
}

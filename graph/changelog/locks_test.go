package changelog

import (
	"testing"
	"time"
)

// TestLockTimes checks that a lock taken and released moves both histograms, each observation in
// the buckets of its duration and above.
func TestLockTimes(t *testing.T) {
	var times LockTimes
	hold := &lockHold{times: &times}
	hold.released() // no lock taken: nothing to count
	hold.took(3*time.Millisecond, time.Now().Add(-time.Millisecond))
	hold.released()
	hold.released() // released once only
	st := times.Stats()
	if st.Waited.Count != 1 || st.Held.Count != 1 {
		t.Fatalf("waited %d times, held %d times; want 1 each", st.Waited.Count, st.Held.Count)
	}
	if st.Waited.Sum != 3*time.Millisecond {
		t.Errorf("waited %s in all, want 3ms", st.Waited.Sum)
	}
	if st.Held.Sum < time.Millisecond {
		t.Errorf("held %s in all, want at least the 1ms since the locks were taken", st.Held.Sum)
	}
	for i, b := range st.Waited.Bounds {
		if want := uint64(0); b >= 5*time.Millisecond {
			if want = 1; st.Waited.Counts[i] != want {
				t.Errorf("waits of at most %s: %d, want %d", b, st.Waited.Counts[i], want)
			}
		} else if b < 3*time.Millisecond && st.Waited.Counts[i] != want {
			t.Errorf("waits of at most %s: %d, want %d", b, st.Waited.Counts[i], want)
		}
	}
}

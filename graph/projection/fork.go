package projection

import (
	"fmt"
	"slices"
)

// This file tells a projection whose history has forked from the log's. A database restored from
// a backup keeps the log's epoch and numbers its next changes as it numbered the changes it lost;
// once it has as many, its heads are the projection's positions, and numbers alone cannot tell
// that the projection holds writes Neo4j no longer has and lacks the ones that took their
// places. Each write's changes carry an id that no other write draws (cypher/AppendChange.cypher),
// and the state keeps, by shard, the id of the change at its position (State.AppliedIDs): a log
// that holds another id there, or none, is another history.

// ErrFork says that the change log's history is not the one the projection applied: a change it
// applied is missing from the log or another stands in its place, or the log's head is behind
// it in the same epoch. The projection is loaded again; a snapshot is not used.
var ErrFork = fmt.Errorf("the change log's history is not the one the projection applied: %w", ErrReload)

// Agrees tells whether found, the ids the log holds at the positions at (by shard: a string, ""
// for a change logged before changes had ids, nil for none), are mine, the ids a state applied
// there. A position with no change (0) or whose id the state does not know ("") confirms
// nothing and agrees. A change missing from the log at a position the state knows was lost
// with a fork, or pruned while this replica stood at it, which only a replica behind by the
// log's retention does (cypher/PruneChanges.cypher): either way the state must be loaded again.
func Agrees(at []int64, mine []string, found []any) bool {
	for s, pos := range at {
		if pos == 0 || s >= len(mine) || mine[s] == "" {
			continue
		}
		if idAt(found, s) != mine[s] {
			return false
		}
	}
	return true
}

// Confirm checks st against the ids the log holds at its positions (found, as Agrees reads
// them) before changes are applied to it: it returns ErrFork, and marks st so that nothing
// answers from it, when they differ. Where st knows no id (a load whose head's change was not
// visible yet when the load began, or a change logged before ids) it takes the log's, under the
// write lock, so that every later read can confirm it. Only the tailer, which alone changes st,
// calls it.
func (p *Projection) Confirm(st *State, found []any) error {
	if !Agrees(st.Applied, st.AppliedIDs, found) {
		p.Distrust(st)
		return ErrFork
	}
	for s, id := range st.AppliedIDs {
		if learned := idAt(found, s); id == "" && learned != "" {
			p.mu.Lock()
			st.AppliedIDs[s] = learned
			p.mu.Unlock()
		}
	}
	return nil
}

// idAt is the id found in shard s: "" when there is none or it is not known.
func idAt(found []any, s int) string {
	if s >= len(found) {
		return ""
	}
	id, _ := found[s].(string)
	return id
}

// Position returns the state in place (nil before the first load), its positions and the ids of
// the changes there, copied under the read lock: what a look at the log's head asks the log to
// confirm (Confirmed).
func (p *Projection) Position() (st *State, at []int64, ids []string) {
	p.mu.RLock()
	defer p.mu.RUnlock()
	if p.state == nil {
		return nil, []int64{}, nil
	}
	return p.state, slices.Clone(p.state.Applied), slices.Clone(p.state.AppliedIDs)
}

// Confirmed checks the ids a look at the log's head found at the positions at that Position
// returned for st. It returns ErrFork, and marks st so that nothing answers from it until a new
// state is in place, when they are not st's: the state has forked from the log, and only Neo4j
// can answer until it is loaded again, which the tailer, asked to read the log now, finds too.
func (p *Projection) Confirmed(st *State, at []int64, ids []string, found []any) error {
	if st == nil || Agrees(at, ids, found) {
		return nil
	}
	p.Distrust(st)
	p.poke()
	return ErrFork
}

// Distrust marks st as forked from the log: while it is in place, no read is answered from it.
func (p *Projection) Distrust(st *State) { p.forked.Store(st) }

// trusted tells whether st, the state in place read under the lock, may answer: loaded, and not
// found forked from the log.
func (p *Projection) trusted(st *State) bool { return st != nil && p.forked.Load() != st }

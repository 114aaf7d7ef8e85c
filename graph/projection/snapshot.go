package projection

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"hash"
	"hash/crc32"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/reach-network/reach/graph"
)

// A snapshot is the projection written to a file, so that a restarted replica answers from memory
// within seconds instead of loading every member and connection from Neo4j again: it reads the
// file, then applies the changes logged since (catchUp), as after any load. A snapshot of another
// database (epoch), one older than the log's retention, or one of a history the log no longer
// holds (a database restored from a backup taken before it: the ids of the changes at its
// positions are not the log's, fork.go), fails catchUp's checks and the projection is loaded
// from Neo4j as if there were none; so does a file that is damaged (its
// checksum) or of another format.
//
// The format: snapshotMagic, then uvarints and length-prefixed strings: the epoch and the changes
// applied (how many shards, then each shard's position, then each shard's change id there, ""
// when not known); each member's id, facts, and name and
// headline (as one string, the card); each member's connections, as gaps between sorted numbers;
// the block relations; the pairs' messaging facts; the organisations (id, name, kind, whether it
// exists) and the groups (the same, without kind); each member's organisations (heldKeys) and
// groups, as gaps between sorted numbers; the members' sides of conversations (mailboxes); and a
// CRC-32 of all that came before.

// snapshotMagic opens every snapshot; its last digit is the format's version. Version 2 added
// affiliations, version 3 the members' message requests, version 4 the log's shards, version 5
// the members' names and headlines, version 6 the ids of the changes at its positions, version 7
// the members' sides of their conversations. A snapshot
// of an earlier version is refused, and the projection loaded from Neo4j: it lacks what the
// projection now holds (before version 6, what would tell whether the log still holds its
// history).
const snapshotMagic = "reach-projection-7\n"

func (st *State) Save(path string) error {
	f, err := os.CreateTemp(filepath.Dir(path), filepath.Base(path)+".*")
	if err != nil {
		return err
	}
	defer os.Remove(f.Name()) // after the rename, there is nothing left to remove
	w := newSnapshotWriter(f)
	st.encode(w)
	if err := errors.Join(w.finish(), f.Sync(), f.Close()); err != nil {
		return err
	}
	return os.Rename(f.Name(), path)
}

// loadSnapshot reads the projection saved at path; it fails if there is none or it is damaged.
func LoadSnapshot(path string) (_ *State, err error) {
	defer func() {
		if err != nil {
			err = fmt.Errorf("snapshot %s: %w", path, err)
		}
	}()
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return nil, err
	}
	r := newSnapshotReader(f, info.Size())
	st, err := decodeProjState(r)
	if err != nil {
		return nil, err
	}
	return st, r.finish(f, info.Size())
}

func (st *State) encode(w *snapshotWriter) {
	w.string(st.Epoch)
	w.uint(uint64(len(st.Applied)))
	for _, a := range st.Applied {
		w.uint(uint64(a))
	}
	for _, id := range st.AppliedIDs {
		w.string(id)
	}
	w.uint(uint64(len(st.ids)))
	for k, id := range st.ids {
		w.string(id)
		w.facts(st.facts[k])
		w.string(string(st.cards[k]))
	}
	for _, list := range st.adj {
		w.list(list)
	}
	w.uint(uint64(len(st.hidden)))
	for k, list := range st.hidden {
		w.uint(uint64(k))
		w.list(list)
	}
	w.uint(uint64(len(st.pairs)))
	for key, bits := range st.pairs {
		w.uint(key)
		w.uint(uint64(bits))
	}
	w.catalogue(&st.orgs)
	w.catalogue(&st.groups)
	for k := range st.ids {
		w.list(st.held[k])
		w.list(st.joined[k])
	}
	w.mailboxes(st)
}

func decodeProjState(r *snapshotReader) (*State, error) {
	st := NewState(r.string(), r.applied())
	for s := range st.AppliedIDs {
		st.AppliedIDs[s] = r.string()
	}
	n := r.count()
	st.ids, st.facts, st.cards, st.adj = make([]string, 0, n), make([]MemberFacts, 0, n), make([]card, 0, n), make([][]int32, 0, n)
	for range n {
		id := r.string()
		k := st.appended(id)
		if id == "" { // a free number, of a member gone
			delete(st.index, id)
			st.free = append(st.free, k)
		}
		st.facts[k] = r.facts()
		st.cards[k] = r.card()
	}
	if len(st.index)+len(st.free) != n {
		r.fail("%d members, %d of them distinct", n, len(st.index)+len(st.free))
	}
	for k := range st.adj {
		st.adj[k] = r.list(n)
	}
	st.countLinks()
	for range r.count() {
		k := r.member(n)
		st.hidden[k] = r.list(n)
	}
	for range r.count() {
		key := r.uint()
		st.pairs[key] = PairBits(r.uint())
	}
	r.catalogue(&st.orgs)
	r.catalogue(&st.groups)
	for k := range st.ids {
		st.held[k] = r.list(2 * len(st.orgs.entries))
		st.joined[k] = r.list(len(st.groups.entries))
	}
	r.mailboxes(st)
	for k, id := range st.ids { // members gone that a snapshot of an earlier version still holds
		if id != "" && !st.facts[k].Present {
			st.forget(int32(k), false)
		}
	}
	return st, r.err
}

// snapshotWriter writes a snapshot's fields and keeps its checksum. Its writes go through a
// bufio.Writer, whose first error sticks and is returned by finish's Flush, so single writes
// leave their errors to it.
type snapshotWriter struct {
	out io.Writer
	w   *bufio.Writer
	sum hash.Hash32
	buf [binary.MaxVarintLen64]byte
}

func newSnapshotWriter(out io.Writer) *snapshotWriter {
	sum := crc32.NewIEEE()
	w := &snapshotWriter{out: out, w: bufio.NewWriterSize(io.MultiWriter(out, sum), 1<<20), sum: sum}
	_, _ = w.w.WriteString(snapshotMagic)
	return w
}

func (w *snapshotWriter) uint(v uint64) { _, _ = w.w.Write(binary.AppendUvarint(w.buf[:0], v)) }

func (w *snapshotWriter) string(s string) {
	w.uint(uint64(len(s)))
	_, _ = w.w.WriteString(s)
}

func (w *snapshotWriter) bool(b bool) {
	if b {
		w.uint(1)
	} else {
		w.uint(0)
	}
}

// list writes a sorted list of member numbers as its length and the gaps between them.
func (w *snapshotWriter) list(list []int32) {
	w.uint(uint64(len(list)))
	prev := int32(-1)
	for _, k := range list {
		w.uint(uint64(k - prev))
		prev = k
	}
}

func (w *snapshotWriter) facts(f MemberFacts) {
	w.bool(f.Present)
	w.string(string(f.Inmail))
	w.bool(f.OpenProfile)
	w.bool(f.Restricted)
	w.string(string(f.Plan))
	w.uint(uint64(f.Credits))
	var granted int64
	if !f.GrantedAt.IsZero() {
		granted = f.GrantedAt.UnixMilli()
	}
	w.uint(uint64(granted))
	w.bool(f.RequestsOff)
	w.uint(uint64(f.RequestsMonth))
	w.uint(uint64(f.RequestsSent))
}

// catalogue writes the organisations or groups, in number order.
func (w *snapshotWriter) catalogue(c *catalogue) {
	w.uint(uint64(len(c.entries)))
	for _, e := range c.entries {
		w.string(e.id)
		w.string(e.name)
		w.string(string(e.Kind))
		w.bool(e.present)
	}
}

// mailboxes writes the members' sides of their conversations (conversations.go): how many
// mailboxes, each as its member's id and its sides, then the members whose conversations the state
// does not hold.
func (w *snapshotWriter) mailboxes(st *State) {
	w.uint(uint64(len(st.mailboxes)))
	for id, mb := range st.mailboxes {
		w.string(id)
		w.uint(uint64(len(mb.sides)))
		for _, s := range mb.sides {
			w.side(s)
		}
	}
	w.uint(uint64(len(st.unheld)))
	for id := range st.unheld {
		w.string(id)
	}
}

func (w *snapshotWriter) side(s *side) {
	w.string(s.conversation)
	w.string(s.with)
	w.string(string(s.kind))
	w.int(int64(s.unread))
	w.string(string(s.filed))
	w.bool(s.archived)
	w.bool(s.muted)
	w.bool(s.listed)
	m := s.last.row()
	w.string(m.ID)
	w.string(string(m.Kind))
	w.bool(m.Mine)
	w.string(m.Text)
	w.int(m.At.UnixNano())
	w.bool(m.Read)
	w.string(m.Via.Kind)
	w.string(m.Via.ID)
	w.string(m.Via.Name)
}

func (w *snapshotWriter) int(v int64) { _, _ = w.w.Write(binary.AppendVarint(w.buf[:0], v)) }

// finish flushes, then writes the checksum of everything written.
func (w *snapshotWriter) finish() error {
	if err := w.w.Flush(); err != nil {
		return err
	}
	return binary.Write(w.out, binary.BigEndian, w.sum.Sum32())
}

// snapshotReader reads a snapshot's fields, keeping the first error and the checksum.
type snapshotReader struct {
	r   *bufio.Reader
	sum hash.Hash32
	err error
}

// newSnapshotReader reads the size bytes of f before its checksum, hashing them as they are read.
func newSnapshotReader(f io.Reader, size int64) *snapshotReader {
	sum := crc32.NewIEEE()
	body := io.TeeReader(io.LimitReader(f, max(size-crc32.Size, 0)), sum)
	r := &snapshotReader{r: bufio.NewReaderSize(body, 1<<20), sum: sum}
	magic := make([]byte, len(snapshotMagic))
	if _, err := io.ReadFull(r.r, magic); err != nil || string(magic) != snapshotMagic {
		r.err = errors.New("not a snapshot of this format")
	}
	return r
}

// applied reads the changes the snapshot's state applied, by shard.
func (r *snapshotReader) applied() []int64 {
	n := r.count()
	if n > maxShards {
		r.fail("%d shards", n)
		return nil
	}
	out := make([]int64, n)
	for i := range out {
		out[i] = int64(r.uint())
	}
	return out
}

func (r *snapshotReader) uint() uint64 {
	if r.err != nil {
		return 0
	}
	v, err := binary.ReadUvarint(r.r)
	if err != nil {
		r.err = fmt.Errorf("truncated: %w", err)
	}
	return v
}

// count reads a number of things to follow, which a damaged file could make huge.
func (r *snapshotReader) count() int {
	n := r.uint()
	if n > 1<<31 {
		r.fail("a count of %d", n)
		return 0
	}
	return int(n)
}

func (r *snapshotReader) string() string {
	n := r.count()
	if r.err != nil || n > 1<<20 {
		r.fail("a string of %d bytes", n)
		return ""
	}
	b := make([]byte, n)
	if _, err := io.ReadFull(r.r, b); err != nil {
		r.fail("truncated: %v", err)
	}
	return string(b)
}

func (r *snapshotReader) bool() bool { return r.uint() != 0 }

func (r *snapshotReader) int() int64 {
	if r.err != nil {
		return 0
	}
	v, err := binary.ReadVarint(r.r)
	if err != nil {
		r.err = fmt.Errorf("truncated: %w", err)
	}
	return v
}

// mailboxes reads what snapshotWriter.mailboxes wrote into st, whose n members are read.
func (r *snapshotReader) mailboxes(st *State) {
	for range r.count() {
		id := r.string()
		if _, ok := st.index[id]; !ok && r.err == nil {
			r.fail("a mailbox of %q, who is no member", id)
		}
		mb := st.mailboxOf(id, true)
		for range r.count() {
			if r.err != nil {
				return
			}
			s := r.side()
			if k, ok := st.index[s.with]; ok {
				s.with = st.ids[k] // the state's copy of the id, shared
			}
			mb.add(s)
		}
	}
	st.SortSides()
	for range r.count() {
		st.unheld[r.string()] = true
	}
}

func (r *snapshotReader) side() *side {
	s := &side{conversation: r.string(), with: r.string(), kind: graph.ConversationKind(r.string()),
		unread: int32(r.int()), filed: graph.ConversationBox(r.string()), archived: r.bool(), muted: r.bool(), listed: r.bool()}
	m := LastMessage{ID: r.string(), Kind: graph.MessageKind(r.string()), Mine: r.bool(), Text: r.string()}
	m.At = time.Unix(0, r.int()).UTC()
	m.Read = r.bool()
	m.Via = graph.Via{Kind: r.string(), Affiliate: graph.Affiliate{ID: r.string(), Name: r.string()}}
	s.last = lastOf(m)
	s.kind, s.filed = known(s.kind, graph.ConversationKinds), known(s.filed, boxOrder[:])
	return s
}

// member reads a member number, which must be below n.
func (r *snapshotReader) member(n int) int32 {
	k := r.uint()
	if k >= uint64(n) {
		r.fail("member %d of %d", k, n)
		return 0
	}
	return int32(k)
}

// list reads a list list wrote, of numbers below n.
func (r *snapshotReader) list(n int) []int32 {
	size := r.count()
	if r.err != nil || size > n {
		r.fail("a list of %d of %d members", size, n)
		return nil
	}
	if size == 0 {
		return nil
	}
	list := make([]int32, size)
	prev := int64(-1)
	for i := range list {
		prev += int64(r.uint())
		if prev >= int64(n) || r.err != nil {
			r.fail("member %d of %d", prev, n)
			return nil
		}
		list[i] = int32(prev)
	}
	return list
}

func (r *snapshotReader) facts() MemberFacts {
	f := MemberFacts{Present: r.bool(), Inmail: graph.InMailPolicy(r.string()), OpenProfile: r.bool(),
		Restricted: r.bool(), Plan: graph.Plan(r.string()), Credits: int(r.uint())}
	f.GrantedAt = Millis(int64(r.uint()))
	f.RequestsOff = r.bool()
	f.RequestsMonth, f.RequestsSent = int32(r.uint()), int32(r.uint())
	return f
}

// card reads a member's name and headline, as one string.
func (r *snapshotReader) card() card {
	c := card(r.string())
	if _, width := uvarint(string(c)); c != "" && c != unnamed && width == 0 {
		r.fail("a name and headline of %d bytes that do not read as one", len(c))
	}
	return c
}

func (r *snapshotReader) catalogue(c *catalogue) {
	n := r.count()
	for range n {
		k, _ := c.Number(r.string(), true)
		c.entries[k] = affiliate{id: c.entries[k].id, name: r.string(), Kind: graph.OrgKind(r.string()), present: r.bool()}
	}
	if len(c.entries) != n {
		r.fail("%d organisations or groups, %d of them distinct", n, len(c.entries))
	}
}

func (r *snapshotReader) fail(format string, args ...any) {
	if r.err == nil {
		r.err = fmt.Errorf("damaged: "+format, args...)
	}
}

// finish checks that everything before the checksum was read, and the checksum that ends f.
func (r *snapshotReader) finish(f io.ReaderAt, size int64) error {
	if r.err != nil {
		return r.err
	}
	if n, _ := io.Copy(io.Discard, r.r); n > 0 {
		return fmt.Errorf("damaged: %d bytes more than its contents", n)
	}
	var got [crc32.Size]byte
	if _, err := f.ReadAt(got[:], size-crc32.Size); err != nil {
		return fmt.Errorf("no checksum: %w", err)
	}
	if binary.BigEndian.Uint32(got[:]) != r.sum.Sum32() {
		return errors.New("damaged: its checksum does not match")
	}
	return nil
}

package projection

import (
	"cmp"
	"encoding/binary"
	"errors"
	"slices"
	"strings"

	"github.com/reach-network/reach/graph"
)

// card is what a list of members shows of one (graph.MemberSummary) besides the id: the name and
// the headline, packed into one string so that a member costs one string header: the name's
// length as a uvarint, the name, then the headline. A member with neither, or not present, has
// the empty card.
type card string

// unnamed is the card of a member whose name and headline the state does not know: a change
// recorded their facts without them, as replicas of versions before names were kept in memory
// write it (during a rolling upgrade). newCard never makes it: its length prefix runs past its end.
// It lasts until a change with the member's name, or the next load.
const unnamed card = "\x7f"

// ErrUnnamed is what a page ordered by name answers when a member it would order has no name in the
// state (unnamed): Neo4j, which holds the name, answers it instead.
var ErrUnnamed = errors.New("projection: a member's name is not known to this replica")

// newCard packs a name and a headline into one allocation.
func newCard(name, headline string) card {
	if name == "" && headline == "" {
		return ""
	}
	var size [binary.MaxVarintLen64]byte
	prefix := binary.PutUvarint(size[:], uint64(len(name)))
	var b strings.Builder
	b.Grow(prefix + len(name) + len(headline))
	b.Write(size[:prefix])
	b.WriteString(name)
	b.WriteString(headline)
	return card(b.String())
}

// split returns the card's name and headline, without copying them.
func (c card) split() (name, headline string) {
	n, width := uvarint(string(c))
	if width == 0 {
		return "", ""
	}
	return string(c[width : width+n]), string(c[width+n:])
}

// name is the card's name, without copying it.
func (c card) name() string {
	name, _ := c.split()
	return name
}

// uvarint reads the uvarint that starts s, as binary.Uvarint does, and its width; width 0 when
// s does not start with one or it exceeds the rest of s.
func uvarint(s string) (n, width int) {
	var v uint64
	for i := 0; i < len(s) && i < binary.MaxVarintLen64; i++ {
		v |= uint64(s[i]&0x7f) << (7 * i)
		if s[i] < 0x80 {
			if v > uint64(len(s)-i-1) {
				return 0, 0
			}
			return int(v), i + 1
		}
	}
	return 0, 0
}

// MutualPage answers one page of the connections the caller and a member share, leaving out
// members in a block relation with the caller, with their total: ordered by name then id, as the
// Neo4j path's page (cypher/MutualPage.cypher) orders them (strings by code point, as Neo4j
// compares them), starting after the key page.After names when given, with a cursor to the next
// page when more follow. It costs a merge of the two members' connection lists and, of the
// mutual connections after the key, a comparison each with the page's last (and an insertion for
// those that go in the page); it asks Neo4j nothing. Returns ErrNotFound as Reach does,
// ErrInvalidCursor for a cursor that no name-ordered list gave out, and ErrUnnamed when a mutual
// connection's name is not known.
func (st *State) MutualPage(caller, member string, page graph.PageRequest) (graph.Page[graph.MemberSummary], error) {
	kc, km, err := st.pair(caller, member)
	if err != nil {
		return graph.Page[graph.MemberSummary]{}, err
	}
	var after graph.NameKey
	from, err := graph.DecodeCursor(page.After, &after)
	if err != nil {
		return graph.Page[graph.MemberSummary]{}, err
	}
	total, want := 0, max(page.Limit, 0)+1 // one more than the page: it says that another follows
	top := make([]int32, 0, min(want, 64)) // the first members after the key, in order
	if kc != km {
		for x := range graph.Common(st.adj[kc], st.adj[km]) {
			if graph.Contains(st.hidden[kc], x) {
				continue
			}
			if st.cards[x] == unnamed {
				return graph.Page[graph.MemberSummary]{}, ErrUnnamed
			}
			total++
			if from && st.compareKey(x, after) <= 0 {
				continue
			}
			top = st.keepFirst(top, x, want)
		}
	}
	items := make([]graph.MemberSummary, len(top))
	for i, x := range top {
		name, headline := st.cards[x].split()
		items[i] = graph.MemberSummary{ID: st.ids[x], Name: name, Headline: headline}
	}
	out := graph.PageOf(items, page.Limit, func(m graph.MemberSummary) any { return graph.NameKey{Name: m.Name, ID: m.ID} })
	out.Total = total
	return out, nil
}

// keepFirst puts member x into top, a list sorted by name then id, when it is among the first n.
func (st *State) keepFirst(top []int32, x int32, n int) []int32 {
	if len(top) == n && st.compare(x, top[n-1]) >= 0 {
		return top
	}
	i, _ := slices.BinarySearchFunc(top, x, st.compare)
	top = slices.Insert(top, i, x)
	if len(top) > n {
		top = top[:n]
	}
	return top
}

// compare orders members x and y by name, then id.
func (st *State) compare(x, y int32) int {
	return cmp.Or(strings.Compare(st.cards[x].name(), st.cards[y].name()), strings.Compare(st.ids[x], st.ids[y]))
}

// compareKey orders member x against a cursor's key, by name, then id.
func (st *State) compareKey(x int32, key graph.NameKey) int {
	return cmp.Or(strings.Compare(st.cards[x].name(), key.Name), strings.Compare(st.ids[x], key.ID))
}

package projection

import (
	"cmp"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/reach-network/reach/graph"
)

// This file keeps members' sides of their conversations, so that a page of conversations is
// answered from memory: each member's sides, by conversation and, in the order their pages list
// them, by box. The change log records every side a write changes (cypher/AppendChange.cypher:
// sideOf and the columns after it), as a load reads them (cypher/ProjectionSides.cypher).

// ErrUnheld says that the state does not hold a member's conversations as Neo4j does: an account
// closed since the load renamed the conversations its partners had with it (neo4jstore's
// CloseAccount rebuilds them without recording them, to keep its work under the log's lock
// bounded), or a change written by an older version changed sides without recording them. Such a
// page is for Neo4j to answer, until the next load from Neo4j (a snapshot keeps the mark).
var ErrUnheld = errors.New("the state does not hold this member's conversations")

// SideRow is one member's side of a conversation as the log records it and a load reads it.
type SideRow struct {
	Member, Conversation string
	With                 string // the other member's id; "" for a former member
	Kind                 graph.ConversationKind
	Unread               int
	Filed                graph.ConversationBox
	Archived, Muted      bool
	Listed               bool // the side has a last message, and so a place in a box
	Last                 LastMessage
}

// ReadSide reads one side from its columns, named as AppendChange records them (sideOf, sideIn,
// sideWith, ... lastViaName) and as ProjectionSides returns them, so that the log and a load
// read a side alike. value gives a column's value: nil, when null or absent, reads as zero; a
// value of another type is an error.
func ReadSide(value func(column string) any) (SideRow, error) {
	return readSide(&values{value: value})
}

// readSide reads a side from r.
func readSide(r *values) (SideRow, error) {
	at := r.number("lastAt") // unix nanoseconds; 0 when the side has no message
	row := SideRow{Member: r.str("sideOf"), Conversation: r.str("sideIn"), With: r.str("sideWith"),
		Kind: graph.ConversationKind(r.str("sideKind")), Unread: int(r.number("sideUnread")),
		Filed: graph.ConversationBox(r.str("sideFiled")), Archived: r.flag("sideArchived"),
		Muted: r.flag("sideMuted"), Listed: r.str("sideActivity") != ""}
	row.Last = LastMessage{ID: r.str("lastId"), Kind: graph.MessageKind(r.str("lastKind")), Mine: r.flag("lastMine"),
		Text: r.str("lastText"), Read: r.flag("lastRead"),
		Via: graph.Via{Kind: r.str("lastViaKind"), Affiliate: graph.Affiliate{ID: r.str("lastViaId"), Name: r.str("lastViaName")}}}
	if at != 0 {
		row.Last.At = time.Unix(0, at).UTC()
	}
	if r.err != nil {
		return SideRow{}, fmt.Errorf("side %s of %s: %w", row.Conversation, row.Member, r.err)
	}
	return row, nil
}

// LastMessage is what a conversation's row shows of its last message.
type LastMessage struct {
	ID   string
	Kind graph.MessageKind
	Mine bool   // the side's member sent it
	Text string // its body's beginning: Excerpt keeps what a preview shows
	At   time.Time
	Read bool
	Via  graph.Via
}

// side is SideRow as a mailbox keeps it, small: the kinds and box as the package's constants, the
// body's excerpt alone. The other member is kept by id, not number: a number is given to the next
// member once its own leaves, and a side of a member gone must not show the next one.
type side struct {
	conversation    string
	last            lastMessage
	kind            graph.ConversationKind
	filed           graph.ConversationBox
	with            string // the other member's id; "" for a former member
	unread          int32
	archived, muted bool
	listed          bool
}

// lastMessage is LastMessage as a side keeps it.
type lastMessage struct {
	id, excerpt string
	kind        graph.MessageKind
	via         *graph.Via // nil for all but message requests
	at          int64      // unix nanoseconds
	mine, read  bool
}

// boxOrder numbers the boxes a mailbox lists sides in.
var boxOrder = [...]graph.ConversationBox{graph.BoxInbox, graph.BoxOther, graph.BoxArchived, graph.BoxRequests}

// boxNumber is box's place in boxOrder; false for a box no page asks for.
func boxNumber(box graph.ConversationBox) (int, bool) {
	for i, b := range boxOrder {
		if b == box {
			return i, true
		}
	}
	return 0, false
}

// box is the number of the box that lists s: none while it has no last message.
func (s *side) box() (int, bool) {
	switch {
	case !s.listed:
		return 0, false
	case s.archived:
		return boxNumber(graph.BoxArchived)
	}
	return boxNumber(s.filed)
}

// newer orders sides as their box lists them: by their last message's graph.ActivityKey, newest
// activity first, then by id.
func newer(a, b *side) int {
	if c := cmp.Compare(b.last.at, a.last.at); c != 0 {
		return c
	}
	return strings.Compare(a.last.id, b.last.id)
}

// mailbox is one member's sides of conversations.
type mailbox struct {
	sides map[string]*side       // by conversation
	boxes [len(boxOrder)][]*side // by box number, each in its order (newer)
}

// put files s in place of the side of the same conversation, if any.
func (mb *mailbox) put(s *side) {
	mb.remove(s.conversation)
	mb.sides[s.conversation] = s
	if box, ok := s.box(); ok {
		list := mb.boxes[box]
		i, _ := slices.BinarySearchFunc(list, s, newer)
		mb.boxes[box] = slices.Insert(list, i, s)
	}
}

// remove takes the side of conversation out of the mailbox.
func (mb *mailbox) remove(conversation string) {
	old, ok := mb.sides[conversation]
	if !ok {
		return
	}
	delete(mb.sides, conversation)
	box, listed := old.box()
	if !listed {
		return
	}
	list := mb.boxes[box]
	// No two sides share a last message, so old's place is its key's.
	if i, _ := slices.BinarySearchFunc(list, old, newer); i < len(list) && list[i] == old {
		list = slices.Delete(list, i, i+1)
	}
	if len(list) == 0 {
		list = nil // an empty box holds nothing
	}
	mb.boxes[box] = list
}

// mailboxOf returns the mailbox of member id, made when create is set.
func (st *State) mailboxOf(id string, create bool) *mailbox {
	mb := st.mailboxes[id]
	if mb == nil && create {
		mb = &mailbox{sides: map[string]*side{}}
		st.mailboxes[id] = mb
	}
	return mb
}

// PutSide keeps one side as a change records it, in place of the side of the same conversation:
// a side of a member the state does not hold is left out, and one not listed is kept only to know
// the member's partners (closeMailbox).
func (st *State) PutSide(row SideRow) {
	if s, mb := st.sideOf(row); s != nil {
		mb.put(s)
	}
}

// AddSide adds to a state being loaded one row of ProjectionSides, as PutSide would, in no order:
// SortSides must follow the last row.
func (st *State) AddSide(row SideRow) {
	if _, held := st.Number(row.With, false); row.With != "" && !held {
		return // a member who joined after the load read the members: the log brings both
	}
	if s, mb := st.sideOf(row); s != nil {
		mb.add(s)
	}
}

// add is put in no order: SortSides must follow.
func (mb *mailbox) add(s *side) {
	mb.sides[s.conversation] = s
	if box, ok := s.box(); ok {
		mb.boxes[box] = append(mb.boxes[box], s)
	}
}

// SortSides puts every box AddSide filled in its order.
func (st *State) SortSides() {
	for _, mb := range st.mailboxes {
		for _, list := range mb.boxes {
			slices.SortFunc(list, newer)
		}
	}
}

// sideOf is row as its member's mailbox keeps it, with that mailbox; nil for a member the state
// does not hold.
func (st *State) sideOf(row SideRow) (*side, *mailbox) {
	if _, ok := st.Number(row.Member, false); !ok {
		return nil, nil
	}
	with := row.With
	if k, ok := st.Number(with, false); ok {
		with = st.ids[k] // the state's copy of the id, shared
	}
	return &side{conversation: row.Conversation, with: with, kind: known(row.Kind, graph.ConversationKinds),
		unread: int32(row.Unread), filed: known(row.Filed, boxOrder[:]), archived: row.Archived, muted: row.Muted,
		listed: row.Listed, last: lastOf(row.Last)}, st.mailboxOf(row.Member, true)
}

// lastOf is m as a side keeps it.
func lastOf(m LastMessage) lastMessage {
	out := lastMessage{id: m.ID, excerpt: graph.Excerpt(m.Text), mine: m.Mine, read: m.Read, kind: known(m.Kind, messageKinds)}
	if !m.At.IsZero() { // a side with no message has no time
		out.at = m.At.UnixNano()
	}
	if m.Via != (graph.Via{}) {
		out.via = &m.Via
	}
	return out
}

// row is m as a SideRow holds it.
func (m lastMessage) row() LastMessage {
	out := LastMessage{ID: m.id, Kind: m.kind, Mine: m.mine, Text: m.excerpt, At: time.Unix(0, m.at).UTC(), Read: m.read}
	if m.via != nil {
		out.Via = *m.via
	}
	return out
}

// messageKinds are the kinds of messages, for known.
var messageKinds = []graph.MessageKind{graph.KindMessage, graph.KindInMail, graph.KindRequest}

// known is v as the constant of the same value among values, so that the many sides holding it
// share the constant's bytes; v itself when it is none of them.
func known[T ~string](v T, values []T) T {
	for _, k := range values {
		if k == v {
			return k
		}
	}
	return v
}

// dropSide takes a side the log records as gone out of its member's mailbox.
func (st *State) dropSide(member, conversation string) {
	if mb := st.mailboxOf(member, false); mb != nil {
		mb.remove(conversation)
	}
}

// closeMailbox forgets the mailbox of member id, whose account closed: the conversations its
// partners had with it were renamed and rebuilt, which the log does not record, so their
// mailboxes are no longer held (ErrUnheld).
func (st *State) closeMailbox(id string) {
	mb := st.mailboxes[id]
	if mb == nil {
		return
	}
	for _, s := range mb.sides {
		if s.with != "" {
			st.unheld[s.with] = true
		}
	}
	delete(st.mailboxes, id)
	delete(st.unheld, id)
}

// ConversationPage is a page of caller's conversations in one box, as neo4jstore's Conversations
// answers it (cypher/Conversations.cypher): newest activity first, those with a member in a block
// relation with the caller left out, each with how the caller stands to the other member.
// ErrUnheld when the state does not hold the caller's conversations, ErrUnnamed when it does not
// know the name of a member the page shows.
func (st *State) ConversationPage(caller string, filter graph.ConversationFilter, page graph.PageRequest, now time.Time, requestsMonthly int) (graph.Page[graph.Conversation], error) {
	var after graph.TimeKey
	from, err := graph.DecodeCursor(page.After, &after)
	if err != nil {
		return graph.Page[graph.Conversation]{}, err
	}
	if st.unheld[caller] {
		return graph.Page[graph.Conversation]{}, ErrUnheld
	}
	kc, ok := st.Number(caller, false)
	mb := st.mailboxOf(caller, false)
	if !ok || mb == nil {
		return graph.Page[graph.Conversation]{}, nil
	}
	box, ok := boxNumber(filter.Box)
	if !ok {
		return graph.Page[graph.Conversation]{}, nil
	}
	list := mb.boxes[box]
	start := 0
	if from {
		key := graph.ActivityKey(after.At, after.ID)
		start, _ = slices.BinarySearchFunc(list, key, func(s *side, key string) int {
			if graph.ActivityKey(time.Unix(0, s.last.at), s.last.id) <= key {
				return -1
			}
			return 1
		})
	}
	want, hidden := max(page.Limit, 0)+1, st.hiddenFrom(kc)
	items := make([]graph.Conversation, 0, min(want, 32))
	for _, s := range list[start:] {
		if len(items) == want {
			break
		}
		if (filter.UnreadOnly && s.unread <= 0) || (filter.Kind != "" && s.kind != filter.Kind) {
			continue
		}
		km, held := st.Number(s.with, false)
		if s.with != "" && !held {
			return graph.Page[graph.Conversation]{}, ErrUnheld // renamed by a closure the log does not record
		}
		if s.with != "" && hidden[km] {
			continue
		}
		c, err := st.conversation(kc, km, s, filter.Box, hidden, now, requestsMonthly)
		if err != nil {
			return graph.Page[graph.Conversation]{}, err
		}
		items = append(items, c)
	}
	return graph.PageOf(items, page.Limit, func(c graph.Conversation) any {
		return graph.TimeKey{At: c.LastAt, ID: c.LastMessage.ID}
	}), nil
}

// conversation is s as caller kc's page lists it from box, km being the other member's number
// (unless a former member), hidden the members in a block relation with kc.
func (st *State) conversation(kc, km int32, s *side, box graph.ConversationBox, hidden map[int32]bool, now time.Time, requestsMonthly int) (graph.Conversation, error) {
	with := graph.FormerMember
	standing := graph.Standing{Degree: graph.OutOfNetwork, Messaging: graph.Decision{Reason: graph.ReasonClosed}}
	if s.with != "" {
		if st.cards[km] == unnamed {
			return graph.Conversation{}, ErrUnnamed
		}
		name, headline := st.cards[km].split()
		with = graph.MemberSummary{ID: s.with, Name: name, Headline: headline}
		standing = st.standing(kc, km, hidden, now, requestsMonthly)
	}
	if st.cards[kc] == unnamed {
		return graph.Conversation{}, ErrUnnamed
	}
	name, headline := st.cards[kc].split()
	me := graph.MemberSummary{ID: st.ids[kc], Name: name, Headline: headline}
	last := s.last.row()
	m := graph.Message{ID: last.ID, ThreadID: s.conversation, Kind: last.Kind, Body: last.Text,
		From: with, To: me, SentAt: last.At, Read: last.Read, Via: last.Via}
	if last.Mine {
		m.From, m.To = me, with
	}
	return graph.Conversation{ID: s.conversation, With: with, Degree: standing.Degree, Messaging: standing.Messaging,
		LastMessage: m, UnreadCount: int(s.unread), LastAt: last.At, Kind: s.kind, Box: box,
		Archived: s.archived, Muted: s.muted}, nil
}

package neo4jstore

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
	"github.com/reach-network/reach/cypher"
	"github.com/reach-network/reach/graph"
	"github.com/reach-network/reach/graph/bolt"
	"github.com/reach-network/reach/graph/changelog"
)

// backfillPage is how many threads a step of backfillConversations looks at, and at most builds,
// in one transaction.
const backfillPage = 2000

// backfillConversations builds the conversations of messages written before conversations
// existed (or by a replica of an earlier version), a page of threads at a time, each page in a
// transaction of its own: running it again, or after a failure, builds only what is still missing.
// When it built any, one last write records a reload in the change log, since the sides hold pair
// facts replicas keep in memory.
func (s *Store) backfillConversations(ctx context.Context) error {
	built := false
	for after := ""; ; {
		recs, err := s.db.Read(ctx, cypher.ThreadsWithoutConversation, map[string]any{"after": after, "limit": int64(backfillPage)})
		if err != nil {
			return err
		}
		var missing []any
		for _, rec := range recs {
			thread, err1 := bolt.Value[string](rec, "thread")
			built, err2 := bolt.Value[bool](rec, "built")
			if err := errors.Join(err1, err2); err != nil {
				return fmt.Errorf("threads without conversation: %w", err)
			}
			if !built {
				missing = append(missing, thread)
			}
			after = thread
		}
		if len(missing) > 0 {
			built = true
			if _, err := write(ctx, s, func(tx neo4j.ManagedTransaction) (struct{}, error) {
				return struct{}{}, rebuildConversations(ctx, tx, missing)
			}); err != nil {
				return err
			}
		}
		if len(recs) < backfillPage {
			break
		}
	}
	if !built {
		return nil
	}
	_, err := write(ctx, s, func(tx neo4j.ManagedTransaction) (struct{}, error) {
		changelog.TouchAll(tx)
		return struct{}{}, nil
	})
	return err
}

// rebuildConversations builds, inside tx, the conversations of threads from their messages
// (RebuildConversations).
func rebuildConversations(ctx context.Context, tx neo4j.ManagedTransaction, threads []any) error {
	if len(threads) == 0 {
		return nil
	}
	_, err := bolt.Collect(ctx, tx, cypher.RebuildConversations, map[string]any{"batch": map[string]any{"threads": threads}})
	return err
}

// Standings tells how a caller stands to each of some members, as a list's rows show it; a member
// left out is hidden from the caller or gone. Store.Standings answers from Neo4j;
// answer.Service's from memory when it may.
type Standings func(ctx context.Context, caller string, members []string) (map[string]graph.Standing, error)

// Conversations returns one page of the caller's conversations in one box, newest activity first,
// each with how the caller stands to the other member. A page reads the box's keys
// (graph.BoxKey) in order from the cursor's, so its cost follows the page, not the mailbox.
func (s *Store) Conversations(ctx context.Context, caller string, filter graph.ConversationFilter, page graph.PageRequest) (graph.Page[graph.Conversation], error) {
	return s.ConversationsWith(ctx, caller, filter, page, s.Standings)
}

// ConversationsWith is Conversations, asking standings how the caller stands to the members of the
// page, such as from memory (answer.Service).
func (s *Store) ConversationsWith(ctx context.Context, caller string, filter graph.ConversationFilter, page graph.PageRequest, standings Standings) (_ graph.Page[graph.Conversation], err error) {
	defer bolt.Wrap(&err, "Conversations(%q, %s)", caller, filter.Box)
	params, err := ConversationsParams(caller, filter, page)
	if err != nil {
		return graph.Page[graph.Conversation]{}, err
	}
	recs, err := s.db.Read(ctx, cypher.Conversations, params)
	if err != nil {
		return graph.Page[graph.Conversation]{}, err
	}
	items := make([]graph.Conversation, 0, len(recs))
	for _, rec := range recs {
		c, err := toConversation(rec)
		if err != nil {
			return graph.Page[graph.Conversation]{}, err
		}
		items = append(items, c)
	}
	out := graph.PageOf(items, page.Limit, func(c graph.Conversation) any {
		return graph.TimeKey{At: c.LastAt, ID: c.LastMessage.ID}
	})
	return out, withStandings(ctx, caller, out.Items, standings)
}

// ConversationsParams are the parameters of the Conversations statement for a page, so that tests
// and benchmarks can profile exactly what the store runs. Returns ErrInvalidCursor for a cursor
// the box did not give out.
func ConversationsParams(caller string, filter graph.ConversationFilter, page graph.PageRequest) (map[string]any, error) {
	var key graph.TimeKey
	ok, err := graph.DecodeCursor(page.After, &key)
	if err != nil {
		return nil, err
	}
	from, until := graph.BoxRange(caller, filter.Box, key, ok)
	return map[string]any{
		"from": from, "until": until, "unread": filter.UnreadOnly, "kind": string(filter.Kind), "limit": int64(page.Limit),
	}, nil
}

// withStandings fills in how the caller stands to the other member of each conversation: out of
// network, and refused as a closed account, for a former member or one standings leaves out (closed
// or hidden since the page was read).
func withStandings(ctx context.Context, caller string, items []graph.Conversation, standings Standings) error {
	others := make([]string, 0, len(items))
	for i, c := range items {
		items[i].Degree, items[i].Messaging = graph.OutOfNetwork, graph.Decision{Reason: graph.ReasonClosed}
		if !c.With.IsFormer() {
			others = append(others, c.With.ID)
		}
	}
	if len(others) == 0 {
		return nil
	}
	known, err := standings(ctx, caller, others)
	for i := range items {
		if r, ok := known[items[i].With.ID]; ok && !items[i].With.IsFormer() {
			items[i].Degree, items[i].Messaging = r.Degree, r.Messaging
		}
	}
	return err
}

// Conversation returns the conversation id as the caller lists it, with one page of its messages,
// newest first. A conversation the caller has no message in, or with a member in a block relation
// with the caller, is not found, as is anyone else's.
func (s *Store) Conversation(ctx context.Context, caller, id string, page graph.PageRequest) (graph.Conversation, graph.Page[graph.Message], error) {
	return s.ConversationWith(ctx, caller, id, page, s.Standings)
}

// ConversationWith is Conversation, asking standings how the caller stands to the other member.
func (s *Store) ConversationWith(ctx context.Context, caller, id string, page graph.PageRequest, standings Standings) (_ graph.Conversation, _ graph.Page[graph.Message], err error) {
	defer bolt.Wrap(&err, "Conversation(%q, %q)", caller, id)
	var key graph.TimeKey
	ok, err := graph.DecodeCursor(page.After, &key)
	if err != nil {
		return graph.Conversation{}, graph.Page[graph.Message]{}, err
	}
	c, err := s.conversation(ctx, s.db.Read, caller, id, standings)
	if err != nil {
		return graph.Conversation{}, graph.Page[graph.Message]{}, err
	}
	recs, err := s.db.Read(ctx, cypher.ConversationMessages, ConversationMessagesParams(caller, id, key, ok, page.Limit))
	if err != nil {
		return graph.Conversation{}, graph.Page[graph.Message]{}, err
	}
	messages := make([]graph.Message, 0, len(recs))
	for _, rec := range recs {
		m, err := toMessage(rec, "sender", "recipient")
		if err != nil {
			return graph.Conversation{}, graph.Page[graph.Message]{}, err
		}
		messages = append(messages, m)
	}
	return c, graph.PageOf(messages, page.Limit, func(m graph.Message) any { return graph.TimeKey{At: m.SentAt, ID: m.ID} }), nil
}

// ConversationMessagesParams are ConversationMessages' parameters for a page of limit messages of
// conversation id as caller has them, after the message key names (when ok).
func ConversationMessagesParams(caller, id string, key graph.TimeKey, ok bool, limit int) map[string]any {
	from, _ := graph.MailboxRange(caller, key, ok)
	at := endOfTime
	if ok {
		at = bolt.AsNeo4jTime(key.At)
	}
	return map[string]any{"caller": caller, "id": id, "from": from, "at": at, "limit": int64(limit)}
}

// endOfTime is after every message: a first page starts there.
var endOfTime = time.Date(9999, 12, 31, 0, 0, 0, 0, time.UTC)

// conversation reads the conversation id as the caller lists it with q.
func (s *Store) conversation(ctx context.Context, q querier, caller, id string, standings Standings) (graph.Conversation, error) {
	recs, err := q(ctx, cypher.Conversation, map[string]any{"caller": caller, "id": id})
	if err != nil {
		return graph.Conversation{}, err
	}
	if len(recs) == 0 {
		return graph.Conversation{}, graph.Fail(graph.ErrNotFound, "conversation %q not found", id)
	}
	c, err := toConversation(recs[0])
	if err != nil {
		return graph.Conversation{}, err
	}
	items := []graph.Conversation{c}
	err = withStandings(ctx, caller, items, standings)
	return items[0], err
}

// UpdateConversation changes the caller's side of a conversation (graph.ConversationUpdate) and
// answers the conversation as it is then, with what changed, for the caller's other devices to
// hear of. A readUpTo naming no message of the conversation is refused (ErrUnprocessable).
func (s *Store) UpdateConversation(ctx context.Context, caller, id string, u graph.ConversationUpdate) (graph.Conversation, graph.ConversationChanges, error) {
	return s.UpdateConversationWith(ctx, caller, id, u, s.Standings)
}

// UpdateConversationWith is UpdateConversation, asking standings how the caller stands to the other
// member.
func (s *Store) UpdateConversationWith(ctx context.Context, caller, id string, u graph.ConversationUpdate, standings Standings) (_ graph.Conversation, _ graph.ConversationChanges, err error) {
	defer bolt.Wrap(&err, "UpdateConversation(%q, %q)", caller, id)
	type result struct {
		c       graph.Conversation
		changes graph.ConversationChanges
	}
	r, err := write(ctx, s, func(tx neo4j.ManagedTransaction) (result, error) {
		recs, err := bolt.Collect(ctx, tx, cypher.UpdateConversation, map[string]any{
			"caller": caller, "id": id, "readUpTo": u.ReadUpTo, "unread": u.Unread, "archived": optional(u.Archived),
			"muted": optional(u.Muted), "toInbox": u.Box == graph.BoxInbox, "now": s.now(),
		})
		if err != nil {
			return result{}, err
		}
		if len(recs) == 0 {
			return result{}, graph.Fail(graph.ErrNotFound, "conversation %q not found", id)
		}
		marked, err := toMarked(recs[0])
		if err != nil {
			return result{}, err
		}
		changelog.TouchSide(tx, caller, id)
		if marked.other != "" && marked.readNow+marked.unreadNow > 0 {
			changelog.TouchSide(tx, marked.other, id) // whether its last message was read
		}
		if u.ReadUpTo != "" && !marked.upTo {
			return result{}, &graph.Error{Kind: graph.ErrUnprocessable, Field: "readUpTo",
				Detail: fmt.Sprintf("readUpTo %q is no message of conversation %q", u.ReadUpTo, id)}
		}
		c, err := s.conversation(ctx, inTx(tx), caller, id, noStandings)
		if err != nil {
			return result{}, err
		}
		changes := marked.changes(c)
		changelog.Tell(tx, graph.ConversationEvents(caller, c, changes)...) // for the caller's other devices
		return result{c, changes}, nil
	})
	if err != nil {
		return graph.Conversation{}, graph.ConversationChanges{}, err
	}
	items := []graph.Conversation{r.c}
	err = withStandings(ctx, caller, items, standings)
	return items[0], r.changes, err
}

// noStandings leaves how the caller stands to members to be filled in later.
func noStandings(context.Context, string, []string) (map[string]graph.Standing, error) {
	return nil, nil
}

// marked is what UpdateConversation answers: the side before, and the messages it marked.
type marked struct {
	archived, muted    bool
	filed              graph.ConversationBox
	other              string // the other member; "" for a former member
	upTo               bool   // readUpTo named a message of the conversation
	readNow, unreadNow int64
}

// changes is what the update changed of the side, now as c.
func (m marked) changes(c graph.Conversation) graph.ConversationChanges {
	return graph.ConversationChanges{
		Archived: c.Archived != m.archived, Muted: c.Muted != m.muted,
		MovedToInbox: m.filed == graph.BoxOther && c.Box == graph.BoxInbox,
		Read:         m.readNow > 0, Unread: m.unreadNow > 0,
	}
}

func toMarked(rec *neo4j.Record) (marked, error) {
	before, err1 := bolt.Value[map[string]any](rec, "before")
	upTo, err2 := bolt.Value[bool](rec, "upTo")
	readNow, err3 := bolt.Value[int64](rec, "readNow")
	unreadNow, err4 := bolt.Value[int64](rec, "unreadNow")
	archived, err5 := bolt.Field[bool](before, "archived")
	muted, err6 := bolt.Field[bool](before, "muted")
	filed, err7 := bolt.Field[string](before, "filed")
	other, err8 := bolt.Value[string](rec, "other")
	if err := errors.Join(err1, err2, err3, err4, err5, err6, err7, err8); err != nil {
		return marked{}, fmt.Errorf("update conversation: %w", err)
	}
	return marked{archived: archived, muted: muted, filed: graph.ConversationBox(filed), other: other, upTo: upTo,
		readNow: readNow, unreadNow: unreadNow}, nil
}

// toConversation reads one row of Conversations or Conversation.
func toConversation(rec *neo4j.Record) (graph.Conversation, error) {
	id, err1 := bolt.Value[string](rec, "id")
	kind, err2 := bolt.Value[string](rec, "kind")
	side, err3 := bolt.Value[map[string]any](rec, "side")
	other, err4 := bolt.Value[map[string]any](rec, "other")
	last, err5 := toMessage(rec, "sender", "recipient")
	unread, err6 := bolt.Field[int64](side, "unread")
	filed, err7 := bolt.Field[string](side, "filed")
	archived, err8 := bolt.Field[bool](side, "archived")
	muted, err9 := bolt.Field[bool](side, "muted")
	if err := errors.Join(err1, err2, err3, err4, err5, err6, err7, err8, err9); err != nil {
		return graph.Conversation{}, fmt.Errorf("conversation: %w", err)
	}
	with, err := toSummary(other)
	if err != nil {
		return graph.Conversation{}, err
	}
	if with.IsFormer() {
		with = graph.FormerMember
	}
	c := graph.Conversation{ID: id, With: with, LastMessage: last, UnreadCount: int(unread), LastAt: last.SentAt,
		Kind: graph.ConversationKind(kind), Box: graph.ConversationBox(filed), Archived: archived, Muted: muted}
	if archived {
		c.Box = graph.BoxArchived
	}
	return c, nil
}

package graph

import (
	"errors"
	"fmt"
	"hash/fnv"
	"strconv"
	"strings"
)

// This file is the vocabulary of events: what a write did that concerns a member, recorded in the
// change log with the write (changelog.Tell) so that every replica, applying the write, tells the
// member's event streams, and the log's position each event has there.

// EventKind says what happened.
type EventKind string

// The kinds of event a member's streams carry.
const (
	EventMessage         EventKind = "message"          // a message, InMail or message request was sent to the member
	EventInvitation      EventKind = "invitation"       // the member was invited to connect
	EventAcceptance      EventKind = "acceptance"       // the member's invitation was accepted
	EventDecline         EventKind = "decline"          // the member's InMail or message request was declined
	EventRequestAccepted EventKind = "request_accepted" // the member's message request was accepted
	// What a member changed of their side of a conversation, for their other devices.
	EventConversationRead     EventKind = "conversation_read"     // messages marked read
	EventConversationUnread   EventKind = "conversation_unread"   // the last message marked unread
	EventConversationArchived EventKind = "conversation_archived" // archived, or unarchived
	EventConversationMuted    EventKind = "conversation_muted"    // muted, or unmuted
	EventConversationMoved    EventKind = "conversation_moved"    // moved out of Other to the inbox
	// The member closed their account: every replica ends their streams. It is not sent.
	EventAccountClosed EventKind = "account_closed"
)

// Event is one thing a write did that concerns one member (To), with what their client shows of
// it. It is recorded as JSON in the write's change, so its fields are what the write knew; the
// name of the member who acted is filled in as the event is told (ByName), from the projection.
type Event struct {
	Kind        EventKind       `json:"kind"`
	To          string          `json:"to"`
	By          string          `json:"by,omitempty"` // the member who acted
	ByName      string          `json:"-"`
	ID          string          `json:"id,omitempty"` // the message, invitation or conversation
	ThreadID    string          `json:"threadId,omitempty"`
	Box         ConversationBox `json:"box,omitempty"`
	MessageKind MessageKind     `json:"messageKind,omitempty"`
	Subject     string          `json:"subject,omitempty"`
	Excerpt     string          `json:"excerpt,omitempty"` // the message's body as a preview shows it (Excerpt)
	Note        string          `json:"note,omitempty"`
	UnreadCount int             `json:"unreadCount,omitempty"`
	Archived    bool            `json:"archived,omitempty"`
	Muted       bool            `json:"muted,omitempty"`
}

// ConversationEvents are the events that tell member's devices what changes made of their side
// of conv, one per change, in a fixed order.
func ConversationEvents(member string, conv Conversation, changes ConversationChanges) []Event {
	var out []Event
	for _, change := range []struct {
		happened bool
		kind     EventKind
	}{
		{changes.Read, EventConversationRead}, {changes.Unread, EventConversationUnread},
		{changes.Archived, EventConversationArchived}, {changes.Muted, EventConversationMuted},
		{changes.MovedToInbox, EventConversationMoved},
	} {
		if change.happened {
			out = append(out, Event{Kind: change.kind, To: member, ID: conv.ID, Box: conv.Box,
				UnreadCount: conv.UnreadCount, Archived: conv.Archived, Muted: conv.Muted})
		}
	}
	return out
}

// PreviewLength is how many characters of a message's body a preview shows.
const PreviewLength = 80

// Excerpt is the part of body a preview shows: its first PreviewLength characters, and an
// ellipsis when there are more.
func Excerpt(body string) string {
	if len(body) <= PreviewLength { // no more characters than bytes
		return body
	}
	runes := []rune(body)
	if len(runes) <= PreviewLength {
		return body
	}
	return string(runes[:PreviewLength]) + "…"
}

// EventID is an event's place in the change log: the log's epoch, the shard that holds its
// member's changes, the number of the event's change in that shard, and the event's index among
// that change's events for the member (a change to one's side of a conversation may make
// several). Every event of a member is recorded in the member's shard, whose numbers follow the
// order its changes committed, so within one epoch a later (Seq, Index) is a later event of the
// member's stream. Change is the id of the change at Seq (cypher/AppendChange.cypher), which a
// database restored from a backup, numbering its next changes as it numbered the lost ones, never
// draws again: a stream resuming at an id whose change the log no longer holds there was told of
// a history that is gone, and resyncs rather than skip the changes that took its place. It is ""
// where not known, as in ids given before changes had ids.
type EventID struct {
	Epoch  string
	Shard  int
	Seq    int64
	Index  int
	Change string
}

// ChangeEnd is the Index of a place after every event of its change: where a stream stands once
// it has every event of the changes up to Seq.
const ChangeEnd = 1<<31 - 1

// String encodes the id as an event stream's id: shard.seq.index.epoch.change (without .change
// when not known), opaque to clients.
func (id EventID) String() string {
	s := fmt.Sprintf("%d.%d.%d.%s", id.Shard, id.Seq, id.Index, id.Epoch)
	if id.Change != "" {
		s += "." + id.Change
	}
	return s
}

// ParseEventID decodes an id that String encoded; ok is false for anything else.
func ParseEventID(s string) (id EventID, ok bool) {
	parts := strings.Split(s, ".")
	change := ""
	if len(parts) == 5 && parts[4] != "" {
		change, parts = parts[4], parts[:4]
	}
	if len(parts) != 4 || parts[3] == "" || len(s) > maxEventID {
		return EventID{}, false
	}
	shard, e1 := strconv.Atoi(parts[0])
	seq, e2 := strconv.ParseInt(parts[1], 10, 64)
	index, e3 := strconv.Atoi(parts[2])
	if e1 != nil || e2 != nil || e3 != nil || shard < 0 || shard >= maxShards || seq < 0 || index < 0 || index > ChangeEnd {
		return EventID{}, false
	}
	return EventID{Epoch: parts[3], Shard: shard, Seq: seq, Index: index, Change: change}, true
}

// maxEventID bounds the length of an id ParseEventID reads: String's longest, with room.
const maxEventID = 160

// After tells whether id is a later place than o in the same member's stream (any place of
// another log is).
func (id EventID) After(o EventID) bool {
	return id.Epoch != o.Epoch || id.Seq > o.Seq || (id.Seq == o.Seq && id.Index > o.Index)
}

// Told is an event as a replica tells it: with its place in the log.
type Told struct {
	Event
	At EventID
}

// ErrEventsLost says that a member's events after an id can no longer be read from the change log:
// the id is of another log (a new database), of another member's shard, or older than the changes
// the log still holds. The client reloads what it shows.
var ErrEventsLost = errors.New("the events after that id are no longer in the change log")

// LogKey places a member, or anything else by its id, in a shard of the change log: a stable hash
// of the id (FNV-1a, 32 bits), taken modulo the log's shard count (changelog.Key).
func LogKey(id string) int64 {
	h := fnv.New32a()
	_, _ = h.Write([]byte(id))
	return int64(h.Sum32())
}

// LogShard is the shard of a change log of count shards that holds member's changes and events.
func LogShard(member string, count int) int { return int(LogKey(member) % int64(count)) }

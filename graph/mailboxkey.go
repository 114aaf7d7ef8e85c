package graph

import (
	"fmt"
	"time"
)

// MailboxKey is where a message sits in one member's mailbox, the recipient's inbox or the
// sender's sent box: the member's id, a space, the message's time inverted into 20 digits
// (seconds since 1970 taken from 99999999999, nanoseconds from 999999999), a space, and the
// message's id. One member's keys sort as the mailbox is listed, newest first with ties broken
// by id, and never interleave with another member's, since member ids hold no space: a page of a
// mailbox is a range of keys, read from an index in order (cypher/Inbox.cypher, Requests.cypher,
// Sent.cypher).
// Messages are written with their keys; cypher/BackfillMailboxKeys.cypher computes the same keys
// in Cypher for messages written before them. Times before 1970 have no key of the same width.
func MailboxKey(member string, sentAt time.Time, id string) string {
	return member + " " + ActivityKey(sentAt, id)
}

// ActivityKey is what follows the member (and, in a BoxKey, the box) in a key: the time inverted
// into 20 digits, a space, and the id. Keys that share their beginning sort by it, newest first.
func ActivityKey(at time.Time, id string) string {
	return fmt.Sprintf("%011d%09d %s", 99999999999-at.Unix(), 999999999-at.Nanosecond(), id)
}

// RecipientKeys are where a message of kind and status, received by member to, sits: in the inbox
// (inbox set) or, a message request awaiting its answer, in the requests box (requests set, the
// same key); a request declined sits in neither, and so does a message its recipient deleted.
// Answering a request moves its key (AcceptRequest, DeclineMessage).
func RecipientKeys(to string, kind MessageKind, status InMailStatus, deleted bool, sentAt time.Time, id string) (inbox, requests string) {
	switch {
	case deleted:
		return "", ""
	case kind != KindRequest || status == StatusAccepted:
		return MailboxKey(to, sentAt, id), ""
	case status == StatusPending:
		return "", MailboxKey(to, sentAt, id)
	}
	return "", ""
}

// MailboxRange is the range of keys a page of member's mailbox reads, both ends excluded: from
// the start of the mailbox, or from after the message a page's cursor names (after, when ok),
// to the end of the member's keys.
func MailboxRange(member string, after TimeKey, ok bool) (from, until string) {
	from, until = member+" ", member+"!" // '!' follows ' ': every key of member lies between
	if ok {
		from = MailboxKey(member, after.At, after.ID)
	}
	return from, until
}

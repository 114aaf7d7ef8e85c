package graph

import (
	"testing"
	"time"
)

// TestFiling is the table of the box a received message files its conversation in, the Other
// rule (Limits.Blasting) with its neighbours: connections, conversations already filed, the
// kinds the rule applies to, and each of its thresholds just below and at the mark.
func TestFiling(t *testing.T) {
	l := DefaultLimits // Other from the 4th same body, 50% declined or reported of at least 5 sent
	for _, c := range []struct {
		name    string
		filed   ConversationBox
		kind    MessageKind
		conn    bool
		signals BlastSignals
		want    ConversationBox
	}{
		{"InMail, quiet sender", "", KindInMail, false, BlastSignals{}, BoxInbox},
		{"request, quiet sender", "", KindRequest, false, BlastSignals{}, BoxRequests},
		{"message, quiet sender", "", KindMessage, false, BlastSignals{}, BoxInbox},
		{"InMail, body's 3rd member", "", KindInMail, false, BlastSignals{SameBody: 2}, BoxInbox},
		{"InMail, body's 4th member", "", KindInMail, false, BlastSignals{SameBody: 3}, BoxOther},
		{"request, body's 4th member", "", KindRequest, false, BlastSignals{SameBody: 3}, BoxOther},
		{"message never goes to Other", "", KindMessage, false, BlastSignals{SameBody: 9}, BoxInbox},
		{"a connection never goes to Other", "", KindInMail, true, BlastSignals{SameBody: 9}, BoxInbox},
		{"a connection's message leaves Other", BoxOther, KindMessage, true, BlastSignals{}, BoxInbox},
		{"declines below half", "", KindInMail, false, BlastSignals{Sent: 10, Declined: 4}, BoxInbox},
		{"declines at half", "", KindInMail, false, BlastSignals{Sent: 10, Declined: 5}, BoxOther},
		{"declines and reports at half", "", KindRequest, false, BlastSignals{Sent: 10, Declined: 3, Reported: 2}, BoxOther},
		{"too few sent to judge", "", KindInMail, false, BlastSignals{Sent: 4, Declined: 4}, BoxInbox},
		{"kept in the inbox stays", BoxInbox, KindInMail, false, BlastSignals{SameBody: 9}, BoxInbox},
		{"kept in Other stays", BoxOther, KindInMail, false, BlastSignals{}, BoxOther},
		{"a request waiting stays a request", BoxRequests, KindRequest, false, BlastSignals{}, BoxRequests},
		{"an InMail after a request", BoxRequests, KindInMail, false, BlastSignals{}, BoxInbox},
	} {
		f := Filing{Filed: c.filed, Kind: c.kind, Connected: c.conn, Blast: l.Blasting(c.signals)}
		if got := f.Box(); got != c.want {
			t.Errorf("%s: filed in %q, want %q", c.name, got, c.want)
		}
	}
}

// TestBoxKeysSortAsBoxesList checks that a box's keys sort newest activity first, ties by the
// last message's id, and that boxes and members never interleave.
func TestBoxKeysSortAsBoxesList(t *testing.T) {
	at := time.Date(2026, 5, 4, 8, 15, 0, 0, time.UTC)
	newer, older := BoxKey("ann", BoxInbox, at.Add(time.Nanosecond), "B"), BoxKey("ann", BoxInbox, at, "A")
	tieA, tieB := BoxKey("ann", BoxInbox, at, "A"), BoxKey("ann", BoxInbox, at, "B")
	if !(newer < older) || !(tieA < tieB) {
		t.Errorf("keys out of order: %q %q %q %q", newer, older, tieA, tieB)
	}
	from, until := BoxRange("ann", BoxInbox, TimeKey{}, false)
	for _, k := range []string{BoxKey("ann", BoxOther, at, "A"), BoxKey("anna", BoxInbox, at, "A"), BoxKey("an", BoxInbox, at, "A")} {
		if k > from && k < until {
			t.Errorf("%q falls in ann's inbox range (%q, %q)", k, from, until)
		}
	}
	if !(newer > from && newer < until) {
		t.Errorf("ann's own key %q falls outside her inbox range", newer)
	}
}

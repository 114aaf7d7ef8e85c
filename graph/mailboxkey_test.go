package graph

import (
	"slices"
	"sort"
	"testing"
	"time"
)

// TestMailboxKeysSortAsTheMailbox checks that one member's keys sort newest first with ties
// broken by id, lie within the member's range and no other member's, and that a cursor's range
// starts right after the message it names.
func TestMailboxKeysSortAsTheMailbox(t *testing.T) {
	base := time.Date(2026, 12, 6, 3, 0, 0, 0, time.UTC)
	listed := []TimeKey{ // as the mailbox lists them
		{At: base.Add(time.Hour), ID: "b"},
		{At: base.Add(time.Second), ID: "a"},
		{At: base.Add(time.Nanosecond), ID: "a"},
		{At: base, ID: "a"},
		{At: base, ID: "ab"},
		{At: base, ID: "b"},
		{At: time.Unix(0, 0), ID: "z"},
	}
	var keys []string
	for _, k := range listed {
		keys = append(keys, MailboxKey("ann", k.At, k.ID))
	}
	if !sort.StringsAreSorted(keys) {
		t.Errorf("keys do not sort as the mailbox lists them:\n%q", keys)
	}
	from, until := MailboxRange("ann", TimeKey{}, false)
	for _, other := range []string{"an", "ann-b", "ann_", "anna", "annZ"} {
		if k := MailboxKey(other, base, "a"); from < k && k < until {
			t.Errorf("%s's key %q lies in ann's range (%q, %q)", other, k, from, until)
		}
	}
	for i, k := range keys {
		if !(from < k && k < until) {
			t.Errorf("key %q lies outside ann's range (%q, %q)", k, from, until)
		}
		after, _ := MailboxRange("ann", listed[i], true)
		if rest := slices.IndexFunc(keys, func(s string) bool { return s > after }); rest != i+1 && !(rest == -1 && i == len(keys)-1) {
			t.Errorf("after %v the range starts at %d, want %d", listed[i], rest, i+1)
		}
	}
}

// TestRecipientKeysPlaceTheMessage checks which box of its recipient a message sits in.
func TestRecipientKeysPlaceTheMessage(t *testing.T) {
	at := time.Date(2026, 12, 6, 3, 0, 0, 0, time.UTC)
	key := MailboxKey("ann", at, "m")
	for _, c := range []struct {
		name            string
		kind            MessageKind
		status          InMailStatus
		deleted         bool
		inbox, requests string
	}{
		{"Message", KindMessage, StatusNone, false, key, ""},
		{"InMailDeclined", KindInMail, StatusDeclined, false, key, ""},
		{"RequestPending", KindRequest, StatusPending, false, "", key},
		{"RequestAccepted", KindRequest, StatusAccepted, false, key, ""},
		{"RequestDeclined", KindRequest, StatusDeclined, false, "", ""},
		{"Deleted", KindMessage, StatusNone, true, "", ""},
		{"RequestDeleted", KindRequest, StatusPending, true, "", ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			inbox, requests := RecipientKeys("ann", c.kind, c.status, c.deleted, at, "m")
			if inbox != c.inbox || requests != c.requests {
				t.Errorf("keys %q, %q, want %q, %q", inbox, requests, c.inbox, c.requests)
			}
		})
	}
}

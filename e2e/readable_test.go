package e2e

import "testing"

// TestUnreadable checks the pattern every view's text is held to: it catches values the script
// failed to put into words and counts that disagree with their nouns, and lets good text through.
func TestUnreadable(t *testing.T) {
	for text, bad := range map[string]bool{
		"Inbox\nnull\nNothing here.":            true,
		"Emma · undefined":                      true,
		"NaN shared":                            true,
		"[object Object]":                       true,
		"1 connections · 0 shared":              true,
		"Jane · 1 InMail credits":               true,
		"2 message request left":                true,
		"21 connection":                         true,
		"0 credit":                              true,
		"1 connection · 0 shared":               false,
		"21 connections · 3 shared connections": false,
		"1 shared connection":                   false,
		"Jane · free plan · 1 InMail credit · 5 message requests left this month": false,
		"annulled, undefinedness": false,
	} {
		if got := unreadable(text) != ""; got != bad {
			t.Errorf("%q: unreadable %v, want %v", text, got, bad)
		}
	}
}

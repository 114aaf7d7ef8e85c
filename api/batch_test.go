package api

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"testing"
)

// TestBatchRouteLeavesMemberNamedReachability checks that the batch route does not take the path
// of a member whose id is "reachability": GET still reaches their profile.
func TestBatchRouteLeavesMemberNamedReachability(t *testing.T) {
	e := New(Everything(newFakeGraph()), Config{Tokens: mustHS256(t), Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	for _, tc := range []struct{ method, route string }{
		{http.MethodGet, "/v1/members/:id"},
		{http.MethodPost, "/v1/members/reachability"},
	} {
		c := e.NewContext(nil, nil)
		e.Router().Find(tc.method, "/v1/members/reachability", c)
		if c.Path() != tc.route || (tc.method == http.MethodGet && c.Param("id") != "reachability") {
			t.Errorf("%s /v1/members/reachability routed to %q (id %q), want %s", tc.method, c.Path(), c.Param("id"), tc.route)
		}
	}
}

func TestMemberIDsNamesTheField(t *testing.T) {
	ids := func(n int) string {
		s := make([]string, n)
		for i := range s {
			s[i] = fmt.Sprintf("%q", fmt.Sprint("m", i))
		}
		return "[" + strings.Join(s, ",") + "]"
	}
	for _, tc := range []struct{ name, in, field string }{
		{"Missing", `null`, "members"},
		{"Empty", `[]`, "members"},
		{"TooMany", ids(maxBatch + 1), "members"},
		{"BadForm", `["a", "b", "c", "x' OR 1=1"]`, "members[3]"},
		{"NotAString", `["a", 7]`, "members[1]"},
		{"Null", `["a", null]`, "members[1]"},
		{"Object", `[{"id": "a"}]`, "members[0]"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var raw []json.RawMessage
			if err := json.Unmarshal([]byte(tc.in), &raw); err != nil {
				t.Fatal(err)
			}
			_, err := memberIDs("members", raw, maxBatch)
			var re *requestError
			if !errors.As(err, &re) || re.field != tc.field {
				t.Fatalf("%s: got %v, want a request error naming %q", tc.in, err, tc.field)
			}
		})
	}
	t.Run("HundredAccepted", func(t *testing.T) {
		var raw []json.RawMessage
		if err := json.Unmarshal([]byte(ids(maxBatch)), &raw); err != nil {
			t.Fatal(err)
		}
		got, err := memberIDs("members", raw, maxBatch)
		if err != nil || len(got) != maxBatch || got[99] != "m99" {
			t.Fatalf("got %d ids (%v), want %d", len(got), err, maxBatch)
		}
	})
}

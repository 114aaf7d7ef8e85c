package neo4jstore

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
	"github.com/reach-network/reach/graph"
	"github.com/reach-network/reach/graph/bolt"
)

// TestGuardedSends sends between two connected members, decided from what Neo4j holds read
// without locks (Store.Stored, as memory would hold it), while another store on the same Neo4j
// changes, between that and the send's guarded write (as known returns), a fact the send was
// decided from or writes back. The guard must find each change and leave the send to a
// transaction, which decides it on the facts as they are: with a check of the guard missing, the
// send goes free to a member no longer connected, gives back a credit spent meanwhile, sends twice
// with one key, or tells a member who has just muted the conversation. (A block removes the
// connection too: only with both checks missing is a message written past it.)
func TestGuardedSends(t *testing.T) {
	s, other := neo4jStore(t), neo4jStore(t)
	ctx := context.Background()
	run := time.Now().UnixNano() % 1e12
	var n int
	members := func() (a, b, c string) {
		n++
		id := func(name string) string { return fmt.Sprintf("guard%d_%d%s", run, n, name) }
		a, b, c = id("a"), id("b"), id("c")
		credits, plan := 5, graph.PlanBusiness
		for _, p := range []graph.Profile{{ID: a, Name: a, InMailCredits: &credits, Plan: &plan}, {ID: b, Name: b}, {ID: c, Name: c}} {
			if _, err := s.PutMember(ctx, p); err != nil {
				t.Fatal(err)
			}
		}
		if err := s.ConnectAll(ctx, [][2]string{{a, b}}); err != nil {
			t.Fatal(err)
		}
		return a, b, c
	}
	for _, tc := range []struct {
		name    string
		key     string
		between func(a, b, c string) error // changes the facts; nil changes nothing
		check   func(t *testing.T, a, b string, sent graph.Sent, err error)
	}{{
		name: "nothing changes",
		check: func(t *testing.T, a, b string, sent graph.Sent, err error) {
			if err != nil || sent.Kind != graph.KindMessage || sent.InMailCredits != 5 {
				t.Errorf("sent %+v, %v; want a free message, 5 credits left", sent, err)
			}
		},
	}, {
		name:    "the recipient blocks the caller",
		between: func(a, b, _ string) error { return other.Block(ctx, b, a) },
		check: func(t *testing.T, a, b string, sent graph.Sent, err error) {
			if !errors.Is(err, graph.ErrNotFound) {
				t.Errorf("sent %+v, %v; want the member not found: they blocked the caller", sent, err)
			}
		},
	}, {
		name:    "the two disconnect",
		between: func(a, b, _ string) error { return other.Disconnect(ctx, a, b) },
		check: func(t *testing.T, a, b string, sent graph.Sent, err error) {
			if err != nil || sent.Kind != graph.KindInMail || sent.InMailCredits != 4 {
				t.Errorf("sent %+v, %v; want an InMail for a credit: they are no longer connected", sent, err)
			}
		},
	}, {
		name: "the caller spends a credit",
		between: func(a, _, c string) error {
			_, err := other.Send(ctx, a, graph.Draft{To: c, Subject: "hello", Body: "an InMail"}, "")
			return err
		},
		check: func(t *testing.T, a, b string, sent graph.Sent, err error) {
			if err != nil || sent.InMailCredits != 4 || credits(t, s, a) != 4 {
				t.Errorf("sent %+v, %v, %d credits stored; want 4 credits left after the InMail sent meanwhile", sent, err, credits(t, s, a))
			}
		},
	}, {
		name: "the same key is sent meanwhile",
		key:  "once",
		between: func(a, b, _ string) error {
			_, err := other.Send(ctx, a, graph.Draft{To: b, Body: "hello"}, "once")
			return err
		},
		check: func(t *testing.T, a, b string, sent graph.Sent, err error) {
			if err != nil || !sent.Replayed || messages(t, s, a, b) != 1 {
				t.Errorf("sent %+v, %v, %d messages; want the first send's answer replayed, one message", sent, err, messages(t, s, a, b))
			}
		},
	}, {
		name: "the recipient mutes the conversation",
		between: func(a, b, _ string) error {
			if _, err := other.Send(ctx, a, graph.Draft{To: b, Body: "first"}, ""); err != nil {
				return err
			}
			muted := true
			_, _, err := other.UpdateConversation(ctx, b, graph.ThreadID(a, b), graph.ConversationUpdate{Muted: &muted})
			return err
		},
		check: func(t *testing.T, a, b string, sent graph.Sent, err error) {
			if err != nil || !sent.RecipientMuted {
				t.Errorf("sent %+v, %v; want it sent to a muted conversation, so that nobody is told", sent, err)
			}
		},
	}} {
		t.Run(tc.name, func(t *testing.T) {
			a, b, c := members()
			var betweenErr error
			known := func(ctx context.Context, caller, member string) (graph.Member, graph.Standing, bool) {
				sender, standing, ok := s.Stored(ctx, caller, member)
				if tc.between != nil {
					betweenErr = tc.between(a, b, c)
				}
				return sender, standing, ok
			}
			before := s.SendStats()
			sent, err := s.SendWith(ctx, a, graph.Draft{To: b, Body: "hello"}, tc.key, known)
			if betweenErr != nil {
				t.Fatal(betweenErr)
			}
			tc.check(t, a, b, sent, err)
			after := s.SendStats()
			direct, missed := after.Direct-before.Direct, after.Missed-before.Missed
			if want := tc.between == nil; direct != 1 && want || missed != 1 && !want {
				t.Errorf("%d sent directly, %d missed; want the send direct only if nothing changed", direct, missed)
			}
		})
	}
}

// TestGuardedSendsTogether writes one batch of sends as the queue would: four between connected
// members, which go together in one guarded statement, and an InMail to a stranger, which a
// transaction decides beside them. Each is answered as the rules decide, and the four are one
// change of the log (one token). Then a batch in which one recipient blocks its caller after
// known has read: the guard turns all four back, and a transaction decides each on the facts as
// they are: three free messages, the blocked one not found, nothing written twice.
func TestGuardedSendsTogether(t *testing.T) {
	s, other := neo4jStore(t), neo4jStore(t)
	ctx := context.Background()
	run := time.Now().UnixNano() % 1e12
	id := func(name string, i int) string { return fmt.Sprintf("together%d_%s%d", run, name, i) }
	credits, plan := 5, graph.PlanBusiness
	var pairs [][2]string
	for i := range 4 {
		pairs = append(pairs, [2]string{id("a", i), id("b", i)})
	}
	for _, p := range append(pairs, [2]string{id("inmailer", 0), id("stranger", 0)}) {
		for _, m := range p {
			if _, err := s.PutMember(ctx, graph.Profile{ID: m, Name: m, InMailCredits: &credits, Plan: &plan}); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := s.ConnectAll(ctx, pairs); err != nil {
		t.Fatal(err)
	}
	send := func(blocked string) ([]*sending, []*graph.Receipt) {
		var batch []*sending
		var receipts []*graph.Receipt
		known := func(ctx context.Context, caller, member string) (graph.Member, graph.Standing, bool) {
			sender, standing, ok := s.Stored(ctx, caller, member)
			if member == blocked {
				if err := other.Block(ctx, member, caller); err != nil {
					t.Error(err)
				}
			}
			return sender, standing, ok
		}
		for _, p := range append(pairs, [2]string{id("inmailer", 0), id("stranger", 0)}) {
			rctx, receipt := graph.WithReceipt(ctx)
			r, err := newSending(rctx, p[0], graph.Draft{To: p[1], Subject: "hello", Body: "hello " + p[1]}, "", known)
			if err != nil {
				t.Fatal(err)
			}
			batch, receipts = append(batch, r), append(receipts, receipt)
		}
		s.sendAll(ctx, batch)
		return batch, receipts
	}

	before := s.SendStats()
	batch, receipts := send("")
	after := s.SendStats()
	if direct := after.Direct - before.Direct; direct != 4 {
		t.Errorf("%d sent directly; want the four between connected members", direct)
	}
	first, wrote := receipts[0].Token()
	if !wrote || len(first.Heads) == 0 {
		t.Fatalf("the first send's receipt holds %+v, %v; want the change's token", first, wrote)
	}
	for i, r := range batch[:4] {
		token, _ := receipts[i].Token()
		if r.err != nil || r.sent.Kind != graph.KindMessage || !slices.Equal(token.Heads, first.Heads) {
			t.Errorf("send %d: %+v, %v, heads %v; want a free message in the change of heads %v", i, r.sent, r.err, token.Heads, first.Heads)
		}
	}
	if r := batch[4]; r.err != nil || r.sent.Kind != graph.KindInMail || r.sent.InMailCredits != 4 {
		t.Errorf("the InMail: %+v, %v; want an InMail for a credit", r.sent, r.err)
	}

	before = s.SendStats()
	batch, _ = send(pairs[2][1])
	after = s.SendStats()
	if direct, missed := after.Direct-before.Direct, after.Missed-before.Missed; direct != 0 || missed != 4 {
		t.Errorf("%d sent directly, %d missed; want the guard to turn back all four", direct, missed)
	}
	for i, r := range batch[:4] {
		if i == 2 {
			if !errors.Is(r.err, graph.ErrNotFound) {
				t.Errorf("the send to a member who blocked its caller: %+v, %v; want not found", r.sent, r.err)
			}
			continue
		}
		if r.err != nil || r.sent.Kind != graph.KindMessage {
			t.Errorf("send %d: %+v, %v; want a free message", i, r.sent, r.err)
		}
	}
	for i, p := range pairs {
		if want := map[bool]int64{true: 1, false: 2}[i == 2]; messages(t, s, p[0], p[1]) != want {
			t.Errorf("pair %d holds %d messages; want %d", i, messages(t, s, p[0], p[1]), want)
		}
	}
}

// credits reads a member's stored InMail credits.
func credits(t *testing.T, s *Store, id string) int64 {
	t.Helper()
	recs, err := s.db.Read(context.Background(), "MATCH (m:Member {id: $id}) RETURN m.inmailCredits AS n", map[string]any{"id": id})
	if err != nil || len(recs) != 1 {
		t.Fatalf("credits of %s: %v", id, err)
	}
	n, _ := recs[0].Get("n")
	v, _ := n.(int64)
	return v
}

// messages counts the messages from a to b.
func messages(t *testing.T, s *Store, a, b string) int64 {
	t.Helper()
	recs, err := s.db.Read(context.Background(), "MATCH (:Member {id: $a})-[m:MESSAGED]->(:Member {id: $b}) RETURN count(m) AS n",
		map[string]any{"a": a, "b": b})
	if err != nil || len(recs) != 1 {
		t.Fatalf("messages from %s to %s: %v", a, b, err)
	}
	n, _ := recs[0].Get("n")
	v, _ := n.(int64)
	return v
}

// TestDirectFailures checks which failures of a guarded write leave the send to a transaction:
// those Neo4j answered itself, a deadlock among them (nothing was written, and a transaction
// retries what is transient), as the store reports them; not a lost connection nor a request
// that gave up, which answer the send.
func TestDirectFailures(t *testing.T) {
	deadlock := &neo4j.Neo4jError{Code: "Neo.TransientError.Transaction.DeadlockDetected", Msg: "deadlock"}
	wrapped := func(err error) error { bolt.Wrap(&err, "guarded send"); return err }
	gone, cancel := context.WithCancel(context.Background())
	cancel()
	for _, c := range []struct {
		name     string
		ctx      context.Context
		err      error
		answered bool
	}{
		{"Deadlock", context.Background(), wrapped(deadlock), false},
		{"Refused", context.Background(), wrapped(&neo4j.Neo4jError{Code: "Neo.ClientError.Statement.SyntaxError"}), false},
		{"ConnectionLost", context.Background(), wrapped(&neo4j.ConnectivityError{Inner: errors.New("reset")}), true},
		{"RequestGone", gone, wrapped(deadlock), true},
	} {
		t.Run(c.name, func(t *testing.T) {
			ones := []direct{{sending: &sending{ctx: c.ctx, done: make(chan struct{})}}, {sending: &sending{ctx: c.ctx, done: make(chan struct{})}}}
			rest := (&Store{}).directFailed(c.ctx, ones, c.err)
			if answered := len(rest) == 0; answered != c.answered || !answered && len(rest) != len(ones) {
				t.Fatalf("directFailed(%v) left %d of %d sends; want them answered: %v", c.err, len(rest), len(ones), c.answered)
			}
			for _, d := range ones {
				if c.answered && !errors.Is(d.err, c.err) {
					t.Errorf("a send's answer is %v, want %v", d.err, c.err)
				}
			}
		})
	}
}

package integration

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
	"github.com/reach-network/reach/cypher"
	"github.com/reach-network/reach/graph"
	"github.com/reach-network/reach/graph/neo4jstore"
)

// sortedMailbox is the mailbox page as it was read before mailbox keys: every message of the
// caller in one direction, filtered, sorted and cut to the page. The tests profile it beside the
// store's statement, to show that the mailboxes they build are large enough to tell the two
// apart, and the benchmark measures it as the "before".
const sortedMailbox = `MATCH (me:Member {id: $caller})
MATCH (me)-[m:MESSAGED]-(other)
WHERE (startNode(m) = other) = $incoming
  AND NOT (CASE WHEN $incoming THEN m.deletedByRecipient ELSE m.deletedBySender END)
  AND ($kind = '' OR m.kind = $kind)
  AND CASE
        WHEN $requests THEN m.kind = 'request' AND m.status = 'pending' AND other:Member
        WHEN $incoming AND m.kind = 'request' THEN m.status = 'accepted'
        ELSE true
      END
  AND (NOT $unread OR m.readAt IS NULL)
  AND NOT EXISTS { (me)-[:BLOCKED]-(other) }
WITH m, other
ORDER BY m.sentAt DESC, m.id
LIMIT $limit + 1
RETURN m {.*} AS message, other {.id, .name, .headline} AS other`

// mailboxes are a heavy and a light member, each of whom has received and sent count messages
// from and to two pals (ids "heavy", "light", "pal1", "pal2"), imported with their keys; the
// heavy one has also received half as many message requests, still pending, newer than the rest,
// which an inbox page must not pay for.
type mailboxes struct {
	id           func(string) string
	heavy, light int
	start        time.Time // the oldest message's time; message i was sent i milliseconds later
}

// newMailboxes imports the messages of a heavy member and of a light one.
func newMailboxes(t testing.TB, heavy, light int) mailboxes {
	t.Helper()
	mb := mailboxes{id: ids(t), heavy: heavy, light: light, start: time.Now().Add(-24 * time.Hour)}
	network(t, mb.id, [2]string{"heavy", "pal1"}, [2]string{"heavy", "pal2"}, [2]string{"light", "pal1"}, [2]string{"light", "pal2"})
	var rows []graph.ImportMessage
	for _, who := range []struct {
		name  string
		count int
	}{{"heavy", heavy}, {"light", light}} {
		for i := range 2 * who.count {
			pal, me := mb.id(fmt.Sprintf("pal%d", 1+i%2)), mb.id(who.name)
			from, to := pal, me
			if i%4 >= 2 {
				from, to = me, pal
			}
			rows = append(rows, graph.ImportMessage{ID: mb.messageID(who.name, i), From: from, To: to,
				Channel: graph.ChannelMessage, Body: "hello", SentAt: mb.start.Add(time.Duration(i) * time.Millisecond)})
		}
	}
	for i := range heavy / 2 {
		rows = append(rows, graph.ImportMessage{ID: mb.messageID("request", i), From: mb.id("pal1"), To: mb.id("heavy"),
			Channel: graph.ChannelRequest, Status: graph.StatusPending, Body: "hello",
			SentAt: mb.start.Add(time.Hour + time.Duration(i)*time.Millisecond)})
	}
	// The import makes the projection load again; wait for it, so that it is not measured.
	reloaded(t, func() {
		if _, err := env.store.ImportMessages(context.Background(), rows); err != nil {
			t.Fatal(err)
		}
	})
	return mb
}

// messageID is the id of the i-th message of member who.
func (mb mailboxes) messageID(who string, i int) string {
	return fmt.Sprintf("%s%s-m%05d", mb.id(""), who, i)
}

// pageCost is what one page read cost Neo4j, from its profile.
type pageCost struct {
	dbHits    int64
	rows      int      // rows the statement answered
	operators []string // every operator of the plan
}

// query is a statement with its parameters.
type query struct {
	statement string
	params    map[string]any
}

// profile runs q under PROFILE and sums its cost; a statement that writes (it runs under PROFILE)
// passes neo4j.ExecuteQueryWithWritersRouting.
func profile(t testing.TB, q query, routing ...neo4j.ExecuteQueryConfigurationOption) pageCost {
	t.Helper()
	if len(routing) == 0 {
		routing = append(routing, neo4j.ExecuteQueryWithReadersRouting())
	}
	res, err := neo4j.ExecuteQuery(context.Background(), env.store.DB().Driver, "PROFILE "+q.statement, q.params,
		neo4j.EagerResultTransformer, routing...)
	if err != nil {
		t.Fatal(err)
	}
	cost := pageCost{rows: len(res.Records)}
	var walk func(p neo4j.ProfiledPlan)
	walk = func(p neo4j.ProfiledPlan) {
		cost.dbHits += p.DbHits()
		cost.operators = append(cost.operators, strings.Split(p.Operator(), "@")[0])
		for _, c := range p.Children() {
			walk(c)
		}
	}
	walk(res.Summary.Profile())
	return cost
}

// pageQuery is the statement and parameters the store runs for the first page of a mailbox.
func pageQuery(t testing.TB, caller string, incoming bool, limit int) query {
	t.Helper()
	statement, params, err := neo4jstore.MailboxQuery(caller, incoming, graph.MailboxFilter{}, graph.PageRequest{Limit: limit})
	if err != nil {
		t.Fatal(err)
	}
	return query{statement, params}
}

// sortedQuery is sortedMailbox with the parameters of the first page of a mailbox.
func sortedQuery(caller string, incoming bool, limit int) query {
	return query{sortedMailbox, map[string]any{"caller": caller, "incoming": incoming, "kind": "", "unread": false,
		"requests": false, "limit": int64(limit)}}
}

// TestMailboxPageCostFollowsThePage gives one member 2,000 messages received and 2,000 sent (and
// 1,000 pending message requests), and another 30 of each, and profiles a page of 20 of each mailbox: the page reads the caller's
// mailbox keys in index order with no sort, and costs the heavy mailbox no more than the light
// one. The statement pages were read with before mailbox keys costs the heavy one many times
// more, which shows that the mailboxes are large enough for the test to tell.
func TestMailboxPageCostFollowsThePage(t *testing.T) {
	const limit = 20
	mb := newMailboxes(t, 2000, 30)
	for _, incoming := range []bool{true, false} {
		box := map[bool]string{true: "Inbox", false: "Sent"}[incoming]
		t.Run(box, func(t *testing.T) {
			heavy := profile(t, pageQuery(t, mb.id("heavy"), incoming, limit))
			light := profile(t, pageQuery(t, mb.id("light"), incoming, limit))
			t.Logf("a page of %d: heavy mailbox %d db hits, light %d; operators %v", limit, heavy.dbHits, light.dbHits, heavy.operators)
			for _, op := range heavy.operators {
				if strings.Contains(op, "Sort") || strings.Contains(op, "Top") {
					t.Errorf("the page's plan sorts (%s): %v", op, heavy.operators)
				}
			}
			if !slices.Contains(heavy.operators, "DirectedRelationshipIndexSeekByRange") {
				t.Errorf("the page does not seek a range of mailbox keys: %v", heavy.operators)
			}
			if heavy.rows != limit+1 || light.rows != limit+1 {
				t.Errorf("rows: heavy %d, light %d, want %d", heavy.rows, light.rows, limit+1)
			}
			if heavy.dbHits > light.dbHits*11/10+10 {
				t.Errorf("a page of the heavy mailbox cost %d db hits, of the light one %d: the cost grows with the mailbox",
					heavy.dbHits, light.dbHits)
			}
			oldHeavy := profile(t, sortedQuery(mb.id("heavy"), incoming, limit))
			oldLight := profile(t, sortedQuery(mb.id("light"), incoming, limit))
			t.Logf("sorted as before: heavy %d db hits, light %d", oldHeavy.dbHits, oldLight.dbHits)
			if oldHeavy.dbHits < 10*oldLight.dbHits {
				t.Errorf("the sorted page cost the heavy mailbox %d db hits, the light one %d: too small to tell",
					oldHeavy.dbHits, oldLight.dbHits)
			}
		})
	}
	t.Run("Requests", func(t *testing.T) {
		statement, params, err := neo4jstore.MailboxQuery(mb.id("heavy"), true, graph.MailboxFilter{Requests: true}, graph.PageRequest{Limit: limit})
		if err != nil {
			t.Fatal(err)
		}
		cost := profile(t, query{statement, params})
		t.Logf("a page of %d of 1,000 requests: %d db hits; operators %v", limit, cost.dbHits, cost.operators)
		if slices.ContainsFunc(cost.operators, func(op string) bool { return strings.Contains(op, "Sort") || strings.Contains(op, "Top") }) ||
			!slices.Contains(cost.operators, "DirectedRelationshipIndexSeekByRange") || cost.rows != limit+1 {
			t.Errorf("the requests page does not read a range of keys in order, stopping after the page: %d rows, %v", cost.rows, cost.operators)
		}
	})
	t.Run("Pages", func(t *testing.T) { checkHeavyPages(t, mb) })
}

// checkHeavyPages pages through the start of the heavy member's inbox and sent box and finds
// the newest messages in order, across a cursor.
func checkHeavyPages(t *testing.T, mb mailboxes) {
	ctx := context.Background()
	for _, incoming := range []bool{true, false} {
		var want []string // newest first: inbox i%4 < 2, sent i%4 >= 2
		for i := 2*mb.heavy - 1; i >= 0 && len(want) < 30; i-- {
			if (i%4 < 2) == incoming {
				want = append(want, mb.messageID("heavy", i))
			}
		}
		var got []string
		page := graph.PageRequest{Limit: 20}
		for len(got) < len(want) {
			p, err := env.store.Mailbox(ctx, mb.id("heavy"), incoming, graph.MailboxFilter{}, page)
			if err != nil {
				t.Fatal(err)
			}
			for _, e := range p.Items {
				got = append(got, e.Message.ID)
			}
			if page.After = p.Next; p.Next == "" {
				break
			}
		}
		if len(got) < len(want) || !slices.Equal(got[:len(want)], want) {
			t.Errorf("incoming=%v: pages %v, want %v first", incoming, got, want)
		}
	}
}

// TestBackfillGivesOldMessagesKeys writes messages as they were before mailbox keys (imported,
// then their keys removed), runs the migration, and finds them in the mailboxes, newest first
// with ties broken by id, with the keys Go computes (nanoseconds included): nothing in the
// mailbox of a side that deleted its copy, a pending request in the requests box, a declined one
// in no box of its recipient. Running the backfill again keys nothing.
func TestBackfillGivesOldMessagesKeys(t *testing.T) {
	ctx := context.Background()
	id := ids(t)
	network(t, id, [2]string{"ann", "bob"})
	start := time.Now().Add(-time.Hour).Truncate(time.Second)
	rows := []graph.ImportMessage{
		{ID: id("m1"), SentAt: start.Add(7)},
		{ID: id("m2"), SentAt: start.Add(time.Millisecond + 3)},
		{ID: id("m3"), SentAt: start.Add(time.Millisecond + 3)}, // a tie, broken by id
		{ID: id("m4"), SentAt: start.Add(time.Second), DeletedByRecipient: true},
		{ID: id("m5"), SentAt: start.Add(2 * time.Second), DeletedBySender: true},
		{ID: id("m6"), SentAt: start.Add(3 * time.Second), Channel: graph.ChannelRequest, Status: graph.StatusPending},
		{ID: id("m7"), SentAt: start.Add(4 * time.Second), Channel: graph.ChannelRequest, Status: graph.StatusDeclined},
	}
	var messageIDs []string
	for i := range rows {
		rows[i].From, rows[i].To, rows[i].Body = id("ann"), id("bob"), "hi"
		if rows[i].Channel == graph.ChannelNone {
			rows[i].Channel = graph.ChannelMessage
		}
		messageIDs = append(messageIDs, rows[i].ID)
	}
	if _, err := env.store.ImportMessages(ctx, rows); err != nil {
		t.Fatal(err)
	}
	run(t, `MATCH ()-[m:MESSAGED]->() WHERE m.id IN $ids REMOVE m.inboxKey, m.requestKey, m.sentKey`, map[string]any{"ids": messageIDs})
	if got := mailboxIDs(t, id("bob"), true, graph.MailboxFilter{}); len(got) != 0 {
		t.Fatalf("before the backfill bob's inbox lists %v", got)
	}

	if err := env.store.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	if got, want := mailboxIDs(t, id("bob"), true, graph.MailboxFilter{}), []string{id("m5"), id("m2"), id("m3"), id("m1")}; !slices.Equal(got, want) {
		t.Errorf("bob's inbox %v, want %v", got, want)
	}
	if got, want := mailboxIDs(t, id("bob"), true, graph.MailboxFilter{Requests: true}), []string{id("m6")}; !slices.Equal(got, want) {
		t.Errorf("bob's requests box %v, want %v", got, want)
	}
	if got, want := mailboxIDs(t, id("ann"), false, graph.MailboxFilter{}), []string{id("m7"), id("m6"), id("m4"), id("m2"), id("m3"), id("m1")}; !slices.Equal(got, want) {
		t.Errorf("ann's sent box %v, want %v", got, want)
	}
	keys := run(t, `MATCH ()-[m:MESSAGED]->() WHERE m.id IN $ids
RETURN m.id AS id, m.inboxKey AS inbox, m.requestKey AS requests, m.sentKey AS sent`, map[string]any{"ids": messageIDs})
	for _, rec := range keys {
		m := rows[slices.Index(messageIDs, rec.AsMap()["id"].(string))]
		inbox, requests := graph.RecipientKeys(m.To, m.Channel.Kind(), m.Status, m.DeletedByRecipient, m.SentAt, m.ID)
		want := map[string]any{"inbox": orNil(inbox), "requests": orNil(requests), "sent": graph.MailboxKey(m.From, m.SentAt, m.ID)}
		if m.DeletedBySender {
			want["sent"] = nil
		}
		for side, key := range want {
			if got := rec.AsMap()[side]; got != key {
				t.Errorf("%s: %s key %v, want %v", m.ID, side, got, key)
			}
		}
	}
	if keyed := backfill(t); keyed != 0 {
		t.Errorf("the backfill run again keyed %d messages, want 0", keyed)
	}
}

// orNil is s, or nil for "", as a key read from Neo4j is.
func orNil(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// mailboxIDs pages through a member's whole inbox (incoming) or sent box two at a time.
func mailboxIDs(t *testing.T, who string, incoming bool, filter graph.MailboxFilter) []string {
	t.Helper()
	var got []string
	page := graph.PageRequest{Limit: 2}
	for {
		p, err := env.store.Mailbox(context.Background(), who, incoming, filter, page)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range p.Items {
			got = append(got, e.Message.ID)
		}
		if p.Next == "" {
			return got
		}
		page.After = p.Next
	}
}

// run runs one statement on the test Neo4j and returns its records.
func run(t *testing.T, statement string, params map[string]any) []*neo4j.Record {
	t.Helper()
	res, err := neo4j.ExecuteQuery(context.Background(), env.store.DB().Driver, statement, params, neo4j.EagerResultTransformer)
	if err != nil {
		t.Fatal(err)
	}
	return res.Records
}

// backfill runs BackfillMailboxKeys, as Migrate does, and answers how many messages it keyed.
func backfill(t *testing.T) int64 {
	t.Helper()
	ctx := context.Background()
	session := env.store.DB().Session(ctx, neo4j.AccessModeWrite)
	defer session.Close(ctx)
	res, err := session.Run(ctx, cypher.BackfillMailboxKeys, nil)
	if err != nil {
		t.Fatal(err)
	}
	rec, err := res.Single(ctx)
	if err != nil {
		t.Fatal(err)
	}
	return rec.Values[0].(int64)
}

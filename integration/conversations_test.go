package integration

import (
	"context"
	"fmt"
	"maps"
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
	"github.com/reach-network/reach/cypher"
	"github.com/reach-network/reach/graph"
	"github.com/reach-network/reach/graph/neo4jstore"
)

// conversationMembers are the members of the randomized conversation tests: all in one group, so
// that any two may write (a message request at least); ann–bob and cat–dan are connected.
var conversationMembers = []string{"ann", "bob", "cat", "dan", "eve", "fay"}

// conversationNetwork makes conversationMembers, with credits for InMail.
func conversationNetwork(t *testing.T) func(string) string {
	t.Helper()
	id := ids(t)
	network(t, id, [2]string{"ann", "bob"}, [2]string{"cat", "dan"})
	member(t, id("eve"), "Eve")
	member(t, id("fay"), "Fay")
	putGroup(t, id("club"), "Club")
	for _, m := range conversationMembers {
		join(t, id(m), id("club"))
	}
	credits(t, id("ann"), 30)
	credits(t, id("eve"), 30)
	return id
}

// messageOps runs random sends, reads, answers and deletions among the members from several
// goroutines at once, as members on several devices would, and returns the ids of the messages
// sent. Refusals are part of the run: only the stored state is checked afterwards.
func messageOps(t *testing.T, id func(string) string, workers, each int, seed uint64) []string {
	t.Helper()
	ctx := context.Background()
	var mu sync.Mutex
	var sent []string
	pick := func(rng *rand.Rand) (string, bool) {
		mu.Lock()
		defer mu.Unlock()
		if len(sent) == 0 {
			return "", false
		}
		return sent[rng.IntN(len(sent))], true
	}
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			rng := rand.New(rand.NewPCG(seed, uint64(w)))
			for range each {
				who := id(conversationMembers[rng.IntN(len(conversationMembers))])
				msg, have := pick(rng)
				switch op := rng.IntN(10); {
				case op < 4 || !have:
					to := id(conversationMembers[rng.IntN(len(conversationMembers))])
					s, err := env.store.Send(ctx, who, graph.Draft{To: to, Body: fmt.Sprintf("note %d", rng.IntN(3))}, "")
					if err == nil {
						mu.Lock()
						sent = append(sent, s.ID)
						mu.Unlock()
					}
				case op < 6:
					_, _ = env.store.Message(ctx, who, msg)
				case op < 7:
					_, _ = env.store.Accept(ctx, who, msg)
				case op < 8:
					_, _ = env.store.Decline(ctx, who, msg, "")
				default:
					_ = env.store.DeleteMessage(ctx, who, msg)
				}
			}
		})
	}
	wg.Wait()
	return sent
}

// sideState is what a conversation and one member's side of it hold.
type sideState map[string]any

// conversationStates reads, inside tx, the conversation of every thread in threads with its sides.
func conversationStates(ctx context.Context, t *testing.T, tx neo4j.ManagedTransaction, threads []any) map[string]sideState {
	t.Helper()
	res, err := tx.Run(ctx, `UNWIND $threads AS thread
MATCH (m)-[s:IN]->(c:Conversation {id: thread})
RETURN thread, coalesce(m.id, 'former') AS member, c.kind AS kind, properties(s) AS side`, map[string]any{"threads": threads})
	if err != nil {
		t.Fatal(err)
	}
	recs, err := res.Collect(ctx)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]sideState{}
	for _, rec := range recs {
		thread, _ := rec.Get("thread")
		member, _ := rec.Get("member")
		kind, _ := rec.Get("kind")
		side, _ := rec.Get("side")
		state := sideState{"kind": kind}
		for k, v := range side.(map[string]any) {
			state[k] = v
		}
		out[fmt.Sprint(thread, " ", member)] = state
	}
	return out
}

// sideDiff names each property kept and rebuilt differently, with both values.
func sideDiff(kept, rebuilt sideState) string {
	var out []string
	for _, k := range slices.Sorted(maps.Keys(rebuilt)) {
		if !reflect.DeepEqual(kept[k], rebuilt[k]) {
			out = append(out, fmt.Sprintf("%s kept %v rebuilt %v", k, kept[k], rebuilt[k]))
		}
	}
	for k, v := range kept {
		if _, ok := rebuilt[k]; !ok {
			out = append(out, fmt.Sprintf("%s kept %v, not rebuilt", k, v))
		}
	}
	return strings.Join(out, "; ")
}

// threadsOf lists the ids of the conversations of the members whose ids id makes, those with a
// former member included.
func threadsOf(t *testing.T, id func(string) string) []any {
	t.Helper()
	res, err := neo4j.ExecuteQuery(context.Background(), env.store.DB().Driver,
		`MATCH (m:Member)-[:IN]->(c:Conversation) WHERE m.id STARTS WITH $prefix RETURN collect(DISTINCT c.id) AS threads`,
		map[string]any{"prefix": id("")}, neo4j.EagerResultTransformer)
	if err != nil {
		t.Fatal(err)
	}
	threads, _ := res.Records[0].Get("threads")
	return threads.([]any)
}

// TestConversationSidesMatchTheirMessages runs random sends, reads, accepts, declines and
// deletions from several goroutines at once, with one member closing their account halfway, then
// checks that every conversation's sides, which
// each of those writes keeps step by step, hold exactly what RebuildConversations computes afresh
// from the messages alone (the model): what each side wrote and awaits, the requests accepted,
// the unread count (the count of messages received, unread and not deleted), the last message and
// the box with its key. The rebuild runs in a transaction that is rolled back.
func TestConversationSidesMatchTheirMessages(t *testing.T) {
	id := conversationNetwork(t)
	sent := messageOps(t, id, 3, 40, 1)
	if _, err := env.store.CloseAccount(context.Background(), id("fay")); err != nil {
		t.Fatal(err)
	}
	sent = append(sent, messageOps(t, id, 3, 30, 2)...)
	if len(sent) < 20 {
		t.Fatalf("only %d messages sent; the run checks too little", len(sent))
	}
	checkSidesAgainstRebuild(t, threadsOf(t, id), 8)
}

// checkSidesAgainstRebuild compares the stored sides of threads, at least minSides of them, with
// those RebuildConversations makes from the messages, in a transaction rolled back.
func checkSidesAgainstRebuild(t *testing.T, threads []any, minSides int) {
	t.Helper()
	ctx := context.Background()
	var kept, rebuilt map[string]sideState
	inTx(t, func(tx neo4j.ManagedTransaction) {
		kept = conversationStates(ctx, t, tx, threads)
		if _, err := tx.Run(ctx, cypher.RebuildConversations, map[string]any{"batch": map[string]any{"threads": threads}}); err != nil {
			t.Fatal(err)
		}
		rebuilt = conversationStates(ctx, t, tx, threads)
	})
	if len(kept) < minSides {
		t.Fatalf("only %d conversation sides; the run checks too little", len(kept))
	}
	for key, want := range rebuilt {
		if got := kept[key]; !reflect.DeepEqual(got, want) {
			t.Errorf("side %s differs: %s", key, sideDiff(got, want))
		}
	}
	for key := range kept {
		if _, ok := rebuilt[key]; !ok {
			t.Errorf("side %s is kept but its messages make none", key)
		}
	}
}

// TestMigrateBuildsConversationsOfOlderMessages removes the conversations of a run's messages, as
// a database written before conversations holds none, and checks that Migrate builds each again
// as the writes had kept it, and that a send between the two then reads the pair's facts from it.
func TestMigrateBuildsConversationsOfOlderMessages(t *testing.T) {
	ctx := context.Background()
	id := conversationNetwork(t)
	messageOps(t, id, 2, 30, 3)
	threads := threadsOf(t, id)
	var before map[string]sideState
	inTx(t, func(tx neo4j.ManagedTransaction) { before = conversationStates(ctx, t, tx, threads) })
	if _, err := neo4j.ExecuteQuery(ctx, env.store.DB().Driver,
		`MATCH (c:Conversation) WHERE c.id IN $threads DETACH DELETE c`, map[string]any{"threads": threads},
		neo4j.EagerResultTransformer); err != nil {
		t.Fatal(err)
	}
	reloaded(t, func() {
		if err := env.store.Migrate(ctx); err != nil {
			t.Fatal(err)
		}
	})
	var after map[string]sideState
	inTx(t, func(tx neo4j.ManagedTransaction) { after = conversationStates(ctx, t, tx, threads) })
	if len(before) < 4 || !reflect.DeepEqual(before, after) {
		t.Errorf("%d sides before the conversations went, %d after Migrate; differing:", len(before), len(after))
		for key, want := range before {
			if got := after[key]; !reflect.DeepEqual(got, want) {
				t.Errorf("side %s:\n before %v\n after  %v", key, want, got)
			}
		}
	}
}

// TestImportedSidesKeepTheirChoices archives, mutes and files in Other some sides of a run's
// conversations, removes the conversations, and loads those choices again: half through the
// store's import, after the conversations' messages (ImportMessages builds their sides, then
// ImportSides), half as an offline import leaves them (conversations.csv and sides.csv: a
// Conversation with its id alone, and the sides' choices), which Migrate then builds. Every side
// must be as the writes had kept it.
func TestImportedSidesKeepTheirChoices(t *testing.T) {
	ctx := context.Background()
	id := conversationNetwork(t)
	messageOps(t, id, 2, 30, 5)
	threads := threadsOf(t, id)
	chosen := chooseSides(t, threads)
	var before map[string]sideState
	inTx(t, func(tx neo4j.ManagedTransaction) { before = conversationStates(ctx, t, tx, threads) })
	run := func(query string, params map[string]any) {
		t.Helper()
		if _, err := neo4j.ExecuteQuery(ctx, env.store.DB().Driver, query, params, neo4j.EagerResultTransformer); err != nil {
			t.Fatal(err)
		}
	}
	run(`MATCH (c:Conversation) WHERE c.id IN $threads DETACH DELETE c`, map[string]any{"threads": threads})
	var online []graph.ImportSide
	var onlineThreads, offline []any
	way := map[string]int{} // each conversation's sides go one way, as one import or the other loads them
	for _, x := range chosen {
		thread := graph.ThreadID(x.Member, x.With)
		if _, ok := way[thread]; !ok {
			way[thread] = len(way) % 2
			if way[thread] == 1 {
				onlineThreads = append(onlineThreads, thread)
			}
		}
		if way[thread] == 1 {
			online = append(online, x)
		} else {
			offline = append(offline, map[string]any{"member": x.Member, "thread": thread,
				"archived": x.Archived, "muted": x.Muted, "other": x.Other})
		}
	}
	run(cypher.RebuildConversations, map[string]any{"batch": map[string]any{"threads": onlineThreads}})
	if _, err := env.store.ImportSides(ctx, online); err != nil {
		t.Fatal(err)
	}
	inTx(t, func(tx neo4j.ManagedTransaction) {
		sameSides(t, "after ImportSides", pick(before, onlineThreads), conversationStates(ctx, t, tx, onlineThreads))
	})
	run(`UNWIND $sides AS row
MATCH (me:Member {id: row.member})
MERGE (c:Conversation {id: row.thread})
CREATE (me)-[s:IN {archived: row.archived, muted: row.muted}]->(c)
SET s.filed = CASE WHEN row.other THEN 'other' END`, map[string]any{"sides": offline})
	reloaded(t, func() {
		if err := env.store.Migrate(ctx); err != nil {
			t.Fatal(err)
		}
	})
	inTx(t, func(tx neo4j.ManagedTransaction) {
		sameSides(t, "after Migrate", before, conversationStates(ctx, t, tx, threads))
	})
	if len(online) < 3 || len(offline) < 3 {
		t.Errorf("%d sides imported by the store, %d as an offline import: too few to tell", len(online), len(offline))
	}
}

// pick is the states of the sides of threads.
func pick(states map[string]sideState, threads []any) map[string]sideState {
	out := map[string]sideState{}
	for key, state := range states {
		for _, thread := range threads {
			if strings.HasPrefix(key, thread.(string)+" ") {
				out[key] = state
			}
		}
	}
	return out
}

// sameSides fails the test, naming each side that differs, unless got holds the sides of want.
func sameSides(t *testing.T, when string, want, got map[string]sideState) {
	t.Helper()
	if reflect.DeepEqual(want, got) {
		return
	}
	t.Errorf("%s: %d sides, want %d; differing:", when, len(got), len(want))
	for key, w := range want {
		if g := got[key]; !reflect.DeepEqual(g, w) {
			t.Errorf("side %s:\n want %v\n got  %v", key, w, g)
		}
	}
}

// chooseSides archives, mutes or files in Other (as the Other rule files a blast) some of the
// sides of threads that hold a message, and answers them as an import names them.
func chooseSides(t *testing.T, threads []any) []graph.ImportSide {
	t.Helper()
	ctx := context.Background()
	res, err := neo4j.ExecuteQuery(ctx, env.store.DB().Driver, `UNWIND $threads AS thread
MATCH (me:Member)-[s:IN]->(c:Conversation {id: thread})<-[:IN]-(other:Member)
WHERE s.filed <> ''
RETURN me.id AS member, other.id AS with ORDER BY thread, member`, map[string]any{"threads": threads}, neo4j.EagerResultTransformer)
	if err != nil {
		t.Fatal(err)
	}
	yes := true
	var chosen []graph.ImportSide
	for i, rec := range res.Records {
		member, _ := rec.Get("member")
		with, _ := rec.Get("with")
		x := graph.ImportSide{Member: member.(string), With: with.(string), Archived: i%3 == 0, Muted: i%4 == 1, Other: i%5 == 2}
		thread := graph.ThreadID(x.Member, x.With)
		if x.Other {
			if _, err := neo4j.ExecuteQuery(ctx, env.store.DB().Driver, `MATCH (me:Member {id: $member})-[s:IN]->(:Conversation {id: $thread})
SET s.filed = 'other', s.boxKey = me.id + ' other ' + s.activity`, map[string]any{"member": x.Member, "thread": thread}, neo4j.EagerResultTransformer); err != nil {
				t.Fatal(err)
			}
		}
		u := graph.ConversationUpdate{}
		if x.Archived {
			u.Archived = &yes
		}
		if x.Muted {
			u.Muted = &yes
		}
		if !u.Empty() {
			if _, _, err := env.store.UpdateConversation(ctx, x.Member, thread, u); err != nil {
				t.Fatal(err)
			}
		}
		if x.Archived || x.Muted || x.Other {
			chosen = append(chosen, x)
		}
	}
	return chosen
}

// inTx runs read in a transaction that is rolled back.
func inTx(t *testing.T, read func(neo4j.ManagedTransaction)) {
	t.Helper()
	ctx := context.Background()
	session := env.store.DB().Driver.NewSession(ctx, neo4j.SessionConfig{AccessMode: neo4j.AccessModeWrite})
	defer session.Close(ctx)
	tx, err := session.BeginTransaction(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = tx.Rollback(ctx) }()
	read(tx)
}

// importConversations imports count members, each with one message to member to, sent a
// millisecond apart, so that to has count conversations; the import builds them.
func importConversations(t *testing.T, id func(string) string, to string, count int) {
	t.Helper()
	ctx := context.Background()
	start := time.Now().Add(-time.Hour)
	var members []graph.ImportMember
	var messages []graph.ImportMessage
	for i := range count {
		from := id(fmt.Sprintf("%s-pal%05d", to, i))
		members = append(members, graph.ImportMember{ID: from, Name: fmt.Sprintf("Pal %d", i)})
		messages = append(messages, graph.ImportMessage{ID: id(fmt.Sprintf("%s-m%05d", to, i)), From: from, To: id(to),
			Channel: graph.ChannelMessage, Body: "hello", SentAt: start.Add(time.Duration(i) * time.Millisecond)})
	}
	reloaded(t, func() {
		importing := env.store.BeginImport(ctx)
		if _, err := env.store.ImportMembers(importing, members); err != nil {
			t.Fatal(err)
		}
		if _, err := env.store.ImportMessages(importing, messages); err != nil {
			t.Fatal(err)
		}
		if err := env.store.EndImport(ctx); err != nil {
			t.Fatal(err)
		}
	})
}

// TestConversationPageCostFollowsThePage gives one member 2,000 conversations and another 10, and
// profiles a page of 20 of each inbox: the page reads the box's keys in index order with no sort,
// and costs the heavy member no more than the light one, whatever the mailbox's size. So does the
// change log's record of one side of theirs.
func TestConversationPageCostFollowsThePage(t *testing.T) {
	const limit = 10
	id := ids(t)
	member(t, id("heavy"), "Heavy")
	member(t, id("light"), "Light")
	importConversations(t, id, "heavy", 2000)
	importConversations(t, id, "light", limit)
	page := func(who string) pageCost {
		params, err := neo4jstore.ConversationsParams(id(who), graph.ConversationFilter{Box: graph.BoxInbox}, graph.PageRequest{Limit: limit})
		if err != nil {
			t.Fatal(err)
		}
		return profile(t, query{cypher.Conversations, params})
	}
	heavy, light := page("heavy"), page("light")
	t.Logf("a page of %d: heavy %d db hits, light %d; operators %v", limit, heavy.dbHits, light.dbHits, heavy.operators)
	if slices.ContainsFunc(heavy.operators, func(op string) bool { return strings.Contains(op, "Sort") || strings.Contains(op, "Top") }) ||
		!slices.Contains(heavy.operators, "DirectedRelationshipIndexSeekByRange") {
		t.Errorf("the page does not read a range of box keys in order: %v", heavy.operators)
	}
	if heavy.rows != limit+1 || light.rows != limit {
		t.Errorf("rows: heavy %d, light %d, want %d and %d", heavy.rows, light.rows, limit+1, limit)
	}
	if heavy.dbHits > light.dbHits*3/2+20 {
		t.Errorf("a page of 2,000 conversations cost %d db hits, of %d conversations %d: the cost grows with the mailbox",
			heavy.dbHits, limit, light.dbHits)
	}
	recorded := func(who string) int64 { // the change log's record of one side, as a write appends it
		side := []any{id(who), graph.ThreadID(id(who), id(who+"-pal00001"))}
		return profile(t, query{cypher.AppendChange, map[string]any{"append": map[string]any{
			"keys": []any{}, "members": []any{}, "pairs": []any{}, "sides": []any{side}, "reload": false,
			"organisations": []any{}, "groups": []any{}, "events": []any{}, "eventTo": []any{},
		}}}, neo4j.ExecuteQueryWithWritersRouting()).dbHits
	}
	heavySide, lightSide := recorded("heavy"), recorded("light")
	t.Logf("recording a side: heavy %d db hits, light %d", heavySide, lightSide)
	if heavySide > lightSide+10 {
		t.Errorf("recording a side of a member with 2,000 conversations cost %d db hits, with %d %d", heavySide, limit, lightSide)
	}
}

// TestSendFactsDoNotWalkTheConversation profiles a send's LockedRelations and the change log's
// append for a pair with 10 messages between them and one with 300: the pair's facts come from
// the conversation's two sides, so the long conversation costs Neo4j the same database hits, where
// walking the messages cost 1,281 against 105.
func TestSendFactsDoNotWalkTheConversation(t *testing.T) {
	id := ids(t)
	shortAndLong(t, id, 10, 300, time.Millisecond)
	cost := func(pair string) (relations, appended int64) {
		a, b := id(pair+"1"), id(pair+"2")
		relations = profile(t, query{cypher.LockedRelations, map[string]any{
			"batch": map[string]any{
				"asks": []any{map[string]any{"caller": a, "members": []any{b}, "threads": map[string]any{b: graph.ThreadID(a, b)}, "key": ""}},
				"ids":  []any{min(a, b), max(a, b)},
			},
			"near": false,
		}}, neo4j.ExecuteQueryWithWritersRouting()).dbHits
		// It appends a change of the pair's facts, as they are: replicas apply it as any other.
		appended = profile(t, query{cypher.AppendChange, map[string]any{"append": map[string]any{
			"keys": []any{}, "members": []any{}, "pairs": []any{[]any{a, b, graph.ThreadID(a, b)}}, "reload": false,
			"sides":         []any{[]any{a, graph.ThreadID(a, b)}, []any{b, graph.ThreadID(a, b)}},
			"organisations": []any{}, "groups": []any{}, "events": []any{}, "eventTo": []any{},
		}}}, neo4j.ExecuteQueryWithWritersRouting()).dbHits
		return relations, appended
	}
	shortRelations, shortAppend := cost("short")
	longRelations, longAppend := cost("long")
	t.Logf("LockedRelations: %d db hits at 10 messages, %d at 300; AppendChange: %d and %d",
		shortRelations, longRelations, shortAppend, longAppend)
	if longRelations > shortRelations+10 || longAppend > shortAppend+10 {
		t.Errorf("a send's statements cost more in the longer conversation: LockedRelations %d against %d, AppendChange %d against %d",
			longRelations, shortRelations, longAppend, shortAppend)
	}
}

// TestConversationMessagesCostFollowsThePage profiles a page of a conversation's messages in a
// conversation of 10 messages and in one of 600: the page reads a range of the thread's messages
// by time in index order, so the long conversation costs about what the short one does.
func TestConversationMessagesCostFollowsThePage(t *testing.T) {
	const limit = 10
	id := ids(t)
	shortAndLong(t, id, limit, 600, time.Second)
	page := func(pair string) pageCost {
		a, b := id(pair+"1"), id(pair+"2")
		return profile(t, query{cypher.ConversationMessages,
			neo4jstore.ConversationMessagesParams(a, graph.ThreadID(a, b), graph.TimeKey{}, false, limit)})
	}
	long, short := page("long"), page("short")
	t.Logf("a page of %d: 600 messages %d db hits, %d messages %d; operators %v", limit, long.dbHits, limit, short.dbHits, long.operators)
	if !slices.Contains(long.operators, "DirectedRelationshipIndexSeek") || slices.Contains(long.operators, "Sort") ||
		slices.Contains(long.operators, "Top") { // a PartialTop sorts only the messages of one time by id
		t.Errorf("the page does not read a range of the thread's messages in order: %v", long.operators)
	}
	if long.rows != limit+1 || short.rows != limit {
		t.Errorf("rows: long %d, short %d, want %d and %d", long.rows, short.rows, limit+1, limit)
	}
	if long.dbHits > short.dbHits*3/2+20 {
		t.Errorf("a page of a conversation of 600 messages cost %d db hits, of %d messages %d: the cost grows with the conversation",
			long.dbHits, limit, short.dbHits)
	}
}

// shortAndLong connects short1 with short2 and long1 with long2, and imports between each pair a
// conversation, short and long messages long, the two writing in turn, one message every gap.
func shortAndLong(t *testing.T, id func(string) string, short, long int, gap time.Duration) {
	t.Helper()
	network(t, id, [2]string{"short1", "short2"}, [2]string{"long1", "long2"})
	start := time.Now().Add(-time.Hour)
	var rows []graph.ImportMessage
	for pair, count := range map[string]int{"short": short, "long": long} {
		for i := range count {
			from, to := id(pair+"1"), id(pair+"2")
			if i%2 == 1 {
				from, to = to, from
			}
			rows = append(rows, graph.ImportMessage{ID: id(fmt.Sprintf("%s-%d", pair, i)), From: from, To: to,
				Channel: graph.ChannelMessage, Body: "hello", SentAt: start.Add(time.Duration(i) * gap)})
		}
	}
	reloaded(t, func() {
		if _, err := env.store.ImportMessages(context.Background(), rows); err != nil {
			t.Fatal(err)
		}
	})
}

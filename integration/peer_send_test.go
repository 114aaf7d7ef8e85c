package integration

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/reach-network/reach/bench/baseline"
	"github.com/reach-network/reach/bench/pgpeer"
	"github.com/reach-network/reach/graph"
)

// sendOutcome is what a send answered, as reach and the peer must both answer it: the message's
// kind, cost and the sender's credits after it, or the refusal's kind, reason and words; the
// message's id aside, and Retry-After compared apart (the two sends are a moment apart).
type sendOutcome struct {
	Kind       graph.MessageKind
	Cost       int
	Credits    int
	Replayed   bool
	Error      string
	Reason     graph.Reason
	Detail     string
	RetryAfter time.Duration
}

// outcomeOf lays out what a send answered; an error that is no graph.Error is its words.
func outcomeOf(sent graph.Sent, err error) sendOutcome {
	if err == nil {
		return sendOutcome{Kind: sent.Kind, Cost: sent.Cost, Credits: sent.InMailCredits, Replayed: sent.Replayed}
	}
	var e *graph.Error
	if !errors.As(err, &e) {
		return sendOutcome{Error: err.Error()}
	}
	return sendOutcome{Error: e.Kind.Error(), Reason: e.Reason, Detail: e.Detail, RetryAfter: e.RetryAfter}
}

// sendStep is one send of a case: from, to, with body and an idempotency key.
type sendStep struct {
	from, to, body, key string
	want                sendOutcome // what both must answer, the detail and Retry-After aside
}

// TestPeerSendsAsReachDoes sets up the situations the messaging rules and limits tell apart in
// reach, copies them to PostgreSQL, and sends the same messages through reach's store and the
// peer: both must allow or refuse each alike, with the same reason and words, charge the same
// credits and count the same requests, and answer a retry with its first answer.
func TestPeerSendsAsReachDoes(t *testing.T) {
	url := peerDatabase(t)
	ctx := context.Background()
	id := ids(t)
	var everyone []string
	add := func(names ...string) {
		for _, n := range names {
			member(t, id(n), "Member "+n)
			everyone = append(everyone, id(n))
		}
	}
	pair := func(name string) (string, string) {
		add(name+"_s", name+"_r")
		return id(name + "_s"), id(name + "_r")
	}
	connS, connR := pair("conn")
	connect(t, connS, connR)
	inmailS, inmailR := pair("inmail")
	credits(t, inmailS, 2)
	poorS, poorR := pair("poor")
	credits(t, poorS, 0)
	putGroup(t, id("g"), "Go")
	reqS, reqR := pair("req")
	join(t, reqS, id("g"))
	join(t, reqR, id("g"))
	capS, capR := pair("cap")
	join(t, capS, id("g"))
	join(t, capR, id("g"))
	for i := range graph.DefaultRequestsMonthly {
		fellow := id(fmt.Sprintf("fellow%d", i))
		member(t, fellow, "Fellow")
		join(t, fellow, id("g"))
		send(t, capS, fellow, "Hello").expect(http.StatusCreated)
	}
	credits(t, capS, 1)
	blockS, blockR := pair("block")
	as(t, blockR).do(http.MethodPut, "/v1/blocks/"+blockS, nil).expect(http.StatusNoContent)
	declS, declR := pair("decl")
	credits(t, declS, 2)
	var s sentMessage
	send(t, declS, declR, "Please").expect(http.StatusCreated).into(&s)
	declineMail(t, declR, s.ID, nil).expect(http.StatusOK)
	waitS, waitR := pair("wait")
	credits(t, waitS, 2)
	send(t, waitS, waitR, "First").expect(http.StatusCreated)
	rateS, rateR := pair("rate")
	credits(t, rateS, 60)
	for i := range graph.DefaultLimits.InMailsPerDay {
		add(fmt.Sprintf("d%d", i))
		send(t, rateS, id(fmt.Sprintf("d%d", i)), fmt.Sprintf("Personal note number %d", i)).expect(http.StatusCreated)
	}
	blastS, blastR := pair("blast")
	credits(t, blastS, 20)
	for i := range graph.DefaultLimits.BlastLimit {
		add(fmt.Sprintf("b%d", i))
		send(t, blastS, id(fmt.Sprintf("b%d", i)), "Great opportunity at Acme!").expect(http.StatusCreated)
	}
	replyS, replyR := pair("reply")
	credits(t, replyR, 1)
	send(t, replyR, replyS, "Would you talk?").expect(http.StatusCreated)
	keyS, keyR := pair("key")
	credits(t, keyS, 3)

	// Two members with connections in common, some of the same name, one hidden from the first by
	// a block.
	add("mut_a", "mut_b")
	for i, name := range []string{"Zoe", "Adam", "Adam", "Émile", "bea", "Carl", "Dora", "Eve"} {
		n := fmt.Sprintf("mut%d", i)
		member(t, id(n), name)
		everyone = append(everyone, id(n))
		connect(t, id("mut_a"), id(n))
		connect(t, id("mut_b"), id(n))
	}
	as(t, id("mut_a")).do(http.MethodPut, "/v1/blocks/"+id("mut7"), nil).expect(http.StatusNoContent)

	exported, err := baseline.NewBaseline(env.store.Store).ExportNetwork(ctx, everyone)
	if err != nil {
		t.Fatal(err)
	}
	if err := pgpeer.LoadNetwork(ctx, url, exported); err != nil {
		t.Fatal(err)
	}
	peer := openPeer(t, url)

	// Before any send here, both hold the same mailboxes.
	t.Run("Mailboxes", func(t *testing.T) {
		for _, c := range []struct {
			member   string
			incoming bool
			filter   graph.MailboxFilter
		}{
			{rateS, false, graph.MailboxFilter{}}, {rateS, false, graph.MailboxFilter{Kind: graph.KindInMail}},
			{id("d0"), true, graph.MailboxFilter{}}, {declR, true, graph.MailboxFilter{}}, {waitR, true, graph.MailboxFilter{UnreadOnly: true}},
			{replyS, true, graph.MailboxFilter{}}, {replyS, true, graph.MailboxFilter{Requests: true}}, {blastS, false, graph.MailboxFilter{}},
			{connS, true, graph.MailboxFilter{}},
		} {
			want := mailboxPages(t, func(page graph.PageRequest) (graph.Page[graph.Envelope], error) {
				return env.store.Mailbox(ctx, c.member, c.incoming, c.filter, page)
			})
			got := mailboxPages(t, func(page graph.PageRequest) (graph.Page[graph.Envelope], error) {
				return peer.Mailbox(ctx, c.member, c.incoming, c.filter, page)
			})
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("%s incoming=%v %+v: reach and the peer list differently (-reach +peer):\n%s", c.member, c.incoming, c.filter, diff)
			}
		}
	})

	t.Run("MutualConnections", func(t *testing.T) {
		for _, p := range [][2]string{{id("mut_a"), id("mut_b")}, {id("mut_b"), id("mut_a")}, {id("mut_a"), id("mut_a")},
			{id("mut_a"), id("mut7")}, {id("mut_a"), id("mut0")}, {id("mut_a"), id("nobody")}, {id("nobody"), id("mut_a")}} {
			want := mutualPages(func(page graph.PageRequest) (graph.Page[graph.MemberSummary], error) {
				return env.store.MutualConnections(ctx, p[0], p[1], page)
			})
			got := mutualPages(func(page graph.PageRequest) (graph.Page[graph.MemberSummary], error) {
				return peer.MutualConnections(ctx, p[0], p[1], page)
			})
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("%s and %s: reach and the peer list differently (-reach +peer):\n%s", p[0], p[1], diff)
			}
		}
	})

	refused := func(kind error, reason graph.Reason) sendOutcome {
		return sendOutcome{Error: kind.Error(), Reason: reason}
	}
	cases := []struct {
		name  string
		steps []sendStep
	}{
		{"Connected", []sendStep{{from: connS, to: connR, body: "Hi", want: sendOutcome{Kind: graph.KindMessage}}}},
		{"InMail", []sendStep{{from: inmailS, to: inmailR, body: "Hi", want: sendOutcome{Kind: graph.KindInMail, Cost: 1, Credits: 1}}}},
		{"NoCredits", []sendStep{{from: poorS, to: poorR, body: "Hi", want: refused(graph.ErrRefused, graph.ReasonNoCredits)}}},
		{"Request", []sendStep{{from: reqS, to: reqR, body: "Hi", want: sendOutcome{Kind: graph.KindRequest}}}},
		{"RequestsCapped", []sendStep{{from: capS, to: capR, body: "Hi", want: sendOutcome{Kind: graph.KindInMail, Cost: 1}}}},
		{"Blocked", []sendStep{{from: blockS, to: blockR, body: "Hi", want: sendOutcome{Error: graph.ErrNotFound.Error()}}}},
		{"Declined", []sendStep{{from: declS, to: declR, body: "Again", want: refused(graph.ErrRefused, graph.ReasonDeclined)}}},
		{"AwaitingReply", []sendStep{{from: waitS, to: waitR, body: "Second", want: refused(graph.ErrRefused, graph.ReasonAwaitingReply)}}},
		{"RateLimited", []sendStep{{from: rateS, to: rateR, body: "One more", want: refused(graph.ErrRateLimited, graph.ReasonRateLimited)}}},
		{"MassBlast", []sendStep{{from: blastS, to: blastR, body: "great   OPPORTUNITY at acme!", want: refused(graph.ErrRefused, graph.ReasonMassBlast)}}},
		{"ReplyRefunds", []sendStep{{from: replyS, to: replyR, body: "Sure", want: sendOutcome{Kind: graph.KindMessage}}}},
		{"Self", []sendStep{{from: connS, to: connS, body: "Hi", want: refused(graph.ErrSelf, graph.ReasonSelf)}}},
		{"NoSuchMember", []sendStep{{from: connS, to: id("nobody"), body: "Hi", want: sendOutcome{Error: graph.ErrNotFound.Error()}}}},
		{"IdempotentRetry", []sendStep{
			{from: keyS, to: keyR, body: "Hi", key: "k1", want: sendOutcome{Kind: graph.KindInMail, Cost: 1, Credits: 2}},
			{from: keyS, to: keyR, body: "Hi", key: "k1", want: sendOutcome{Kind: graph.KindInMail, Cost: 1, Credits: 2, Replayed: true}},
			{from: keyS, to: keyR, body: "Something else", key: "k1", want: sendOutcome{Error: graph.ErrIdempotencyConflict.Error()}},
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			for i, step := range c.steps {
				d := graph.Draft{To: step.to, Subject: "Hello", Body: step.body}
				want := outcomeOf(env.store.Send(ctx, step.from, d, step.key))
				got := outcomeOf(peer.Send(ctx, step.from, d, step.key))
				if d := want.RetryAfter - got.RetryAfter; d < -time.Second || d > time.Second {
					t.Errorf("step %d: Retry-After: reach %v, peer %v", i, want.RetryAfter, got.RetryAfter)
				}
				want.RetryAfter, got.RetryAfter = 0, 0
				if diff := cmp.Diff(want, got); diff != "" {
					t.Errorf("step %d: reach and the peer answer differently (-reach +peer):\n%s", i, diff)
				}
				want.Detail = ""
				if diff := cmp.Diff(step.want, want); diff != "" {
					t.Errorf("step %d: reach answers other than the case expects (-want +got):\n%s", i, diff)
				}
			}
		})
	}

	// What the sends left: each member's credits and requests, as each answers them.
	t.Run("CreditsAfter", func(t *testing.T) {
		for _, p := range [][2]string{{connS, connR}, {inmailS, inmailR}, {poorS, poorR}, {reqS, reqR}, {capS, capR},
			{declS, declR}, {waitS, waitR}, {rateS, rateR}, {blastS, blastR}, {replyS, replyR}, {replyR, replyS}, {keyS, keyR}} {
			want, err := env.store.Relation(ctx, p[0], p[1])
			if err != nil {
				t.Fatal(err)
			}
			got, err := peer.Reachability(ctx, p[0], p[1])
			if err != nil {
				t.Fatal(err)
			}
			type account struct{ Credits, RequestsLeft int }
			if diff := cmp.Diff(account{want.Facts.Credits, want.Facts.RequestsLeft},
				account{got.Facts.Credits, got.Facts.RequestsLeft}); diff != "" {
				t.Errorf("%s: reach and the peer differ (-reach +peer):\n%s", p[0], diff)
			}
			if diff := cmp.Diff(want.Messaging, got.Messaging); diff != "" {
				t.Errorf("%s → %s: the next decision differs (-reach +peer):\n%s", p[0], p[1], diff)
			}
		}
	})
}

// mailboxPages reads a whole mailbox through read, seven envelopes a page, and returns its pages,
// each message's time to the microsecond (PostgreSQL keeps no finer) and each cursor as whether
// there is one.
func mailboxPages(t *testing.T, read func(graph.PageRequest) (graph.Page[graph.Envelope], error)) [][]graph.Envelope {
	t.Helper()
	var pages [][]graph.Envelope
	page := graph.PageRequest{Limit: 7}
	for {
		p, err := read(page)
		if err != nil {
			t.Fatal(err)
		}
		for i := range p.Items {
			p.Items[i].Message.SentAt = p.Items[i].Message.SentAt.Truncate(time.Microsecond)
		}
		pages = append(pages, p.Items)
		if p.Next == "" || len(pages) > 20 {
			return pages
		}
		page.After = p.Next
	}
}

// mutualPages reads a whole list of mutual connections through read, three a page, and returns
// its pages with their totals and cursors, or how reading failed.
func mutualPages(read func(graph.PageRequest) (graph.Page[graph.MemberSummary], error)) []any {
	var pages []any
	page := graph.PageRequest{Limit: 3}
	for {
		p, err := read(page)
		if err != nil {
			var e *graph.Error
			if errors.As(err, &e) {
				return append(pages, e.Kind.Error()+": "+e.Detail)
			}
			return append(pages, err.Error())
		}
		pages = append(pages, p)
		if p.Next == "" || len(pages) > 10 {
			return pages
		}
		page.After = p.Next
	}
}

package integration

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/reach-network/reach/bench/baseline"
	"github.com/reach-network/reach/bench/pgpeer"
	"github.com/reach-network/reach/graph"
	"github.com/reach-network/reach/graph/answer"
	"github.com/reach-network/reach/graph/neo4jstore"
)

// TestConformance is the one suite every answering path must pass, in the manner of SpiceDB's
// datastore tests and OpenFGA's RunAllTests: a table of pair situations, each with the answer the
// rules give, written by hand, and every path asked every case. A path that answers a case
// differently fails as path/case. Every path is compared on not found, the degree, the mutual
// count and the messaging decision (allowed, channel, cost, reason, via); the paths that answer
// what the two share are compared on that too (answeringPath.shared). The member's profile, the
// connection count and the facts the rules read are not compared: the decision shows the rule
// that won. Each case's page of mutual connections from the projection, in each mode, is
// compared with Neo4j's, item for item (MutualPage/case).
//
// The cases' setups are written once, through the API, before any path is asked; the peer's
// copy is made after them all.
func TestConformance(t *testing.T) {
	cases := conformanceCases()
	var situations []*situation
	for _, c := range cases {
		if c.in.id == nil {
			c.in.id = recording(ids(t), &c.in.members)
			situations = append(situations, c.in)
		}
	}
	for _, s := range situations {
		s.run(t, s.early)
	}
	// Plans' monthly grants fall due, and the monthly count of message requests starts again.
	env.clock.advance(32 * 24 * time.Hour)
	var members []string
	for _, s := range situations {
		s.run(t, s.steps)
		members = append(members, s.members...)
	}
	// The change log numbers writes in commit order, so the token of a write made after every
	// setup's covers them all.
	last := admin(t).do(http.MethodPut, "/v1/admin/members/"+ids(t)("last"), map[string]any{"name": "Last"}).
		expect(http.StatusCreated)
	token, err := graph.ParseToken(last.Header.Get("Consistency-Token"))
	if err != nil {
		t.Fatal(err)
	}

	paths := answeringPaths(t, token, members)
	ctx := context.Background()
	for _, p := range paths {
		for _, c := range cases {
			t.Run(p.name+"/"+c.name, func(t *testing.T) {
				if p.unavailable != "" {
					t.Skip(p.unavailable)
				}
				if why, ok := p.except[c.name]; ok {
					t.Skip(why)
				}
				caller, member := c.in.id(c.caller), c.in.id(c.member)
				got, err := p.answer(ctx, caller, member)
				if err != nil {
					t.Fatalf("%s → %s: %v", c.caller, c.member, err)
				}
				got.Facts = graph.Facts{} // not written by hand: the decision shows the rule that won
				want := c.in.resolve(c.want)
				if !p.shared {
					want.Shared = graph.Shared{}
				}
				if diff := cmp.Diff(want, got, sameAnswer); diff != "" {
					t.Errorf("%s → %s (-want +got):\n%s", c.caller, c.member, diff)
				}
			})
		}
	}
	// Every case's mutual page, from the projection in each mode, is Neo4j's: the same members,
	// names and headlines, in the same order, with the same total; or not found alike.
	neo4j := storeWithoutProjection(t)
	for _, c := range cases {
		t.Run("MutualPage/"+c.name, func(t *testing.T) {
			caller, member, req := c.in.id(c.caller), c.in.id(c.member), graph.PageRequest{Limit: 100}
			want, wantErr := neo4j.MutualConnections(ctx, caller, member, req)
			if wantErr != nil && !errors.Is(wantErr, graph.ErrNotFound) {
				t.Fatal(wantErr)
			}
			for _, mode := range []graph.Consistency{{Mode: graph.MinimizeLatency}, {Mode: graph.AtLeastAsFresh, Token: token}, {Mode: graph.FullyConsistent}} {
				got, err := memoryPage(t, mode, caller, member, req)
				if errors.Is(err, graph.ErrNotFound) != errors.Is(wantErr, graph.ErrNotFound) || err != nil && !errors.Is(err, graph.ErrNotFound) {
					t.Errorf("%s: %s → %s: %v from memory, %v from Neo4j", mode.Mode, c.caller, c.member, err, wantErr)
				}
				if diff := cmp.Diff(want, got); diff != "" {
					t.Errorf("%s: %s → %s (-Neo4j +memory):\n%s", mode.Mode, c.caller, c.member, diff)
				}
			}
		})
	}
}

// pairAnswer is what a path answers of a caller and a member: not found, or the degree, the
// mutual count, the messaging decision and what the two share, and the facts the rules read.
type pairAnswer struct {
	NotFound  bool
	Degree    graph.Degree
	Mutual    int
	Messaging graph.Decision
	Shared    graph.Shared
	Facts     graph.Facts
}

// sameAnswer compares pairAnswers, an empty list as a missing one, and shows degrees by label.
var sameAnswer = cmp.Options{cmpopts.EquateEmpty(), cmp.Transformer("Label", graph.Degree.Label)}

// conformanceCase is one pair situation: the caller and the member, named as in the situation,
// and the answer the rules give, with the ids of its groups and organisations named so too.
type conformanceCase struct {
	name           string
	in             *situation
	caller, member string
	want           pairAnswer
}

// conformanceCases are the suite's cases: every degree, every reason a read gives, blocks both
// ways, message requests (pending, accepted, declined, turned off, the monthly cap), credits a
// plan grants, and members missing or closed. Each answer is the rules' (graph/decision.go),
// worked out by hand.
func conformanceCases() []conformanceCase {
	message := graph.Decision{Allowed: true, Channel: graph.ChannelMessage, Reason: graph.ReasonConnected}
	reply := graph.Decision{Allowed: true, Channel: graph.ChannelReply, Reason: graph.ReasonThreadReply}
	inmail := graph.Decision{Allowed: true, Channel: graph.ChannelInMail, Cost: 1, Reason: graph.ReasonInMail}
	openProfile := graph.Decision{Allowed: true, Channel: graph.ChannelOpenProfile, Reason: graph.ReasonOpenProfile}
	refused := func(r graph.Reason) graph.Decision { return graph.Decision{Reason: r} }
	request := func(r graph.Reason, via, name string) graph.Decision {
		return graph.Decision{Allowed: true, Channel: graph.ChannelRequest, Reason: r, Via: graph.Affiliate{ID: via, Name: name}}
	}
	notFound := pairAnswer{NotFound: true}
	out := func(d graph.Decision) pairAnswer { return pairAnswer{Degree: graph.OutOfNetwork, Messaging: d} }
	sharing := func(a pairAnswer, s graph.Shared) pairAnswer { a.Shared = s; return a }
	list := func(items ...graph.Affiliate) graph.SharedList {
		return graph.SharedList{Total: len(items), Items: items}
	}
	aff := func(id, name string) graph.Affiliate { return graph.Affiliate{ID: id, Name: name} }
	inGroup := func(id, name string) graph.Shared { return graph.Shared{Groups: list(aff(id, name))} }

	// Situations that more than one case reads.
	// hal blocked ann: ann's only chains to pat and rex run through hal, so both are out of her
	// network, whichever side the chain is walked from (pat has fewer connections than ann, rex
	// more); from pat, ann is 3rd, through hal.
	blockedChain := given("ann", "bob", "ivy", "hal", "pat", "rex", "r1", "r2").credits("ann", 2).credits("pat", 2).
		connect("ann-bob", "ann-ivy", "bob-hal", "hal-pat", "hal-rex", "rex-r1", "rex-r2").block("hal", "ann")
	blocked := given("ann", "bob").connect("ann-bob").block("ann", "bob")
	missing := given("ann")
	// gone stood between ann and bob, then closed the account.
	closed := given("ann", "gone", "bob").credits("ann", 2).connect("ann-gone", "gone-bob").close("gone")
	wrote := given("ann", "sue").credits("sue", 1).writes("sue", "ann")
	pending := given("pia", "hugo").group("g", "Go", "pia", "hugo").writes("pia", "hugo")
	accepted := given("quin", "gia").group("g", "Go", "quin", "gia").answered("quin", "gia", "accept")
	requestsOff := given("gia", "oz").credits("gia", 2).group("g", "Go", "gia", "oz").
		set("oz", map[string]any{"messageRequests": false})
	// sam sent the month's cap of requests to fans of the crowd group; eli sent as many before
	// the month passed, which count no more.
	fans := make([]string, graph.DefaultRequestsMonthly+1)
	for i := range fans {
		fans[i] = fmt.Sprintf("fan%d", i+1)
	}
	unasked := fans[graph.DefaultRequestsMonthly] // no one sent them a request
	crowd := given(append([]string{"eli"}, fans...)...).group("crowd", "Crowd", append([]string{"eli"}, fans...)...).
		requests("eli", fans[:graph.DefaultRequestsMonthly]...).monthPasses().
		add("sam").credits("sam", 1).join("sam", "crowd").requests("sam", fans[:graph.DefaultRequestsMonthly]...)

	return []conformanceCase{
		// Degrees.
		{"Self", given("ann"), "ann", "ann", pairAnswer{Degree: graph.Self, Messaging: refused(graph.ReasonSelf)}},
		{"FirstDegree", given("ann", "bob").connect("ann-bob"), "ann", "bob", pairAnswer{Degree: graph.First, Messaging: message}},
		{"SecondDegree", given("ann", "bob", "ivy", "cat").credits("ann", 2).connect("ann-bob", "ann-ivy", "bob-cat", "ivy-cat"),
			"ann", "cat", pairAnswer{Degree: graph.Second, Mutual: 2, Messaging: inmail}},
		{"ThirdDegreeIsInNetwork", given("ann", "bob", "cat", "dan").credits("ann", 2).connect("ann-bob", "bob-cat", "cat-dan").
			set("dan", map[string]any{"inmail": "network"}),
			"ann", "dan", pairAnswer{Degree: graph.Third, Messaging: inmail}},
		{"FourHopsIsOutOfNetwork", given("ann", "bob", "cat", "dan", "eve").credits("ann", 2).
			connect("ann-bob", "bob-cat", "cat-dan", "dan-eve").set("eve", map[string]any{"inmail": "network"}),
			"ann", "eve", out(refused(graph.ReasonRecipientNetworkOnly))},
		{"NoChainThroughWhoBlockedTheCaller", blockedChain, "ann", "pat", out(inmail)},
		{"NoChainThroughWhoBlockedTheCallerFromTheCallersSide", blockedChain, "ann", "rex", out(inmail)},
		{"ChainThroughWhoBlockedSomeoneElse", blockedChain, "pat", "ann", pairAnswer{Degree: graph.Third, Messaging: inmail}},

		// Blocks, missing and closed members: not found, whoever asks.
		{"BlockedByTheCaller", blocked, "ann", "bob", notFound},
		{"BlockedByTheMember", blocked, "bob", "ann", notFound},
		{"UnblockedIsNoLongerConnected", given("ann", "bob").credits("ann", 2).connect("ann-bob").block("ann", "bob").unblock("ann", "bob"),
			"ann", "bob", out(inmail)},
		{"MissingMember", missing, "ann", "nobody", notFound},
		{"MissingCaller", missing, "nobody", "ann", notFound},
		{"ClosedMember", closed, "ann", "gone", notFound},
		{"ClosedCaller", closed, "gone", "ann", notFound},
		{"ClosedMemberLinksNoOne", closed, "ann", "bob", out(inmail)},
		{"ReopenedAccountStartsClean", given("ann", "gone").connect("ann-gone").writes("ann", "gone").close("gone").
			add("gone").credits("gone", 2),
			"gone", "ann", out(inmail)},

		// The messaging rules, in their order.
		{"ThreadReply", wrote, "ann", "sue", out(reply)},
		{"SenderRestricted", given("rob", "finn").credits("rob", 2).restrict("rob"), "rob", "finn", out(refused(graph.ReasonSenderRestricted))},
		{"Declined", given("ann", "tia").credits("ann", 2).answered("ann", "tia", "decline"), "ann", "tia", out(refused(graph.ReasonDeclined))},
		{"AwaitingReply", wrote, "sue", "ann", out(refused(graph.ReasonAwaitingReply))},
		{"RecipientInMailOff", given("ann", "vic").credits("ann", 2).set("vic", map[string]any{"inmail": "off"}),
			"ann", "vic", out(refused(graph.ReasonRecipientInMailOff))},
		{"RecipientNetworkOnly", given("ann", "wes").credits("ann", 2).set("wes", map[string]any{"inmail": "network"}),
			"ann", "wes", out(refused(graph.ReasonRecipientNetworkOnly))},
		{"OpenProfileCostsNoCredit", given("ann", "xia").set("xia", map[string]any{"openProfile": true}), "ann", "xia", out(openProfile)},
		{"NoCredits", given("nia", "finn"), "nia", "finn", out(refused(graph.ReasonNoCredits))},
		{"InMail", given("ann", "finn").credits("ann", 2), "ann", "finn", out(inmail)},

		// What wins when two rules apply.
		{"ConnectedBeatsRestrictedAndInMailOff", given("ann", "bob").connect("ann-bob").restrict("ann").set("bob", map[string]any{"inmail": "off"}),
			"ann", "bob", pairAnswer{Degree: graph.First, Messaging: message}},
		{"ThreadReplyBeatsRestricted", given("ann", "bob").credits("bob", 1).writes("bob", "ann").restrict("ann"), "ann", "bob", out(reply)},
		{"RestrictedBeatsDeclined", given("ann", "bob").credits("ann", 2).answered("ann", "bob", "decline").restrict("ann"),
			"ann", "bob", out(refused(graph.ReasonSenderRestricted))},
		{"DeclinedBeatsInMailOff", given("ann", "bob").credits("ann", 2).answered("ann", "bob", "decline").set("bob", map[string]any{"inmail": "off"}),
			"ann", "bob", out(refused(graph.ReasonDeclined))},
		{"InMailOffBeatsOpenProfile", given("ann", "bob").credits("ann", 2).set("bob", map[string]any{"inmail": "off", "openProfile": true}),
			"ann", "bob", out(refused(graph.ReasonRecipientInMailOff))},

		// Message requests. gia has no credits: a request costs none. hugo joined g2 first, but the
		// group named is g1, the lowest id, though its name sorts last.
		{"SharedGroup", given("gia", "hugo").group("g1", "Rust").group("g2", "Go").join("hugo", "g2").join("gia", "g2").
			join("hugo", "g1").join("gia", "g1"),
			"gia", "hugo", sharing(out(request(graph.ReasonSharedGroup, "g1", "Rust")), graph.Shared{Groups: list(aff("g2", "Go"), aff("g1", "Rust"))})},
		{"Coworker", given("kai", "lea").org("c1", "Zeta", "company").org("c2", "Acme", "company").
			holds("kai", pos("c2", 2020), pos("c1", 2022)).holds("lea", pos("c2", 2020), pos("c1", 2022)),
			"kai", "lea", sharing(out(request(graph.ReasonCoworker, "c1", "Zeta")), graph.Shared{Companies: list(aff("c2", "Acme"), aff("c1", "Zeta"))})},
		{"SharedGroupBeatsCoworker", given("ann", "bob").group("g", "Go", "ann", "bob").org("c", "Acme", "company").
			holds("ann", pos("c", 2020)).holds("bob", pos("c", 2019)),
			"ann", "bob", sharing(out(request(graph.ReasonSharedGroup, "g", "Go")), graph.Shared{Companies: list(aff("c", "Acme")), Groups: list(aff("g", "Go"))})},
		{"PastCoworkerIsNoBasis", given("ned", "max").credits("ned", 2).org("c", "Globex", "company").
			holds("max", pos("c", 2015, 2018)).holds("ned", pos("c", 2016)),
			"ned", "max", sharing(out(inmail), graph.Shared{Companies: list(aff("c", "Globex"))})},
		{"SchoolIsNoBasis", given("ned", "max").credits("ned", 2).org("s", "Uni", "school").
			holds("max", pos("s", 2024)).holds("ned", pos("s", 2024)),
			"ned", "max", sharing(out(inmail), graph.Shared{Schools: list(aff("s", "Uni"))})},
		{"RequestPending", pending, "pia", "hugo", sharing(out(refused(graph.ReasonAwaitingReply)), inGroup("g", "Go"))},
		{"PendingRequestLetsTheRecipientReply", pending, "hugo", "pia", sharing(out(reply), inGroup("g", "Go"))},
		{"RequestAccepted", accepted, "quin", "gia", sharing(out(reply), inGroup("g", "Go"))},
		{"AcceptedRequestLetsTheRecipientReply", accepted, "gia", "quin", sharing(out(reply), inGroup("g", "Go"))},
		{"RequestDeclined", given("rae", "gia").group("g", "Go", "rae", "gia").answered("rae", "gia", "decline"),
			"rae", "gia", sharing(out(refused(graph.ReasonDeclined)), inGroup("g", "Go"))},
		{"RequestsOffThenInMail", requestsOff, "gia", "oz", sharing(out(inmail), inGroup("g", "Go"))},
		{"RequestsOffStillSendsRequests", requestsOff, "oz", "gia", sharing(out(request(graph.ReasonSharedGroup, "g", "Go")), inGroup("g", "Go"))},
		{"RequestsOffThenInMailOff", given("ann", "bob").credits("ann", 2).group("g", "Go", "ann", "bob").
			set("bob", map[string]any{"messageRequests": false, "inmail": "off"}),
			"ann", "bob", sharing(out(refused(graph.ReasonRecipientInMailOff)), inGroup("g", "Go"))},
		{"RequestsBackOn", given("ann", "bob").group("g", "Go", "ann", "bob").
			set("bob", map[string]any{"messageRequests": false}).set("bob", map[string]any{"messageRequests": true}),
			"ann", "bob", sharing(out(request(graph.ReasonSharedGroup, "g", "Go")), inGroup("g", "Go"))},
		{"ConnectedBeatsRequest", given("ann", "bob").group("g", "Go", "ann", "bob").connect("ann-bob"),
			"ann", "bob", sharing(pairAnswer{Degree: graph.First, Messaging: message}, inGroup("g", "Go"))},
		{"RestrictedBeatsRequest", given("ann", "bob").group("g", "Go", "ann", "bob").restrict("ann"),
			"ann", "bob", sharing(out(refused(graph.ReasonSenderRestricted)), inGroup("g", "Go"))},
		{"RequestBeatsInMailOff", given("ann", "bob").group("g", "Go", "ann", "bob").set("bob", map[string]any{"inmail": "off"}),
			"ann", "bob", sharing(out(request(graph.ReasonSharedGroup, "g", "Go")), inGroup("g", "Go"))},
		{"RequestBeatsNetworkOnly", given("ann", "bob").org("c", "Acme", "company").holds("ann", pos("c", 2020)).holds("bob", pos("c", 2021)).
			set("bob", map[string]any{"inmail": "network"}),
			"ann", "bob", sharing(out(request(graph.ReasonCoworker, "c", "Acme")), graph.Shared{Companies: list(aff("c", "Acme"))})},
		{"RequestBeatsOpenProfile", given("ann", "bob").credits("ann", 2).group("g", "Go", "ann", "bob").set("bob", map[string]any{"openProfile": true}),
			"ann", "bob", sharing(out(request(graph.ReasonSharedGroup, "g", "Go")), inGroup("g", "Go"))},
		{"MonthlyCapReachedThenInMail", crowd, "sam", unasked, sharing(out(inmail), inGroup("crowd", "Crowd"))},
		{"LastMonthsRequestsCountNoMore", crowd, "eli", unasked, sharing(out(request(graph.ReasonSharedGroup, "crowd", "Crowd")), inGroup("crowd", "Crowd"))},

		// Credits: the career plan grants 5 a month. ola was put on it with none a month ago;
		// oli just now, which grants none more until a month has passed.
		{"PlanGrantsCreditsMonthly", given("ola", "finn").plan("ola", graph.PlanCareer, 0).monthPasses(), "ola", "finn", out(inmail)},
		{"PlanGrantNotYetDue", given("oli", "finn").plan("oli", graph.PlanCareer, 0), "oli", "finn", out(refused(graph.ReasonNoCredits))},
	}
}

// situation is the setup of one or more cases: members with ids of its own, what passed between
// them, and their groups and organisations, written through the API. Steps given before
// monthPasses run before the suite moves its clock a month on; the others after.
type situation struct {
	early, steps []step
	id           func(string) string // set when the suite runs it
	members      []string            // every id id gave: members, groups and organisations
}

// step is one write of a situation, naming members, groups and organisations through id.
type step func(t *testing.T, id func(string) string)

// given starts a situation with the members named.
func given(names ...string) *situation { return (&situation{}).add(names...) }

func (s *situation) then(f step) *situation { s.steps = append(s.steps, f); return s }

// run writes steps, failing the test on the first that fails.
func (s *situation) run(t *testing.T, steps []step) {
	t.Helper()
	for _, f := range steps {
		f(t, s.id)
	}
}

// recording returns id, noting in seen every id it gives.
func recording(id func(string) string, seen *[]string) func(string) string {
	given := map[string]bool{}
	return func(name string) string {
		x := id(name)
		if !given[x] {
			given[x] = true
			*seen = append(*seen, x)
		}
		return x
	}
}

// resolve turns the names of a case's answer into the situation's ids.
func (s *situation) resolve(a pairAnswer) pairAnswer {
	if a.Messaging.Via.ID != "" {
		a.Messaging.Via.ID = s.id(a.Messaging.Via.ID)
	}
	for _, l := range []*graph.SharedList{&a.Shared.Companies, &a.Shared.Schools, &a.Shared.Groups} {
		items := make([]graph.Affiliate, len(l.Items))
		for i, it := range l.Items {
			items[i] = graph.Affiliate{ID: s.id(it.ID), Name: it.Name}
		}
		l.Items = items
	}
	return a
}

// monthPasses puts the steps given so far before the suite's month passes.
func (s *situation) monthPasses() *situation {
	s.early, s.steps = append(s.early, s.steps...), nil
	return s
}

func (s *situation) add(names ...string) *situation {
	return s.then(func(t *testing.T, id func(string) string) {
		for _, n := range names {
			member(t, id(n), strings.ToUpper(n[:1])+n[1:])
		}
	})
}

func (s *situation) credits(name string, n int) *situation {
	return s.then(func(t *testing.T, id func(string) string) { credits(t, id(name), n) })
}

// plan puts a member on a plan with a balance of credits, which the plan's first allotment is
// not added to.
func (s *situation) plan(name string, p graph.Plan, credits int) *situation {
	return s.then(func(t *testing.T, id func(string) string) {
		admin(t).do(http.MethodPut, "/v1/admin/members/"+id(name), map[string]any{"name": name, "plan": p, "inmailCredits": credits}).
			expect(http.StatusOK)
	})
}

// connect connects the pairs named "a-b".
func (s *situation) connect(pairs ...string) *situation {
	return s.then(func(t *testing.T, id func(string) string) {
		for _, p := range pairs {
			a, b, _ := strings.Cut(p, "-")
			connect(t, id(a), id(b))
		}
	})
}

func (s *situation) block(by, member string) *situation {
	return s.then(func(t *testing.T, id func(string) string) {
		as(t, id(by)).do(http.MethodPut, "/v1/blocks/"+id(member), nil).expect(http.StatusNoContent)
	})
}

func (s *situation) unblock(by, member string) *situation {
	return s.then(func(t *testing.T, id func(string) string) {
		as(t, id(by)).do(http.MethodDelete, "/v1/blocks/"+id(member), nil).expect(http.StatusNoContent)
	})
}

func (s *situation) set(name string, change map[string]any) *situation {
	return s.then(func(t *testing.T, id func(string) string) { set(t, id(name), change) })
}

// restrict has three members report the member.
func (s *situation) restrict(name string) *situation {
	return s.then(func(t *testing.T, id func(string) string) { restrict(t, id, id(name)) })
}

// close closes the member's account.
func (s *situation) close(name string) *situation {
	return s.then(func(t *testing.T, id func(string) string) {
		admin(t).do(http.MethodDelete, "/v1/admin/members/"+id(name), nil).expect(http.StatusNoContent)
	})
}

// writes has from send to a message, on whatever channel the rules allow.
func (s *situation) writes(from, to string) *situation {
	return s.then(func(t *testing.T, id func(string) string) {
		send(t, id(from), id(to), "Hello from "+from).expect(http.StatusCreated)
	})
}

// answered has from send to a message, which to answers with action: accept or decline.
func (s *situation) answered(from, to, action string) *situation {
	return s.then(func(t *testing.T, id func(string) string) {
		var m sentMessage
		send(t, id(from), id(to), "Hello from "+from).expect(http.StatusCreated).into(&m)
		as(t, id(to)).do(http.MethodPost, "/v1/messages/"+m.ID+"/"+action, nil).expect(http.StatusOK)
	})
}

// requests has from send each of to a message request.
func (s *situation) requests(from string, to ...string) *situation {
	return s.then(func(t *testing.T, id func(string) string) {
		for _, m := range to {
			var sent sentMessage
			send(t, id(from), id(m), "Hello from "+from).expect(http.StatusCreated).into(&sent)
			if sent.Kind != string(graph.KindRequest) {
				t.Fatalf("%s → %s went as %q, not as a message request", from, m, sent.Kind)
			}
		}
	})
}

// group creates a group, which the members named join.
func (s *situation) group(g, name string, members ...string) *situation {
	s.then(func(t *testing.T, id func(string) string) { putGroup(t, id(g), name) })
	for _, m := range members {
		s.join(m, g)
	}
	return s
}

func (s *situation) join(member, g string) *situation {
	return s.then(func(t *testing.T, id func(string) string) { join(t, id(member), id(g)) })
}

func (s *situation) org(o, name, kind string) *situation {
	return s.then(func(t *testing.T, id func(string) string) { putOrganisation(t, id(o), name, kind) })
}

// position is a position held at an organisation, named as in a situation.
type position struct {
	org      string
	from, to int // to is 0 while the position is current
}

// pos is a position at org from a year, and until one when given.
func pos(org string, from int, to ...int) position {
	p := position{org: org, from: from}
	if len(to) > 0 {
		p.to = to[0]
	}
	return p
}

// holds gives a member positions.
func (s *situation) holds(name string, positions ...position) *situation {
	return s.then(func(t *testing.T, id func(string) string) {
		list := make([]map[string]any, len(positions))
		for i, p := range positions {
			list[i] = map[string]any{"org": id(p.org), "from": p.from}
			if p.to != 0 {
				list[i]["to"] = p.to
			}
		}
		putPositions(t, id(name), name, list...)
	})
}

// answeringPath is one way of answering how a caller stands to a member, and which parts of the
// answer it gives: every path answers not found, the degree, the mutual count, the decision and
// the facts the rules read; shared says whether it answers what the two share.
type answeringPath struct {
	name   string
	ask    func(ctx context.Context, caller, member string) (graph.Reach, error)
	shared bool
	// except names the cases the path is known to answer otherwise, each with why, as SpiceDB's
	// datastore tests take exceptions per datastore: the case is skipped, saying why.
	except map[string]string
	// unavailable says why the path cannot be asked in this run; its cases are skipped.
	unavailable string
}

// answer is what p answers of caller and member, reduced to the parts p gives.
func (p answeringPath) answer(ctx context.Context, caller, member string) (pairAnswer, error) {
	r, err := p.ask(ctx, caller, member)
	if errors.Is(err, graph.ErrNotFound) {
		return pairAnswer{NotFound: true}, nil
	}
	if err != nil {
		return pairAnswer{}, err
	}
	a := pairAnswer{Degree: r.Degree, Mutual: r.MutualCount, Messaging: r.Messaging, Facts: r.Facts}
	if p.shared {
		a.Shared = r.Shared
	}
	return a, nil
}

// answeringPaths are every path the suite asks: Neo4j, the projection in each consistency mode
// (token is the latest write's, for at_least_as_fresh), the benchmark's Cypher baseline and its
// PostgreSQL peer, loaded with the members named by ids.
func answeringPaths(t *testing.T, token graph.Token, ids []string) []answeringPath {
	t.Helper()
	return []answeringPath{
		neo4jPath(),
		neo4jReachabilityPath(t),
		projectionPath(t, graph.MinimizeLatency, token),
		projectionPath(t, graph.AtLeastAsFresh, token),
		projectionPath(t, graph.FullyConsistent, token),
		baselinePath(),
		peerCopyPath(t, ids),
	}
}

// The answering paths. These constructors are the only code of the suite that names a store's
// type: each turns one into an answeringPath.

// neo4jPath answers from Neo4j, with the store's Relation: the profile page's answer.
func neo4jPath() answeringPath {
	ask := func(ctx context.Context, caller, member string) (graph.Reach, error) {
		r, err := env.store.Relation(ctx, caller, member)
		return r.Reach, err
	}
	return answeringPath{name: "Neo4j", ask: ask, shared: true}
}

// neo4jReachabilityPath answers Reachability from a store that keeps no projection: Relation,
// with what the two share, both from Neo4j.
func neo4jReachabilityPath(t *testing.T) answeringPath {
	return answeringPath{name: "Neo4jReachability", ask: storeWithoutProjection(t).Reachability, shared: true}
}

// storeWithoutProjection opens a store that answers every read from Neo4j.
func storeWithoutProjection(t *testing.T) *answer.Service {
	t.Helper()
	ctx := context.Background()
	s, err := openService(ctx, neo4jstore.Config{URI: env.neo4jURI, Clock: env.clock.now})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close(ctx) })
	return s
}

// projectionPath answers Reachability from the store's projection, read in mode (with token for
// at_least_as_fresh). It first waits until the projection has applied the write token names,
// so that minimize_latency reads are answered from memory too. A read the projection could not
// answer, which the store then answers from Neo4j, is asked again until the projection answers
// it, for a while: the path tested is the projection.
func projectionPath(t *testing.T, mode graph.Mode, token graph.Token) answeringPath {
	t.Helper()
	name := map[graph.Mode]string{graph.MinimizeLatency: "ProjectionMinimizeLatency",
		graph.AtLeastAsFresh: "ProjectionAtLeastAsFresh", graph.FullyConsistent: "ProjectionFullyConsistent"}[mode]
	for deadline := time.Now().Add(30 * time.Second); env.store.ProjectionStats().Applied < token.Seq; time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("the projection has not applied change %d in 30s", token.Seq)
		}
	}
	c := graph.Consistency{Mode: mode}
	if mode == graph.AtLeastAsFresh {
		c.Token = token
	}
	ask := func(ctx context.Context, caller, member string) (graph.Reach, error) {
		ctx = graph.WithConsistency(ctx, c)
		for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(20 * time.Millisecond) {
			fallbacks := env.store.ProjectionStats().Fallbacks
			r, err := env.store.Reachability(ctx, caller, member)
			if env.store.ProjectionStats().Fallbacks == fallbacks {
				return r, err
			}
			if time.Now().After(deadline) {
				return graph.Reach{}, fmt.Errorf("%s: Neo4j answered, never the projection", mode)
			}
		}
	}
	return answeringPath{name: name, ask: ask, shared: true}
}

// baselinePath answers from the benchmark's Cypher baseline, which leaves what the two share
// empty. Its shortestPath walks through members in a block relation with the caller, as a team
// without reach would write it: chains that only such a member completes are its exceptions.
func baselinePath() answeringPath {
	const walksThroughBlocks = "the baseline's shortestPath walks through members in a block relation with the caller"
	base := baseline.NewBaseline(env.store.Store)
	ask := func(ctx context.Context, caller, member string) (graph.Reach, error) {
		a, err := base.Reachability(ctx, caller, member)
		return graph.Reach{MemberID: member, Degree: a.Degree, MutualCount: a.MutualCount, Facts: a.Facts, Messaging: a.Messaging}, err
	}
	return answeringPath{name: "Baseline", ask: ask, except: map[string]string{
		"NoChainThroughWhoBlockedTheCaller":                   walksThroughBlocks,
		"NoChainThroughWhoBlockedTheCallerFromTheCallersSide": walksThroughBlocks,
	}}
}

// peerPath answers from the benchmark's PostgreSQL peer, on a schema of the test's own that load
// fills.
func peerPath(t *testing.T, load func(ctx context.Context, url string) error) answeringPath {
	t.Helper()
	p := answeringPath{name: "Peer", shared: true}
	url, ok := peerSchema(t)
	if !ok {
		p.unavailable = noPostgres
		return p
	}
	if err := load(context.Background(), url); err != nil {
		t.Fatal(err)
	}
	p.ask = openPeer(t, url).Reachability
	return p
}

// peerCopyPath is peerPath, loaded with a copy of the members named by ids and what lies between
// them, exported from Neo4j.
func peerCopyPath(t *testing.T, ids []string) answeringPath {
	t.Helper()
	return peerPath(t, func(ctx context.Context, url string) error {
		exported, err := baseline.NewBaseline(env.store.Store).ExportNetwork(ctx, ids)
		if err != nil {
			return err
		}
		return pgpeer.LoadNetwork(ctx, url, exported)
	})
}

// peerCSVPath is peerPath, loaded from the CSV files `reach seed --out` wrote into dir, as the
// benchmark loads it.
func peerCSVPath(t *testing.T, dir string) answeringPath {
	t.Helper()
	return peerPath(t, func(ctx context.Context, url string) error { return pgpeer.LoadCSV(ctx, url, dir, nil) })
}

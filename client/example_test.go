package client_test

import (
	"context"
	"fmt"
	"log"
	"strings"

	"github.com/reach-network/reach/client"
)

// Example walks the README's demo from Jane Smith's side: her own profile, how she stands to
// Maria and Lena, who she and Maria both know, an InMail to Lena, and both members' inbox and
// Other boxes, where Rex's blast went to Jane. as(name)
// makes a client acting as that member of the demo network, and member(name) is their id.
func Example() {
	ctx := context.Background()
	jane := as("jane")

	me, err := jane.GetMeWithResponse(ctx, nil)
	must(err, me.StatusCode())
	fmt.Printf("%s: %s plan, %d InMail credits\n", me.JSON200.Name, me.JSON200.Plan, me.JSON200.InmailCredits)

	maria, err := jane.GetMemberWithResponse(ctx, member("maria"), nil)
	must(err, maria.StatusCode())
	fmt.Printf("%s (%s): %s, %d mutual connections\n", maria.JSON200.Name, maria.JSON200.Headline, maria.JSON200.Label, *maria.JSON200.MutualCount)

	mutual, err := jane.ListMutualConnectionsWithResponse(ctx, member("maria"), nil)
	must(err, mutual.StatusCode())
	var names []string
	for _, m := range mutual.JSON200.Items {
		names = append(names, m.Name)
	}
	fmt.Printf("Jane and Maria both know %s\n", strings.Join(names, " and "))

	lena, err := jane.GetReachabilityWithResponse(ctx, member("lena"), nil)
	must(err, lena.StatusCode())
	fmt.Printf("Lena: %s; may message: %v, by %s for %d credit\n", lena.JSON200.Label, lena.JSON200.Messaging.Allowed, *lena.JSON200.Messaging.Channel, lena.JSON200.Messaging.Cost)

	subject := "Platform role at Acme"
	sent, err := jane.SendMessageWithResponse(ctx, nil, client.SendRequest{
		To: member("lena"), Subject: &subject, Body: "Hi Lena, Maria Garcia suggested I reach out about a platform role.",
	})
	must(err, sent.StatusCode())
	fmt.Printf("sent: %s for %d credit, %d left\n", sent.JSON201.Kind, sent.JSON201.Cost, sent.JSON201.InmailCredits)

	again, err := jane.GetReachabilityWithResponse(ctx, member("lena"), nil)
	must(err, again.StatusCode())
	fmt.Printf("Lena now: may message: %v (%s)\n", again.JSON200.Messaging.Allowed, again.JSON200.Messaging.Reason)

	for _, name := range []string{"lena", "jane"} {
		for _, box := range []client.ConversationBox{client.ConversationBoxInbox, client.ConversationBoxOther} {
			list, err := as(name).ListConversationsWithResponse(ctx, &client.ListConversationsParams{Box: &box})
			must(err, list.StatusCode())
			for _, c := range list.JSON200.Items {
				fmt.Printf("%s's %s: %s, %s, %d unread\n", name, box, c.With.Name, c.Kind, c.UnreadCount)
			}
		}
	}
	// Output:
	// Jane Smith: career plan, 5 InMail credits
	// Maria Garcia (Recruiter at Globex): 2nd, 2 mutual connections
	// Jane and Maria both know Alex Chen and Priya Patel
	// Lena: 3rd; may message: true, by inmail for 1 credit
	// sent: inmail for 1 credit, 4 left
	// Lena now: may message: false (awaiting_reply)
	// lena's inbox: Jane Smith, inmail, 1 unread
	// lena's inbox: Rex Morgan, inmail, 1 unread
	// jane's inbox: Lena Novak, inmail, 0 unread
	// jane's inbox: Maria Garcia, inmail, 1 unread
	// jane's other: Rex Morgan, inmail, 1 unread
}

// must stops the example on a failure to reach reach or an answer that is not a success.
func must(err error, status int) {
	if err != nil {
		log.Fatal(err)
	}
	if status >= 300 {
		log.Fatalf("answered %d", status)
	}
}

package integration

import (
	"context"
	"net/http"
	"testing"

	"github.com/reach-network/reach/seed"
)

// TestDemoNetwork loads the demo network `make run` serves (twice: loading is idempotent) and
// checks that it tells the story the README tells, Rex's blast in Jane's Other box included.
func TestDemoNetwork(t *testing.T) {
	for range 2 {
		if err := seed.Load(context.Background(), env.store, seed.Demo()); err != nil {
			t.Fatal(err)
		}
	}
	type want struct {
		label    string
		mutual   int
		reason   string
		channel  string
		hasRoute bool
	}
	for member, w := range map[string]want{
		"alex":  {"1st", 1, "connected", "message", true},
		"maria": {"2nd", 2, "thread_reply", "reply", true},
		"david": {"2nd", 1, "thread_reply", "reply", true}, // his message request waits for her
		"sofia": {"2nd", 1, "open_profile", "open_profile", true},
		"lena":  {"3rd", 0, "inmail", "inmail", true},
		"omar":  {"3rd", 0, "recipient_inmail_off", "", true},
		"noah":  {"out_of_network", 0, "recipient_network_only", "", false},
		"zoe":   {"out_of_network", 0, "inmail", "inmail", false},
	} {
		t.Run(member, func(t *testing.T) {
			var r struct {
				Label       string
				MutualCount int
				Messaging   decision
			}
			as(t, "jane").get("/v1/members/" + member + "/reachability").expect(http.StatusOK).into(&r)
			got := want{r.Label, r.MutualCount, r.Messaging.Reason, "", false}
			if r.Messaging.Channel != nil {
				got.channel = *r.Messaging.Channel
			}
			got.hasRoute = as(t, "jane").get("/v1/members/"+member+"/path").Status == http.StatusOK
			if got != w {
				t.Errorf("jane → %s: got %+v, want %+v", member, got, w)
			}
		})
	}
	var inbox struct {
		Items []struct {
			Kind, Preview string
			From          struct{ ID string }
		}
	}
	as(t, "jane").get("/v1/inbox").expect(http.StatusOK).into(&inbox)
	if len(inbox.Items) != 2 || inbox.Items[0].From.ID != "rex" || inbox.Items[1].From.ID != "maria" || inbox.Items[1].Kind != "inmail" {
		t.Errorf("jane's inbox: %+v, want Rex's InMail, then Maria's", inbox.Items)
	}
	for box, with := range map[string]string{"inbox": "maria", "other": "rex"} {
		p := conversations(t, "jane", "box="+box)
		if len(p.Items) != 1 || p.Items[0].With.ID == nil || *p.Items[0].With.ID != with || p.Items[0].Kind != "inmail" {
			t.Errorf("jane's %s box: %+v, want the conversation with %s", box, p.Items, with)
		}
	}
	var requests struct{ Items []requestEntry }
	as(t, "jane").get("/v1/inbox?box=requests").expect(http.StatusOK).into(&requests)
	if r := requests.Items; len(r) != 1 || r[0].Kind != "request" || r[0].Via == nil || r[0].Via.ID != "go-devs" {
		t.Errorf("jane's requests box: %+v, want David's request via Go Developers", r)
	}
	var me me
	as(t, "jane").get("/v1/me").expect(http.StatusOK).into(&me)
	if me.InMailCredits != 5 || me.Name != "Jane Smith" {
		t.Errorf("jane: %+v", me)
	}
}

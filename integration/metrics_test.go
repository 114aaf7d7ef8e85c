package integration

import (
	"net/http"
	"strings"
	"testing"
)

func TestMetrics(t *testing.T) {
	id := ids(t)
	locks := env.store.LockStats()
	network(t, id, [2]string{"a", "b"})
	if after := env.store.LockStats(); after.Waited.Count <= locks.Waited.Count || after.Held.Count <= locks.Held.Count ||
		after.Held.Sum <= locks.Held.Sum {
		t.Errorf("writes left the change log's lock times at %+v, before %+v", after, locks)
	}
	credits(t, id("a"), 1)
	member(t, id("c"), "C")
	reachability(t, id("a"), id("c"))
	send(t, id("a"), id("c"), "Hello from the metrics test").expect(http.StatusCreated)
	send(t, id("a"), id("c"), "And again").expectProblem(http.StatusForbidden)
	as(t, id("a")).get("/v1/members/" + id("nobody")).expectProblem(http.StatusNotFound)

	res := (&client{t: t}).get("/metrics").expect(http.StatusOK)
	body := string(res.Body)
	for _, want := range []string{
		`reach_http_requests_total{method="GET",route="/v1/members/:id/reachability",status="200"}`,
		`reach_http_requests_total{method="GET",route="/v1/members/:id",status="404"}`,
		`reach_http_request_duration_seconds_bucket{method="POST",route="/v1/messages",le="0.001"}`,
		`reach_messaging_decisions_total{reason="inmail"}`,
		`reach_messages_sent_total{cost="1",kind="inmail"}`,
		`reach_messages_refused_total{reason="awaiting_reply"}`,
		`reach_connection_lists_held_connections`,
		`reach_connection_lists_ids`,
		`reach_connection_lists_bytes`,
		`reach_connection_lists_budget_bytes 8e+07`,
		`reach_connection_lists_renewals_total`,
		`reach_change_log_lock_wait_seconds_bucket{le="0.001"}`,
		`reach_change_log_lock_hold_seconds_count`,
		`go_goroutines`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
	if strings.Contains(body, id("nobody")) {
		t.Error("/metrics labels carry raw paths")
	}
}

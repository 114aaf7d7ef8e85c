package e2e

import (
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestConsoleThroughTwoReplicas drives the console through a proxy that sends every write to one
// replica and every read to another, which reads the change log only every 3 s while its
// staleness bound (5 s) lets it answer from memory meanwhile (scripts/e2e.sh starts both). Rex
// sends Priya an InMail from her page; the page the console shows next, read through the lagging
// replica at once, must already say that his InMail waits for her answer: the browser carries
// Rex's own write to the other replica in the reach_written cookie, and that replica answers
// from Neo4j rather than from a memory that has not applied it.
func TestConsoleThroughTwoReplicas(t *testing.T) {
	reader := os.Getenv("REACH_E2E_READER_URL")
	if reader == "" {
		t.Skip("REACH_E2E_READER_URL is not set: run make test-e2e")
	}
	p := newPage(t, desktop)
	p.base = splitProxy(t, baseURL(t), reader)
	p.actAs("rex")
	p.open("#/member/priya", "#can-message")
	if got := eval[string](p, `document.getElementById("can-message").dataset.reason`); got != "inmail" {
		t.Fatalf("Rex's answer about Priya before the InMail: %q, want inmail", got)
	}
	p.do(chromedp.Evaluate[chromedp.Void](`document.getElementById("can-message").dataset.before = "send"`),
		chromedp.Click(chromedp.Search(`//button[starts-with(text(), "InMail (")]`)),
		chromedp.SendKeys(chromedp.CSS("#send-body"), "Hi Priya, would you speak at our product meetup in May?"),
		chromedp.Click(chromedp.Search(`//button[starts-with(text(), "Send InMail")]`)))
	p.waitFor("the InMail sent", `document.getElementById("live").textContent.includes("InMail sent to Priya Patel")`)
	p.waitFor("the page drawn again", `!!document.querySelector("#can-message:not([data-before])")`)
	if got := eval[string](p, `document.querySelector("#can-message:not([data-before])").dataset.reason`); got != "awaiting_reply" {
		p.shot("stale-" + t.Name())
		t.Errorf("the page after Rex's InMail, read through the other replica, says %q, want awaiting_reply", got)
	}
}

// splitProxy starts a proxy for the console that sends GET requests to reader and every other to
// writer, and returns its address. It passes cookies both ways, as a load balancer does.
func splitProxy(t *testing.T, writer, reader string) string {
	t.Helper()
	to := func(raw string) *httputil.ReverseProxy {
		u, err := url.Parse(raw)
		if err != nil {
			t.Fatal(err)
		}
		p := httputil.NewSingleHostReverseProxy(u)
		p.ErrorHandler = func(w http.ResponseWriter, r *http.Request, err error) { w.WriteHeader(http.StatusBadGateway) }
		return p
	}
	writes, reads := to(writer), to(reader)
	proxy := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodGet {
			reads.ServeHTTP(w, r)
			return
		}
		writes.ServeHTTP(w, r)
	}))
	t.Cleanup(func() {
		proxy.CloseClientConnections() // the console's event stream stays open until then
		proxy.Close()
	})
	return strings.TrimSuffix(proxy.URL, "/")
}

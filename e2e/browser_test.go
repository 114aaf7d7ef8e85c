package e2e

import (
	"context"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/reach-network/reach/internal/apitest"
)

// baseURL is the reach under test; the tests skip when it is not set.
func baseURL(t *testing.T) string {
	t.Helper()
	u := os.Getenv("REACH_E2E_URL")
	if u == "" {
		t.Skip("REACH_E2E_URL is not set: run make test-e2e")
	}
	return strings.TrimSuffix(u, "/")
}

// page is one browser tab on the console.
type page struct {
	t    *testing.T
	ctx  context.Context
	base string
}

// Viewports the console is tested at.
var (
	desktop = [2]int{1280, 900}
	phone   = [2]int{390, 844}
)

// newPage starts a headless Chromium (flags fit for running as root in a container) with one tab
// of the given size, closed when the test ends.
func newPage(t *testing.T, size [2]int) *page {
	t.Helper()
	base := baseURL(t)
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.Flag("headless", "new"),
		chromedp.NoSandbox,
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.WindowSize(size[0], size[1]),
	)
	if path := os.Getenv("REACH_E2E_CHROMIUM"); path != "" {
		opts = append(opts, chromedp.ExecPath(path))
	}
	alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(alloc)
	t.Cleanup(func() { cancel(); cancelAlloc() })
	// The first action starts the browser, which lives as long as that action's context: it
	// runs without a timeout.
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(int64(size[0]), int64(size[1]))); err != nil {
		t.Fatalf("start Chromium: %v", err)
	}
	return &page{t: t, ctx: ctx, base: base}
}

// do runs browser actions, each within 20 seconds, failing the test at the first that fails.
func (p *page) do(actions ...chromedp.Action[chromedp.Void]) {
	p.t.Helper()
	for _, a := range actions {
		ctx, cancel := context.WithTimeout(p.ctx, 20*time.Second)
		_, err := chromedp.Run(ctx, a)
		cancel()
		if err != nil {
			p.shot("failed-" + p.t.Name())
			p.t.Fatal(err)
		}
	}
}

// text returns the visible text of the first element sel matches.
func (p *page) text(sel string) string {
	p.t.Helper()
	ctx, cancel := context.WithTimeout(p.ctx, 20*time.Second)
	defer cancel()
	s, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(sel)))
	if err != nil {
		p.shot("failed-" + p.t.Name())
		p.t.Fatalf("text of %s: %v", sel, err)
	}
	return s
}

// eval evaluates a JavaScript expression in the page and returns its value.
func eval[T any](p *page, expr string) T {
	p.t.Helper()
	ctx, cancel := context.WithTimeout(p.ctx, 20*time.Second)
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](expr))
	if err != nil {
		p.t.Fatalf("evaluate %s: %v", expr, err)
	}
	return v
}

// waitFor waits until a JavaScript expression is true, failing the test after 15 seconds, then
// checks the page's text (readable).
func (p *page) waitFor(what, expr string) {
	p.t.Helper()
	ctx, cancel := context.WithTimeout(p.ctx, 20*time.Second)
	defer cancel()
	if _, err := chromedp.Run(ctx, chromedp.Poll[chromedp.Void](expr, chromedp.WithPollingInterval(100*time.Millisecond), chromedp.WithPollingTimeout(15*time.Second))); err != nil {
		p.shot("failed-" + p.t.Name())
		p.t.Fatalf("waiting for %s: %v", what, err)
	}
	p.readable()
}

// actAs opens the console and signs in as a demo member through the development tokens.
func (p *page) actAs(member string) {
	p.t.Helper()
	p.do(chromedp.Navigate(p.base + "/console"))
	p.do(chromedp.Evaluate[chromedp.Void](`sessionStorage.clear()`), chromedp.Navigate(p.base+"/console#/"),
		chromedp.Reload())
	p.do(chromedp.WaitVisible(chromedp.CSS(`button[data-member="`+member+`"]`)),
		chromedp.Click(chromedp.CSS(`button[data-member="`+member+`"]`)))
	p.waitFor("signed in as "+member, `document.getElementById("who-name").textContent.includes("(`+member+`)")`)
}

// open goes to a view of the console (a hash such as #/inbox) and waits for sel to show, then
// checks its text (readable).
func (p *page) open(hash, sel string) {
	p.t.Helper()
	p.do(chromedp.Navigate(p.base+"/console"+hash), chromedp.WaitVisible(chromedp.CSS(sel)))
	p.readable()
}

// unreadable finds in a view's text what a member must never see: a value the script failed to
// turn into words, or a count that disagrees with its noun ("1 connections", "2 connection").
func unreadable(text string) string {
	if m := unwritten.FindString(text); m != "" {
		return m
	}
	for _, m := range counts.FindAllStringSubmatch(text, -1) {
		if one, plural := m[2] == "1", strings.HasSuffix(m[3], "s"); one == plural {
			return strings.TrimSpace(m[0])
		}
	}
	return ""
}

var (
	unwritten = regexp.MustCompile(`\b(null|undefined|NaN)\b|\[object Object\]`)
	// counts matches a whole number and the noun it counts, longest noun first.
	counts = regexp.MustCompile(`(^|[^\d.,])(\d+) (shared connections?|connections?|InMail credits?|credits?|message requests?|requests?|members?|messages?)\b`)
)

// readable fails the test when the page's visible text holds what unreadable matches. It runs on
// every view the tests open and every state they wait for.
func (p *page) readable() {
	p.t.Helper()
	text := eval[string](p, `document.body.innerText`)
	if m := unreadable(text); m != "" {
		p.shot("unreadable-" + p.t.Name())
		p.t.Errorf("the page shows %q:\n%s", m, text)
	}
}

// shot saves a screenshot of the whole page as name.png in REACH_E2E_SCREENSHOTS.
func (p *page) shot(name string) {
	dir := os.Getenv("REACH_E2E_SCREENSHOTS")
	if dir == "" {
		return
	}
	ctx, cancel := context.WithTimeout(p.ctx, 20*time.Second)
	defer cancel()
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		p.t.Logf("screenshot %s: %v", name, err)
		return
	}
	name = strings.NewReplacer("/", "-", " ", "-").Replace(name)
	if err := os.WriteFile(filepath.Join(dir, name+".png"), png, 0o644); err != nil {
		p.t.Logf("screenshot %s: %v", name, err)
	}
}

// as returns an API client acting as member, with a development token, as another device of that
// member would while the page is open.
func as(t *testing.T, member string) *apitest.Client {
	t.Helper()
	c := &apitest.Client{T: t, Base: baseURL(t)}
	var tok struct{ Token string }
	c.Do(http.MethodPost, "/console/dev-token", map[string]string{"member": member}).Expect(http.StatusOK).Into(&tok)
	c.Token = tok.Token
	return c
}

// sent is the answer to a send.
type sent struct {
	ID, ThreadID, Kind string
}

// send sends a message from c's member to member to and returns what reach answered.
func send(c *apitest.Client, to, subject, body string) sent {
	c.T.Helper()
	var s sent
	c.Do(http.MethodPost, "/v1/messages", map[string]string{"to": to, "subject": subject, "body": body}).
		Expect(http.StatusCreated).Into(&s)
	return s
}

// js quotes s as a JavaScript string.
func js(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// Package e2e tests reach's console in a real browser: headless Chromium, driven with chromedp,
// against a reach serving the demo network with development tokens on. `make test-e2e`
// (scripts/e2e.sh) starts all of that and sets REACH_E2E_URL; without it the tests skip, so
// `go test ./...` needs no browser.
//
// The tests assume the demo network as freshly loaded, and each acts as members of its own, so
// their order does not matter. Each saves screenshots in REACH_E2E_SCREENSHOTS.
package e2e

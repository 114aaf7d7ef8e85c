// Package console is reach's console for people: a page, its style sheet and its script, plain
// HTML, CSS and JavaScript embedded in the binary, that act as one member through the public API
// (/v1) and its event stream. Nothing is fetched from elsewhere, so it works offline and the
// binary is all there is to deploy.
package console

import (
	"embed"
	"io/fs"
	"net/http"
	"strings"
)

// Prefix is where the console is served.
const Prefix = "/console"

//go:embed assets
var assets embed.FS

// Handler serves the console: the page at /console and /console/, and the assets below it.
// Every answer forbids loading anything from elsewhere (Content-Security-Policy), so the page
// can only talk to the reach that served it.
func Handler() http.Handler {
	root, err := fs.Sub(assets, "assets")
	if err != nil {
		panic(err) // the embedded folder exists: go:embed would not have compiled otherwise
	}
	files := http.StripPrefix(Prefix, http.FileServerFS(root))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("Cache-Control", "no-cache")
		if r.URL.Path == Prefix {
			r = r.Clone(r.Context())
			r.URL.Path = Prefix + "/"
		}
		if strings.HasSuffix(r.URL.Path, "/index.html") {
			// FileServer would redirect to the folder; answer the page under its one name.
			http.NotFound(w, r)
			return
		}
		files.ServeHTTP(w, r)
	})
}

package integration

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"

	"github.com/reach-network/reach/api"
)

// contract holds every answer of the test servers to api/openapi.yaml: each request and its
// answer are checked as they pass, and what does not match is kept, by request id, until the
// test that sent the request claims it (client.send does) or, failing that, until TestMain
// reports it and fails the run.
var contract *contractChecker

// contractChecker validates answers with kin-openapi's openapi3filter.
type contractChecker struct {
	router routers.Router

	mu       sync.Mutex
	failures map[string][]string // by X-Request-Id
}

// newContractChecker loads the contract the server is built with. The document's servers are
// dropped, so that routes match whatever address the test server listens on.
func newContractChecker() (*contractChecker, error) {
	doc, err := openapi3.NewLoader().LoadFromData(api.SpecYAML())
	if err != nil {
		return nil, err
	}
	doc.Servers = nil
	router, err := gorillamux.NewRouter(doc)
	if err != nil {
		return nil, err
	}
	// Bodies the API answers that openapi3filter has no decoder for: read them as text.
	openapi3filter.RegisterBodyDecoder("text/html", openapi3filter.PlainBodyDecoder)
	openapi3filter.RegisterBodyDecoder("application/openmetrics-text", openapi3filter.PlainBodyDecoder)
	openapi3filter.RegisterBodyDecoder("text/event-stream", openapi3filter.PlainBodyDecoder)
	return &contractChecker{router: router, failures: map[string][]string{}}, nil
}

// maxCheckedBody is the largest request body kept to check the request against the contract; a
// larger one (tests of the body limit) is passed on unchecked.
const maxCheckedBody = 256 << 10

// wrap serves next, holding each answer back until it has been checked against the contract.
func (v *contractChecker) wrap(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		reqBody := keepBody(r)
		rec := &heldResponse{header: http.Header{}, w: w}
		rec.streamStarts = func() {
			if problems := v.check(r, reqBody, rec); len(problems) > 0 {
				v.record(rec.header.Get("X-Request-Id"), r.Method+" "+r.URL.RequestURI(), problems)
			}
		}
		next.ServeHTTP(rec, r)
		if rec.streaming {
			return // checked, and sent, as the stream began
		}
		if r.Context().Err() == nil {
			if problems := v.check(r, reqBody, rec); len(problems) > 0 {
				v.record(rec.header.Get("X-Request-Id"), r.Method+" "+r.URL.RequestURI(), problems)
			}
		}
		rec.sendTo(w)
	})
}

// keepBody reads up to maxCheckedBody of r's body and puts it back, returning what it read, or
// nil when the body is larger.
func keepBody(r *http.Request) []byte {
	if r.Body == nil || r.Body == http.NoBody {
		return []byte{}
	}
	kept, err := io.ReadAll(io.LimitReader(r.Body, maxCheckedBody+1))
	r.Body = struct {
		io.Reader
		io.Closer
	}{io.MultiReader(bytes.NewReader(kept), r.Body), r.Body}
	if err != nil || len(kept) > maxCheckedBody {
		return nil
	}
	return kept
}

// check returns what is wrong with one exchange: an answer that does not match its operation
// in the contract, an answer for a route the contract does not have (other than a 404 or 405),
// or a request the contract refuses that the server took (answered below 400).
func (v *contractChecker) check(r *http.Request, reqBody []byte, res *heldResponse) []string {
	route, params, err := v.router.FindRoute(r)
	if err != nil {
		if !errors.Is(err, routers.ErrPathNotFound) && !errors.Is(err, routers.ErrMethodNotAllowed) {
			return []string{err.Error()}
		}
		if res.status != http.StatusNotFound && res.status != http.StatusMethodNotAllowed {
			return []string{fmt.Sprintf("answered %d to a route the contract does not have", res.status)}
		}
		return nil
	}
	in := &openapi3filter.RequestValidationInput{Request: r, PathParams: params, Route: route,
		Options: &openapi3filter.Options{AuthenticationFunc: openapi3filter.NoopAuthenticationFunc, SkipSettingDefaults: true}}
	var problems []string
	if err := openapi3filter.ValidateResponse(context.Background(), &openapi3filter.ResponseValidationInput{
		RequestValidationInput: in, Status: res.status, Header: res.header,
		Body:    io.NopCloser(bytes.NewReader(res.body.Bytes())),
		Options: &openapi3filter.Options{IncludeResponseStatus: true, MultiError: true},
	}); err != nil {
		problems = append(problems, "answer: "+err.Error())
	}
	if reqBody != nil && res.status < 400 {
		if err := validateRequest(in, reqBody); err != nil {
			problems = append(problems, fmt.Sprintf("the contract refuses the request, which was answered %d: %v", res.status, err))
		}
	}
	return problems
}

// validateRequest checks a copy of the request, with the body it had, against the contract.
func validateRequest(in *openapi3filter.RequestValidationInput, body []byte) error {
	req := in.Request.Clone(context.Background())
	req.Body = io.NopCloser(bytes.NewReader(body))
	copied := *in
	copied.Request = req
	return openapi3filter.ValidateRequest(context.Background(), &copied)
}

func (v *contractChecker) record(requestID, request string, problems []string) {
	v.mu.Lock()
	defer v.mu.Unlock()
	v.failures[requestID] = append(v.failures[requestID], request+": "+strings.Join(problems, "; "))
}

// claim fails t with what did not match the contract in the exchange with this request id.
func (v *contractChecker) claim(t testing.TB, requestID string) {
	t.Helper()
	v.mu.Lock()
	failures := v.failures[requestID]
	delete(v.failures, requestID)
	v.mu.Unlock()
	for _, f := range failures {
		t.Errorf("not as api/openapi.yaml says: %s", f)
	}
}

// unclaimed returns what did not match the contract in exchanges no test claimed, and forgets it.
func (v *contractChecker) unclaimed() []string {
	v.mu.Lock()
	defer v.mu.Unlock()
	var out []string
	for _, id := range slices.Sorted(maps.Keys(v.failures)) {
		for _, f := range v.failures[id] {
			out = append(out, fmt.Sprintf("request %s: %s", id, f))
		}
	}
	clear(v.failures)
	return out
}

// heldResponse keeps an answer until it has been checked. An event stream (text/event-stream)
// is checked when it is first flushed, with what it has written so far, and then passes through.
type heldResponse struct {
	header http.Header
	status int
	body   bytes.Buffer

	w            http.ResponseWriter // where the answer goes
	streamStarts func()              // checks the answer so far, when a stream is first flushed
	streaming    bool                // the stream has begun: writes go straight to w
}

// Flush begins an event stream: the answer so far is checked and sent, and the rest passes
// through. Other answers are held until they are complete.
func (h *heldResponse) Flush() {
	if !h.streaming {
		if !strings.HasPrefix(h.header.Get("Content-Type"), "text/event-stream") {
			return
		}
		h.streamStarts()
		h.sendTo(h.w)
		h.streaming = true
	}
	_ = http.NewResponseController(h.w).Flush()
}

// Unwrap lets http.ResponseController reach the server's writer, to lift a stream's deadline.
func (h *heldResponse) Unwrap() http.ResponseWriter { return h.w }

func (h *heldResponse) Header() http.Header { return h.header }

func (h *heldResponse) WriteHeader(status int) {
	if h.status == 0 {
		h.status = status
	}
}

func (h *heldResponse) Write(p []byte) (int, error) {
	if h.streaming {
		return h.w.Write(p)
	}
	h.WriteHeader(http.StatusOK)
	return h.body.Write(p)
}

// sendTo writes the held answer to w.
func (h *heldResponse) sendTo(w http.ResponseWriter) {
	for k, vs := range h.header {
		w.Header()[k] = vs
	}
	if h.status == 0 {
		h.status = http.StatusOK
	}
	w.WriteHeader(h.status)
	_, _ = w.Write(h.body.Bytes())
}

// TestContractCheckCatchesDrift checks the check itself: an answer that is not as the contract
// says is reported.
func TestContractCheckCatchesDrift(t *testing.T) {
	v, err := newContractChecker()
	if err != nil {
		t.Fatal(err)
	}
	wrong := http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("X-Request-Id", "drift")
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"degree": "second", "label": "2nd"}`))
	})
	req, _ := http.NewRequest(http.MethodGet, "http://reach.test/v1/members/maria/reachability", nil)
	v.wrap(wrong).ServeHTTP(discard{}, req)
	if len(v.unclaimed()) == 0 {
		t.Error("an answer with degree \"second\" and no messaging was not reported")
	}
}

// discard is a ResponseWriter that keeps nothing.
type discard struct{}

func (discard) Header() http.Header         { return http.Header{} }
func (discard) WriteHeader(int)             {}
func (discard) Write(p []byte) (int, error) { return len(p), nil }

package apitest

import (
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
)

// TestClient checks what a request carries (the body as JSON, the bearer token, extra headers)
// and that Answered hears each answer's request id.
func TestClient(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		w.Header().Set("X-Request-Id", "r1")
		if r.Header.Get("Authorization") != "Bearer tok" || r.Header.Get("Idempotency-Key") != "k" ||
			r.Header.Get("Content-Type") != "application/json" || string(body) != `{"to":"lena"}` {
			w.Header().Set("Content-Type", "application/problem+json")
			w.WriteHeader(http.StatusBadRequest)
			_, _ = io.WriteString(w, `{"type":"t","title":"Bad request","status":400,"detail":"d","field":"to"}`)
			return
		}
		w.WriteHeader(http.StatusCreated)
		_, _ = io.WriteString(w, `{"id":"m1"}`)
	}))
	defer srv.Close()
	var heard []string
	c := &Client{T: t, Base: srv.URL, Token: "tok", Answered: func(_ testing.TB, id string) { heard = append(heard, id) }}
	var out struct{ ID string }
	c.Send(http.MethodPost, "/v1/messages", map[string]string{"to": "lena"}, http.Header{"Idempotency-Key": {"k"}}).
		Expect(http.StatusCreated).Into(&out)
	if out.ID != "m1" {
		t.Errorf("decoded %+v", out)
	}
	if p := c.Do(http.MethodPost, "/v1/messages", `{"to": 7}`).ExpectProblem(http.StatusBadRequest); p.Field != "to" {
		t.Errorf("problem %+v", p)
	}
	if len(heard) != 2 || heard[0] != "r1" {
		t.Errorf("Answered heard %v", heard)
	}
}

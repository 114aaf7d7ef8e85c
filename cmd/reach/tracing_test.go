package main

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"

	"go.opentelemetry.io/otel"
)

// TestTracingExportsOverOTLP points OTEL_EXPORTER_OTLP_ENDPOINT at a stand-in collector and checks
// that a span reaches it, as protobuf over HTTP, under the service name reach; and that without
// the variable nothing is installed.
func TestTracingExportsOverOTLP(t *testing.T) {
	stop, err := startTracing(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	stop()
	if _, recording := otel.Tracer("test").Start(context.Background(), "off"); recording.IsRecording() {
		t.Fatal("tracing is on without OTEL_EXPORTER_OTLP_ENDPOINT")
	}

	var mu sync.Mutex
	var got []byte
	collector := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		if r.URL.Path == "/v1/traces" && r.Header.Get("Content-Type") == "application/x-protobuf" {
			mu.Lock()
			got = append(got, body...)
			mu.Unlock()
		}
		w.Header().Set("Content-Type", "application/x-protobuf")
	}))
	defer collector.Close()
	t.Setenv("OTEL_EXPORTER_OTLP_ENDPOINT", collector.URL)
	stop, err = startTracing(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	_, span := otel.Tracer("test").Start(context.Background(), "GET /v1/members/:id/reachability")
	span.End()
	stop() // flushes
	mu.Lock()
	defer mu.Unlock()
	if !bytes.Contains(got, []byte("GET /v1/members/:id/reachability")) || !bytes.Contains(got, []byte("reach")) {
		t.Errorf("the collector received %d bytes without the span or the service name", len(got))
	}
}

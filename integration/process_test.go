package integration

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// reachProcess is a `reach serve` run as its own process, the way it is deployed: its real
// startup, HTTP server timeouts and JSON logs are what a test sees.
type reachProcess struct {
	url  string
	cmd  *exec.Cmd
	mu   sync.Mutex
	logs []string // stderr, one JSON record a line
}

var reachBinary struct {
	once sync.Once
	path string
	err  error
}

// buildReach builds cmd/reach once per test binary.
func buildReach(t testing.TB) string {
	t.Helper()
	reachBinary.once.Do(func() {
		dir, err := os.MkdirTemp("", "reach-bin")
		if err != nil {
			reachBinary.err = err
			return
		}
		reachBinary.path = filepath.Join(dir, "reach")
		out, err := exec.Command("go", "build", "-o", reachBinary.path, "github.com/reach-network/reach/cmd/reach").CombinedOutput()
		if err != nil {
			reachBinary.err = fmt.Errorf("go build: %w\n%s", err, out)
		}
	})
	if reachBinary.err != nil {
		t.Fatal(reachBinary.err)
	}
	return reachBinary.path
}

// startReach runs `reach serve` against the Neo4j at neo4jURI, with the test secret and the
// given extra environment, and waits until it answers /healthz (not /readyz: Neo4j may be down).
// It is stopped with SIGTERM when the test ends.
func startReach(t *testing.T, neo4jURI string, extra map[string]string) *reachProcess {
	t.Helper()
	port := freePort(t)
	cmd := exec.Command(buildReach(t), "serve")
	cmd.Env = append(os.Environ(), "NEO4J_URI="+neo4jURI, "REACH_JWT_SECRET="+string(testSecret),
		"REACH_ADDR=127.0.0.1:"+port, "REACH_LOG_LEVEL=debug")
	for k, v := range extra {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	p := &reachProcess{url: "http://127.0.0.1:" + port, cmd: cmd}
	done := make(chan struct{})
	go func() {
		defer close(done)
		sc := bufio.NewScanner(stderr)
		sc.Buffer(make([]byte, 1<<20), 1<<20)
		for sc.Scan() {
			p.mu.Lock()
			p.logs = append(p.logs, sc.Text())
			p.mu.Unlock()
		}
	}()
	t.Cleanup(func() {
		_ = cmd.Process.Signal(syscall.SIGTERM)
		<-done
		_ = cmd.Wait()
		if t.Failed() {
			t.Logf("reach's log:\n%s", strings.Join(p.logLines(), "\n"))
		}
	})
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		if res, err := http.Get(p.url + "/healthz"); err == nil {
			res.Body.Close()
			return p
		}
		if time.Now().After(deadline) {
			t.Fatalf("reach serve did not answer /healthz in 30s; log:\n%s", strings.Join(p.logLines(), "\n"))
		}
	}
}

func (p *reachProcess) logLines() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]string(nil), p.logs...)
}

// records returns the log's records, failing the test on a line that is not a JSON object.
func (p *reachProcess) records(t testing.TB) []map[string]any {
	t.Helper()
	var out []map[string]any
	for _, line := range p.logLines() {
		var rec map[string]any
		if err := json.Unmarshal([]byte(line), &rec); err != nil {
			t.Fatalf("log line is not JSON: %s", line)
		}
		out = append(out, rec)
	}
	return out
}

// call is one request to the process and how long it took to be answered.
type call struct {
	Status  int
	Header  http.Header
	Body    []byte
	Elapsed time.Duration
}

// do sends one request as token (none when empty), with a JSON body unless nil, and extra
// headers. A transport failure, such as a connection closed with no answer, fails the test.
func (p *reachProcess) do(t testing.TB, token, method, path string, body any, header http.Header) call {
	t.Helper()
	c, err := p.attempt(token, method, path, body, header, 0)
	if err != nil {
		t.Fatalf("%s %s: no answer after %s: %v", method, path, c.Elapsed.Round(time.Millisecond), err)
	}
	return c
}

// attempt sends one request as do does, and returns a transport failure, or no answer within
// timeout (none when 0), as an error.
func (p *reachProcess) attempt(token, method, path string, body any, header http.Header, timeout time.Duration) (call, error) {
	var r io.Reader
	if body != nil {
		buf, _ := json.Marshal(body)
		r = bytes.NewReader(buf)
	}
	req, err := http.NewRequest(method, p.url+path, r)
	if err != nil {
		return call{}, err
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	for k, v := range header {
		req.Header[k] = v
	}
	start := time.Now()
	res, err := (&http.Client{Timeout: timeout}).Do(req)
	if err != nil {
		return call{Elapsed: time.Since(start)}, err
	}
	defer res.Body.Close()
	data, _ := io.ReadAll(res.Body)
	return call{Status: res.StatusCode, Header: res.Header, Body: data, Elapsed: time.Since(start)}, nil
}

// freePort returns a loopback port nobody listens on.
func freePort(t testing.TB) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	_, port, _ := net.SplitHostPort(ln.Addr().String())
	return port
}

// boltAddress is the host:port of a bolt:// or neo4j:// URI.
func boltAddress(t testing.TB, uri string) string {
	t.Helper()
	u, err := url.Parse(uri)
	if err != nil || u.Host == "" {
		t.Fatalf("not a Neo4j URI: %q", uri)
	}
	return u.Host
}

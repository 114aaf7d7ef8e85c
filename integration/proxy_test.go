package integration

import (
	"net"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// faultyLink stands between reach and Neo4j and fails the way a network or a server fails, so a
// test can take Neo4j away from one reach process while the other tests keep using it:
//   - down: Neo4j is stopped: new connections are refused and open ones are cut;
//   - silent: Neo4j hangs or the network drops packets: connections are accepted and requests
//     sent, but nothing ever comes back;
//   - up: bytes flow both ways again.
type faultyLink struct {
	t      testing.TB
	addr   string // where reach connects
	target string // the real Neo4j

	mu     sync.Mutex
	ln     net.Listener
	conns  map[net.Conn]bool
	silent atomic.Bool
}

// newFaultyLink opens a link to target on a free loopback port, up.
func newFaultyLink(t testing.TB, target string) *faultyLink {
	t.Helper()
	l := &faultyLink{t: t, target: target, conns: map[net.Conn]bool{}}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	l.addr = ln.Addr().String()
	l.serve(ln)
	t.Cleanup(l.down)
	return l
}

// up lets bytes flow again, listening anew if the link was down.
func (l *faultyLink) up() {
	l.t.Helper()
	l.silent.Store(false)
	l.mu.Lock()
	listening := l.ln != nil
	l.mu.Unlock()
	if listening {
		return
	}
	var ln net.Listener
	var err error
	for range 50 { // the port was ours a moment ago; it is free again at once on Linux
		if ln, err = net.Listen("tcp", l.addr); err == nil {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	if err != nil {
		l.t.Fatalf("listen again on %s: %v", l.addr, err)
	}
	l.serve(ln)
}

// down refuses new connections and cuts the open ones, as a stopped server does.
func (l *faultyLink) down() {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.ln != nil {
		l.ln.Close()
		l.ln = nil
	}
	for c := range l.conns {
		c.Close()
	}
	clear(l.conns)
}

// silence keeps connections open, and accepts new ones, but passes nothing on.
func (l *faultyLink) silence() { l.silent.Store(true) }

func (l *faultyLink) serve(ln net.Listener) {
	l.mu.Lock()
	l.ln = ln
	l.mu.Unlock()
	go func() {
		for {
			client, err := ln.Accept()
			if err != nil {
				return
			}
			go l.relay(client)
		}
	}()
}

// relay joins one client connection to Neo4j.
func (l *faultyLink) relay(client net.Conn) {
	server, err := net.Dial("tcp", l.target)
	if err != nil {
		client.Close()
		return
	}
	if !l.track(client, server) {
		return
	}
	go l.pass(server, client)
	l.pass(client, server)
}

// track records a pair of connections so down can cut them; it closes them and says false when
// the link went down meanwhile.
func (l *faultyLink) track(conns ...net.Conn) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.ln == nil {
		for _, c := range conns {
			c.Close()
		}
		return false
	}
	for _, c := range conns {
		l.conns[c] = true
	}
	return true
}

// pass copies from src to dst, dropping what it reads while the link is silent.
func (l *faultyLink) pass(src, dst net.Conn) {
	defer src.Close()
	defer dst.Close()
	buf := make([]byte, 32<<10)
	for {
		n, err := src.Read(buf)
		if n > 0 && !l.silent.Load() {
			if _, werr := dst.Write(buf[:n]); werr != nil {
				return
			}
		}
		if err != nil {
			return // closed by either end, or cut by down
		}
	}
}

package bolt

import (
	"errors"
	"testing"
)

// TestFailedHandshakesAreUnreachable checks that both ways the driver words a handshake that got
// no usable answer (a Neo4j starting, stopping or silent) count as Neo4j unreachable, which
// requests answer 503, and that a statement's own failure does not.
func TestFailedHandshakesAreUnreachable(t *testing.T) {
	for _, text := range []string{
		"server did not accept any of the requested Bolt versions ([4]bolt.protocolVersion{...})",
		"none of the offered Bolt versions are supported by the server",
	} {
		if !unreachable(errors.New(text)) {
			t.Errorf("%q is not taken for Neo4j unreachable", text)
		}
	}
	if unreachable(errors.New("Invalid input 'MATCH'")) {
		t.Error("a statement's own failure is taken for Neo4j unreachable")
	}
}

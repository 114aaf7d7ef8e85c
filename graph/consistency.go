package graph

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"strings"
	"sync"
)

// This file is the vocabulary of consistency: what a read asks for (Consistency), what a write
// leaves behind (Token, through a Receipt), in the manner of Zanzibar-style systems (SpiceDB's
// minimize_latency, at_least_as_fresh with a ZedToken, fully_consistent).

// Mode is how fresh a read must be.
type Mode string

// The read modes.
const (
	// MinimizeLatency answers from this replica's memory (graph/projection/projection.go) when it is at most
	// the staleness bound behind Neo4j and holds every write this replica made; otherwise from
	// Neo4j.
	MinimizeLatency Mode = "minimize_latency"
	// AtLeastAsFresh answers from state that includes the write a Token was given for, made
	// through any replica: from memory once this replica has applied it, from Neo4j otherwise.
	AtLeastAsFresh Mode = "at_least_as_fresh"
	// FullyConsistent answers as of the moment of the read: from memory once this replica has
	// applied the change log's head, read from Neo4j when the read begins; from Neo4j otherwise.
	FullyConsistent Mode = "fully_consistent"
)

// Valid reports whether m is one of the modes.
func (m Mode) Valid() bool {
	return m == MinimizeLatency || m == AtLeastAsFresh || m == FullyConsistent
}

// Consistency is what a read asks for: a mode, and for AtLeastAsFresh the token to be as fresh as.
type Consistency struct {
	Mode  Mode
	Token Token
}

// Token says how far a write went: the change log it was numbered in (Epoch, which a new
// database changes), the number of its change (Seq, 0 when it changed nothing replicas keep in
// memory), and Neo4j's bookmarks for it, which make a cluster's followers wait for it.
type Token struct {
	Epoch     string   `json:"e,omitempty"`
	Seq       int64    `json:"s,omitempty"`
	Bookmarks []string `json:"b,omitempty"`
}

// tokenPrefix versions the token's encoding.
const tokenPrefix = "r1."

// String encodes the token for a header or a query parameter: opaque to clients.
func (t Token) String() string {
	data, _ := json.Marshal(t)
	return tokenPrefix + base64.RawURLEncoding.EncodeToString(data)
}

// ParseToken decodes a token that String encoded. It fails with ErrInvalidToken otherwise.
func ParseToken(s string) (Token, error) {
	raw, ok := strings.CutPrefix(s, tokenPrefix)
	data, err := base64.RawURLEncoding.DecodeString(raw)
	var t Token
	if !ok || err != nil || len(data) > 8<<10 || json.Unmarshal(data, &t) != nil || t.Seq < 0 || len(t.Bookmarks) > 16 ||
		(t.Epoch == "" && t.Seq == 0 && len(t.Bookmarks) == 0) {
		return Token{}, Fail(ErrInvalidToken, "the consistency token is not one reach gave")
	}
	return t, nil
}

// later is the later of two tokens of the same log; a token of another log loses to t.
func (t Token) later(o Token) Token {
	if o.Seq > t.Seq || (t.Epoch == "" && o.Epoch != "") {
		t.Epoch, t.Seq = o.Epoch, o.Seq
	}
	if len(o.Bookmarks) > 0 {
		t.Bookmarks = o.Bookmarks
	}
	return t
}

type consistencyKey struct{}

// WithConsistency returns a context whose reads ask for c.
func WithConsistency(ctx context.Context, c Consistency) context.Context {
	return context.WithValue(ctx, consistencyKey{}, c)
}

// consistencyOf is what ctx's reads ask for; MinimizeLatency when nothing was asked.
func ConsistencyOf(ctx context.Context) Consistency {
	c, ok := ctx.Value(consistencyKey{}).(Consistency)
	if !ok || c.Mode == "" {
		c.Mode = MinimizeLatency
	}
	return c
}

// Receipt collects the token of every write made with its context, so that the API can hand the
// latest to the client.
type Receipt struct {
	mu    sync.Mutex
	token Token
	wrote bool
}

type receiptKey struct{}

// WithReceipt returns a context whose writes are recorded in the receipt returned.
func WithReceipt(ctx context.Context) (context.Context, *Receipt) {
	r := &Receipt{}
	return context.WithValue(ctx, receiptKey{}, r), r
}

// Token returns the token of the latest write recorded, and whether there was one.
func (r *Receipt) Token() (Token, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.token, r.wrote
}

func (r *Receipt) record(t Token) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.token, r.wrote = r.token.later(t), true
}

// recordWrite puts a write's token in ctx's receipt, if it has one.
func RecordWrite(ctx context.Context, t Token) {
	if r, ok := ctx.Value(receiptKey{}).(*Receipt); ok {
		r.record(t)
	}
}

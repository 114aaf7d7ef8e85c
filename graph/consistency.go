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
	// applied the change log's heads (every shard's), read from Neo4j when the read begins; from
	// Neo4j otherwise.
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
// database changes), the position of every shard of the log as the write saw them, its own
// changes included (Heads, by shard), and Neo4j's bookmarks for it, which make a cluster's
// followers wait for it. Seq is the positions added up: 0 when the write changed nothing replicas
// keep in memory. A token of the log before it had shards names no Heads: its Seq is the position
// of shard 0, which that log became (Positions).
type Token struct {
	Epoch     string   `json:"e,omitempty"`
	Seq       int64    `json:"s,omitempty"`
	Heads     []int64  `json:"v,omitempty"`
	Bookmarks []string `json:"b,omitempty"`
}

// tokenPrefix versions the token's encoding; Heads was added without a new version, since a
// token without them reads as before.
const tokenPrefix = "r1."

// maxShards bounds the positions a token may name.
const maxShards = 1024

// NewToken is the token of a write that saw the log of epoch at heads.
func NewToken(epoch string, heads []int64) Token {
	t := Token{Epoch: epoch, Heads: heads}
	for _, h := range heads {
		t.Seq += h
	}
	return t
}

// Positions returns the position the token names in each shard of the log, by shard: Heads, or
// for a token of the log before shards, Seq as shard 0's.
func (t Token) Positions() []int64 {
	if len(t.Heads) == 0 && t.Seq > 0 {
		return []int64{t.Seq}
	}
	return t.Heads
}

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
	if !ok || err != nil || len(data) > 16<<10 || json.Unmarshal(data, &t) != nil || t.Seq < 0 || len(t.Bookmarks) > 16 ||
		(t.Epoch == "" && t.Seq == 0 && len(t.Bookmarks) == 0) || !t.headsAddUp() {
		return Token{}, Fail(ErrInvalidToken, "the consistency token is not one reach gave")
	}
	if len(t.Heads) == 0 {
		t.Heads = nil
	}
	return t, nil
}

// headsAddUp tells whether the token's Heads, if any, are at most maxShards positions, none
// negative, adding up to its Seq.
func (t Token) headsAddUp() bool {
	if len(t.Heads) == 0 {
		return true
	}
	sum := int64(0)
	for _, h := range t.Heads {
		if h < 0 || sum+h < sum {
			return false
		}
		sum += h
	}
	return len(t.Heads) <= maxShards && sum == t.Seq
}

// Covers tells whether positions (by shard) are at or past every position the token names.
func (t Token) Covers(positions []int64) bool {
	for s, p := range t.Positions() {
		if p > 0 && (s >= len(positions) || positions[s] < p) {
			return false
		}
	}
	return true
}

// later is the later of two tokens of the same log, shard by shard; a token of another log loses
// to t, unless t names none.
func (t Token) later(o Token) Token {
	switch {
	case o.Epoch == t.Epoch:
		t = NewToken(t.Epoch, MaxPositions(t.Positions(), o.Positions())).withBookmarks(t.Bookmarks)
	case t.Epoch == "":
		t = o.withBookmarks(t.Bookmarks)
	}
	if len(o.Bookmarks) > 0 {
		t.Bookmarks = o.Bookmarks
	}
	return t
}

func (t Token) withBookmarks(b []string) Token { t.Bookmarks = b; return t }

// MaxPositions is the later of two vectors of positions, shard by shard.
func MaxPositions(a, b []int64) []int64 {
	out := make([]int64, max(len(a), len(b)))
	for i := range out {
		if i < len(a) {
			out[i] = a[i]
		}
		if i < len(b) {
			out[i] = max(out[i], b[i])
		}
	}
	return out
}

type consistencyKey struct{}

// WithConsistency returns a context whose reads ask for c.
func WithConsistency(ctx context.Context, c Consistency) context.Context {
	return context.WithValue(ctx, consistencyKey{}, c)
}

// ConsistencyOf is what ctx's reads ask for; MinimizeLatency when nothing was asked.
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

type everyoneKey struct{}

// ForEveryone returns a context whose writes are made for every member, as an administrator's
// are: on the replica that makes them, every member's default reads wait for them, as a member's
// reads wait for the writes that touched them.
func ForEveryone(ctx context.Context) context.Context {
	return context.WithValue(ctx, everyoneKey{}, true)
}

// IsForEveryone tells whether ctx's writes are made for every member (ForEveryone).
func IsForEveryone(ctx context.Context) bool {
	v, _ := ctx.Value(everyoneKey{}).(bool)
	return v
}

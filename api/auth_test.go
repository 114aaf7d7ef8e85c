package api

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/labstack/echo/v4"

	"github.com/reach-network/reach/graph"
)

var testSecret = []byte("unit-test-secret-0123456789")

// fakeGraph answers only what authentication and the admin routes ask; any other method of the API
// panics through the nil interface it embeds.
type fakeGraph struct {
	AllAreas
	mu      sync.Mutex
	members map[string]bool
	err     error // returned by MemberExists when set
	asked   int   // calls of MemberExists
}

func newFakeGraph(ids ...string) *fakeGraph {
	g := &fakeGraph{members: map[string]bool{}}
	for _, id := range ids {
		g.members[id] = true
	}
	return g
}

func (g *fakeGraph) MemberExists(_ context.Context, id string) (bool, error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.asked++
	return g.members[id], g.err
}

func (g *fakeGraph) set(id string, exists bool, err error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.members[id], g.err = exists, err
}

func (g *fakeGraph) calls() int {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.asked
}

func (g *fakeGraph) Migrated() bool                                         { return true }
func (g *fakeGraph) PutMember(context.Context, graph.Profile) (bool, error) { return true, nil }
func (g *fakeGraph) Member(_ context.Context, id string) (graph.Member, error) {
	return graph.Member{ID: id, Name: "X"}, nil
}
func (g *fakeGraph) Connect(context.Context, string, string) error      { return nil }
func (g *fakeGraph) LiftRestriction(context.Context, string) error      { return nil }
func (g *fakeGraph) CloseAccount(context.Context, string) (bool, error) { return true, nil }

// Gone says a member is gone when the fake holds them as not existing, as a replica's projection
// does once it has applied their closure.
func (g *fakeGraph) Gone(id string) bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	exists, known := g.members[id]
	return known && !exists
}

// whoServer serves GET /who, which answers who the token's caller is, behind authenticate.
func whoServer(tokens *TokenVerifier, known *knownMembers) *echo.Echo {
	e := echo.New()
	e.HTTPErrorHandler = errorHandler(slog.New(slog.NewTextHandler(io.Discard, nil)))
	e.GET("/who", func(c echo.Context) error {
		cl := callerOf(c)
		return c.JSON(http.StatusOK, map[string]any{"id": cl.id, "admin": cl.admin})
	}, authenticate(tokens, known))
	return e
}

// call sends method path with the bearer token (none when empty) and returns the recorded answer.
func call(h http.Handler, method, path, token, body string) *httptest.ResponseRecorder {
	req := httptest.NewRequest(method, path, strings.NewReader(body))
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if path == eventsRoute {
		// An event stream lasts as long as its client: this one leaves at once.
		ctx, cancel := context.WithTimeout(req.Context(), 50*time.Millisecond)
		defer cancel()
		req = req.WithContext(ctx)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

// expectRefused fails the test unless rec is a 401 problem document with WWW-Authenticate, and
// returns the problem's detail.
func expectRefused(t *testing.T, rec *httptest.ResponseRecorder) string {
	t.Helper()
	if rec.Code != http.StatusUnauthorized {
		t.Fatalf("status %d, want 401: %s", rec.Code, rec.Body)
	}
	if ct := rec.Header().Get("Content-Type"); ct != "application/problem+json" {
		t.Errorf("Content-Type %q, want application/problem+json", ct)
	}
	if !strings.HasPrefix(rec.Header().Get("WWW-Authenticate"), "Bearer") {
		t.Errorf("WWW-Authenticate %q", rec.Header().Get("WWW-Authenticate"))
	}
	var p problem
	if err := json.Unmarshal(rec.Body.Bytes(), &p); err != nil || p.Type != problemBase+"unauthorized" || p.Detail == "" {
		t.Errorf("not an unauthorized problem: %s (%v)", rec.Body, err)
	}
	return p.Detail
}

// sign signs claims with method and key, setting the kid header when kid is not empty.
func sign(t *testing.T, method jwt.SigningMethod, key any, kid string, c jwt.MapClaims) string {
	t.Helper()
	tok := jwt.NewWithClaims(method, c)
	if kid != "" {
		tok.Header["kid"] = kid
	}
	s, err := tok.SignedString(key)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// valid are the claims of a good token for jane, with changes applied.
func valid(changes jwt.MapClaims) jwt.MapClaims {
	now := time.Now()
	c := jwt.MapClaims{"sub": "jane", "iat": now.Unix(), "exp": now.Add(time.Hour).Unix()}
	for k, v := range changes {
		if v == nil {
			delete(c, k)
		} else {
			c[k] = v
		}
	}
	return c
}

func mustHS256(t testing.TB, opts ...TokenOption) *TokenVerifier {
	t.Helper()
	v, err := HS256(testSecret, opts...)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func TestIssuedTokenAuthenticates(t *testing.T) {
	e := whoServer(mustHS256(t), newKnownMembers(newFakeGraph("jane")))
	for _, tc := range []struct {
		name  string
		admin bool
		body  string
	}{
		{"Member", false, `{"admin":false,"id":"jane"}` + "\n"},
		{"Admin", true, `{"admin":true,"id":"jane"}` + "\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tok, err := IssueToken(testSecret, "jane", tc.admin, time.Hour)
			if err != nil {
				t.Fatal(err)
			}
			if rec := call(e, http.MethodGet, "/who", tok, ""); rec.Code != http.StatusOK || rec.Body.String() != tc.body {
				t.Fatalf("got %d %s, want 200 %s", rec.Code, rec.Body, tc.body)
			}
		})
	}
	t.Run("InvalidID", func(t *testing.T) {
		if _, err := IssueToken(testSecret, "not an id", false, time.Hour); err == nil {
			t.Error("IssueToken accepted an invalid member id")
		}
	})
	t.Run("AlwaysExpires", func(t *testing.T) {
		for _, ttl := range []time.Duration{0, -time.Minute} {
			if _, err := IssueToken(testSecret, "jane", false, ttl); err == nil {
				t.Errorf("IssueToken accepted ttl %s", ttl)
			}
		}
		tok, _ := IssueToken(testSecret, "jane", false, time.Hour)
		var c jwt.RegisteredClaims
		if _, _, err := jwt.NewParser().ParseUnverified(tok, &c); err != nil || c.ExpiresAt == nil {
			t.Errorf("token without exp: %v %+v", err, c)
		}
	})
}

// TestTokenTimes checks that exp is required, that exp, nbf and iat are honoured with Leeway, and
// that sub must be a member id.
func TestTokenTimes(t *testing.T) {
	// The graph knows even the malformed subjects, so that only the token's checks refuse them.
	e := whoServer(mustHS256(t), newKnownMembers(newFakeGraph("jane", "", "no spaces allowed")))
	now := time.Now()
	at := func(d time.Duration) int64 { return now.Add(d).Unix() }
	for _, tc := range []struct {
		name   string
		claims jwt.MapClaims
		ok     bool
	}{
		{"Valid", valid(nil), true},
		{"NoExpiry", valid(jwt.MapClaims{"exp": nil}), false},
		{"Expired", valid(jwt.MapClaims{"exp": at(-2 * time.Minute)}), false},
		{"ExpiredWithinLeeway", valid(jwt.MapClaims{"exp": at(-30 * time.Second)}), true},
		{"NotBeforeWithinLeeway", valid(jwt.MapClaims{"nbf": at(30 * time.Second)}), true},
		{"NotBeforeBeyondLeeway", valid(jwt.MapClaims{"nbf": at(120 * time.Second)}), false},
		{"IssuedAtWithinLeeway", valid(jwt.MapClaims{"iat": at(30 * time.Second)}), true},
		{"IssuedInTheFuture", valid(jwt.MapClaims{"iat": at(120 * time.Second)}), false},
		{"ExpiryNotANumber", valid(jwt.MapClaims{"exp": "tomorrow"}), false},
		{"NoSubject", valid(jwt.MapClaims{"sub": nil}), false},
		{"SubjectNotAnID", valid(jwt.MapClaims{"sub": "no spaces allowed"}), false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rec := call(e, http.MethodGet, "/who", sign(t, jwt.SigningMethodHS256, testSecret, "", tc.claims), "")
			if tc.ok {
				if rec.Code != http.StatusOK {
					t.Fatalf("status %d, want 200: %s", rec.Code, rec.Body)
				}
				return
			}
			expectRefused(t, rec)
		})
	}
}

func TestIssuerAndAudience(t *testing.T) {
	const iss, aud = "https://id.example.com", "reach"
	e := whoServer(mustHS256(t, Issuer(iss), Audience(aud)), newKnownMembers(newFakeGraph("jane")))
	for _, tc := range []struct {
		name   string
		claims jwt.MapClaims
		ok     bool
	}{
		{"Match", valid(jwt.MapClaims{"iss": iss, "aud": aud}), true},
		{"AudienceList", valid(jwt.MapClaims{"iss": iss, "aud": []string{"billing", aud}}), true},
		{"NoIssuer", valid(jwt.MapClaims{"aud": aud}), false},
		{"OtherIssuer", valid(jwt.MapClaims{"iss": "https://evil.example.com", "aud": aud}), false},
		{"NoAudience", valid(jwt.MapClaims{"iss": iss}), false},
		{"OtherAudience", valid(jwt.MapClaims{"iss": iss, "aud": "billing"}), false},
		{"OtherAudiences", valid(jwt.MapClaims{"iss": iss, "aud": []string{"billing", "mail"}}), false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rec := call(e, http.MethodGet, "/who", sign(t, jwt.SigningMethodHS256, testSecret, "", tc.claims), "")
			if tc.ok {
				if rec.Code != http.StatusOK {
					t.Fatalf("status %d, want 200: %s", rec.Code, rec.Body)
				}
				return
			}
			expectRefused(t, rec)
		})
	}
	t.Run("IssuedWithTheSameOptions", func(t *testing.T) {
		tok, err := IssueToken(testSecret, "jane", false, time.Hour, Issuer(iss), Audience(aud))
		if err != nil {
			t.Fatal(err)
		}
		if rec := call(e, http.MethodGet, "/who", tok, ""); rec.Code != http.StatusOK {
			t.Fatalf("status %d, want 200: %s", rec.Code, rec.Body)
		}
	})
}

// Keys made once for the whole test binary: RSA key generation is slow.
var (
	rsaKey  = sync.OnceValue(func() *rsa.PrivateKey { return must(rsa.GenerateKey(rand.Reader, 2048)) })
	rsaKey2 = sync.OnceValue(func() *rsa.PrivateKey { return must(rsa.GenerateKey(rand.Reader, 2048)) })
	ecKey   = sync.OnceValue(func() *ecdsa.PrivateKey { return must(ecdsa.GenerateKey(elliptic.P256(), rand.Reader)) })
)

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

func publicPEM(t *testing.T, pub any) []byte {
	t.Helper()
	der, err := x509.MarshalPKIXPublicKey(pub)
	if err != nil {
		t.Fatal(err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der})
}

// TestPublicKeyVerification checks that a verifier built with a public key accepts tokens signed
// by its private key with the configured algorithm, and nothing else: not another key, not
// another algorithm with the same key, not HS256 keyed with the public key (the classic
// algorithm confusion), not alg none.
func TestPublicKeyVerification(t *testing.T) {
	rsaPEM, ecPEM := publicPEM(t, &rsaKey().PublicKey), publicPEM(t, &ecKey().PublicKey)
	otherEC := must(ecdsa.GenerateKey(elliptic.P256(), rand.Reader))
	none := sign(t, jwt.SigningMethodNone, jwt.UnsafeAllowNoneSignatureType, "", valid(nil))
	for _, tc := range []struct {
		alg      string
		pem      []byte
		good     string
		refused  map[string]string
		keyError []byte // a PEM key of the wrong kind for alg
	}{
		{
			alg: "RS256", pem: rsaPEM,
			good: sign(t, jwt.SigningMethodRS256, rsaKey(), "", valid(nil)),
			refused: map[string]string{
				"OtherKey":          sign(t, jwt.SigningMethodRS256, rsaKey2(), "", valid(nil)),
				"SameKeyOtherAlg":   sign(t, jwt.SigningMethodPS256, rsaKey(), "", valid(nil)),
				"HS256WithPEM":      sign(t, jwt.SigningMethodHS256, rsaPEM, "", valid(nil)),
				"None":              none,
				"ES256":             sign(t, jwt.SigningMethodES256, ecKey(), "", valid(nil)),
				"ValidButNoExpiry":  sign(t, jwt.SigningMethodRS256, rsaKey(), "", valid(jwt.MapClaims{"exp": nil})),
				"ValidButFutureIat": sign(t, jwt.SigningMethodRS256, rsaKey(), "", valid(jwt.MapClaims{"iat": time.Now().Add(5 * time.Minute).Unix()})),
			},
			keyError: ecPEM,
		},
		{
			alg: "ES256", pem: ecPEM,
			good: sign(t, jwt.SigningMethodES256, ecKey(), "", valid(nil)),
			refused: map[string]string{
				"OtherKey":     sign(t, jwt.SigningMethodES256, otherEC, "", valid(nil)),
				"HS256WithPEM": sign(t, jwt.SigningMethodHS256, ecPEM, "", valid(nil)),
				"None":         none,
				"RS256":        sign(t, jwt.SigningMethodRS256, rsaKey(), "", valid(nil)),
			},
			keyError: rsaPEM,
		},
	} {
		t.Run(tc.alg, func(t *testing.T) {
			v, err := PublicKey(tc.alg, tc.pem)
			if err != nil {
				t.Fatal(err)
			}
			e := whoServer(v, newKnownMembers(newFakeGraph("jane")))
			if rec := call(e, http.MethodGet, "/who", tc.good, ""); rec.Code != http.StatusOK {
				t.Fatalf("a good token: status %d: %s", rec.Code, rec.Body)
			}
			for name, tok := range tc.refused {
				t.Run(name, func(t *testing.T) { expectRefused(t, call(e, http.MethodGet, "/who", tok, "")) })
			}
			if _, err := PublicKey(tc.alg, tc.keyError); err == nil {
				t.Errorf("PublicKey(%s) accepted a key of the other kind", tc.alg)
			}
		})
	}
}

func TestPublicKeyRefusesUnfitKeys(t *testing.T) {
	small := must(rsa.GenerateKey(rand.Reader, 1024))
	p384 := must(ecdsa.GenerateKey(elliptic.P384(), rand.Reader))
	private := pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: must(x509.MarshalPKCS8PrivateKey(rsaKey()))})
	for _, tc := range []struct {
		name string
		alg  string
		pem  []byte
	}{
		{"WeakRSA", "RS256", publicPEM(t, &small.PublicKey)},
		{"OtherCurve", "ES256", publicPEM(t, &p384.PublicKey)},
		{"PrivateKey", "RS256", private},
		{"NotPEM", "RS256", []byte("not a key")},
		{"HS256", "HS256", publicPEM(t, &rsaKey().PublicKey)},
		{"None", "none", publicPEM(t, &rsaKey().PublicKey)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := PublicKey(tc.alg, tc.pem); err == nil {
				t.Error("accepted")
			}
		})
	}
	if _, err := HS256([]byte("short")); err == nil {
		t.Error("HS256 accepted a 5-byte secret")
	}
}

// jwksServer publishes a key set that a test changes, and counts how often it is fetched.
type jwksServer struct {
	*httptest.Server
	mu      sync.Mutex
	keys    map[string]any // kid → public key
	fetches int
}

func newJWKSServer(t *testing.T, keys map[string]any) *jwksServer {
	s := &jwksServer{keys: keys}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		defer s.mu.Unlock()
		s.fetches++
		var set struct {
			Keys []json.RawMessage `json:"keys"`
		}
		for kid, pub := range s.keys {
			set.Keys = append(set.Keys, jwkJSON(t, kid, pub))
		}
		_ = json.NewEncoder(w).Encode(set)
	}))
	t.Cleanup(s.Close)
	return s
}

// jwkJSON is the JSON Web Key of an RSA or P-256 public key.
func jwkJSON(t *testing.T, kid string, pub any) json.RawMessage {
	b64 := base64.RawURLEncoding.EncodeToString
	var m map[string]string
	switch k := pub.(type) {
	case *rsa.PublicKey:
		m = map[string]string{"kty": "RSA", "n": b64(k.N.Bytes()), "e": b64(bigEndian(k.E))}
	case *ecdsa.PublicKey:
		raw := must(k.Bytes()) // 0x04 || X || Y
		m = map[string]string{"kty": "EC", "crv": "P-256", "x": b64(raw[1:33]), "y": b64(raw[33:])}
	default:
		t.Fatalf("no JWK for %T", pub)
	}
	m["kid"], m["use"] = kid, "sig"
	return must(json.Marshal(m))
}

func bigEndian(e int) []byte {
	var b []byte
	for ; e > 0; e >>= 8 {
		b = append([]byte{byte(e)}, b...)
	}
	return b
}

func (s *jwksServer) set(keys map[string]any) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.keys = keys
}

func (s *jwksServer) count() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.fetches
}

// TestJWKS checks verification with keys an identity provider publishes: a key picked by kid,
// a key added later picked up by refreshing on its unknown kid, refreshes on unknown kids rate
// limited, a periodic refresh, and a withdrawn key no longer trusted.
func TestJWKS(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	idp := newJWKSServer(t, map[string]any{"k1": &rsaKey().PublicKey, "ec": &ecKey().PublicKey})
	// Refreshing on an unknown kid at most once an hour: only the first unknown kid refreshes.
	v, err := newJWKS(ctx, idp.URL, "RS256", keyRefresh{interval: time.Hour, unknownKID: time.Hour, timeout: 5 * time.Second}, nil)
	if err != nil {
		t.Fatal(err)
	}
	e := whoServer(v, newKnownMembers(newFakeGraph("jane")))
	ok := func(t *testing.T, tok string) {
		t.Helper()
		if rec := call(e, http.MethodGet, "/who", tok, ""); rec.Code != http.StatusOK {
			t.Fatalf("status %d, want 200: %s", rec.Code, rec.Body)
		}
	}
	refused := func(t *testing.T, tok string) { t.Helper(); expectRefused(t, call(e, http.MethodGet, "/who", tok, "")) }

	t.Run("KeyByKid", func(t *testing.T) {
		ok(t, sign(t, jwt.SigningMethodRS256, rsaKey(), "k1", valid(nil)))
	})
	t.Run("OnlyTheConfiguredAlgorithm", func(t *testing.T) {
		refused(t, sign(t, jwt.SigningMethodES256, ecKey(), "ec", valid(nil)))
		refused(t, sign(t, jwt.SigningMethodHS256, publicPEM(t, &rsaKey().PublicKey), "k1", valid(nil)))
		refused(t, sign(t, jwt.SigningMethodNone, jwt.UnsafeAllowNoneSignatureType, "k1", valid(nil)))
		refused(t, sign(t, jwt.SigningMethodRS256, rsaKey2(), "k1", valid(nil)))
	})
	t.Run("RotatedKeyAfterRefresh", func(t *testing.T) {
		idp.set(map[string]any{"k2": &rsaKey2().PublicKey})
		before := idp.count()
		ok(t, sign(t, jwt.SigningMethodRS256, rsaKey2(), "k2", valid(nil)))
		if got := idp.count(); got != before+1 {
			t.Errorf("%d fetches for the new kid, want 1", got-before)
		}
	})
	t.Run("WithdrawnKeyRefused", func(t *testing.T) {
		refused(t, sign(t, jwt.SigningMethodRS256, rsaKey(), "k1", valid(nil)))
	})
	t.Run("UnknownKidFloodRateLimited", func(t *testing.T) {
		before := idp.count()
		for i := range 50 {
			refused(t, sign(t, jwt.SigningMethodRS256, rsaKey(), fmt.Sprintf("made-up-%d", i), valid(nil)))
		}
		if got := idp.count(); got != before {
			t.Errorf("50 unknown kids fetched the key set %d times, want none within the limit", got-before)
		}
	})
	t.Run("PeriodicRefresh", func(t *testing.T) {
		idp.set(map[string]any{"k1": &rsaKey().PublicKey})
		fast, err := newJWKS(ctx, idp.URL, "RS256", keyRefresh{interval: 50 * time.Millisecond, unknownKID: time.Hour, timeout: 5 * time.Second}, nil)
		if err != nil {
			t.Fatal(err)
		}
		e := whoServer(fast, newKnownMembers(newFakeGraph("jane")))
		// Spend the one unknown-kid refresh, so only the periodic refresh can find k2.
		expectRefused(t, call(e, http.MethodGet, "/who", sign(t, jwt.SigningMethodRS256, rsaKey(), "nobody", valid(nil)), ""))
		idp.set(map[string]any{"k2": &rsaKey2().PublicKey})
		start := idp.count()
		for deadline := time.Now().Add(5 * time.Second); idp.count() < start+2; time.Sleep(10 * time.Millisecond) {
			if time.Now().After(deadline) {
				t.Fatal("the key set was not fetched again")
			}
		}
		if rec := call(e, http.MethodGet, "/who", sign(t, jwt.SigningMethodRS256, rsaKey2(), "k2", valid(nil)), ""); rec.Code != http.StatusOK {
			t.Fatalf("status %d, want 200: %s", rec.Code, rec.Body)
		}
	})
	t.Run("ES256", func(t *testing.T) {
		idp.set(map[string]any{"ec": &ecKey().PublicKey})
		ecv, err := newJWKS(ctx, idp.URL, "ES256", defaultKeyRefresh, nil)
		if err != nil {
			t.Fatal(err)
		}
		e := whoServer(ecv, newKnownMembers(newFakeGraph("jane")))
		if rec := call(e, http.MethodGet, "/who", sign(t, jwt.SigningMethodES256, ecKey(), "ec", valid(nil)), ""); rec.Code != http.StatusOK {
			t.Fatalf("status %d, want 200: %s", rec.Code, rec.Body)
		}
		expectRefused(t, call(e, http.MethodGet, "/who", sign(t, jwt.SigningMethodRS256, rsaKey(), "ec", valid(nil)), ""))
	})
}

func TestJWKSConfigurationErrors(t *testing.T) {
	ctx := t.Context()
	ecOnly := newJWKSServer(t, map[string]any{"ec": &ecKey().PublicKey})
	missing := httptest.NewServer(http.NotFoundHandler())
	defer missing.Close()
	for _, tc := range []struct {
		name, url, alg, want string
	}{
		{"NoKeyForAlgorithm", ecOnly.URL, "RS256", "no key for RS256"},
		{"NotFound", missing.URL, "RS256", "404"},
		{"PlainHTTPElsewhere", "http://id.example.com/jwks.json", "RS256", "must be https"},
		{"NotAURL", "jwks.json", "RS256", "not an absolute URL"},
		{"HS256", ecOnly.URL, "HS256", "not supported"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := newJWKS(ctx, tc.url, tc.alg, keyRefresh{interval: time.Hour, unknownKID: time.Hour, timeout: 2 * time.Second}, nil); err == nil ||
				!strings.Contains(err.Error(), tc.want) {
				t.Errorf("got %v, want an error saying %q", err, tc.want)
			}
		})
	}
}

// TestUnknownMemberRefusedOnEveryMemberRoute walks every route the API serves: a member route
// refuses a valid token whose sub names no member with 401 and admits one whose member exists;
// an admin route admits an administrator whose sub is no member, without asking the graph.
func TestUnknownMemberRefusedOnEveryMemberRoute(t *testing.T) {
	g := newFakeGraph("jane")
	e := New(Everything(g), Config{Tokens: mustHS256(t), Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	ghost := sign(t, jwt.SigningMethodHS256, testSecret, "", valid(jwt.MapClaims{"sub": "ghost"}))
	jane := sign(t, jwt.SigningMethodHS256, testSecret, "", valid(nil))
	ghostAdmin := sign(t, jwt.SigningMethodHS256, testSecret, "", valid(jwt.MapClaims{"sub": "admin", "role": "admin"}))
	adminBodies := map[string]string{
		"/v1/admin/members/:id":       `{"name": "X"}`,
		"/v1/admin/connections":       `{"a": "a1", "b": "b1"}`,
		"/v1/admin/organisations/:id": `{"name": "Acme", "kind": "company"}`,
		"/v1/admin/groups/:id":        `{"name": "Go Developers"}`,
	}
	memberRoutes, adminRoutes := 0, 0
	for _, r := range e.Routes() {
		if !strings.HasPrefix(r.Path, "/v1/") {
			continue
		}
		path := strings.NewReplacer(":id", "x1", ":memberId", "x1", ":threadId", "x1").Replace(r.Path)
		if strings.Contains(path, ":") {
			t.Fatalf("route %s has a parameter this test does not fill", r.Path)
		}
		t.Run(r.Method+" "+r.Path, func(t *testing.T) {
			if strings.HasPrefix(r.Path, "/v1/admin/") {
				adminRoutes++
				before := g.calls()
				rec := call(e, r.Method, path, ghostAdmin, adminBodies[r.Path])
				if rec.Code >= 300 {
					t.Errorf("administrator: status %d, want success: %s", rec.Code, rec.Body)
				}
				if g.calls() != before {
					t.Error("an admin route asked whether the administrator is a member")
				}
				if rec := call(e, r.Method, path, jane, adminBodies[r.Path]); rec.Code != http.StatusForbidden {
					t.Errorf("member: status %d, want 403", rec.Code)
				}
				return
			}
			memberRoutes++
			detail := expectRefused(t, call(e, r.Method, path, ghost, ""))
			if !strings.Contains(detail, "does not exist") {
				t.Errorf("detail %q does not say the member does not exist", detail)
			}
			expectRefused(t, call(e, r.Method, path, ghostAdmin, ""))
			// A member who exists gets past authentication (to a handler this fake cannot serve).
			if rec := call(e, r.Method, path, jane, ""); rec.Code == http.StatusUnauthorized {
				t.Errorf("an existing member was refused: %s", rec.Body)
			}
		})
	}
	if memberRoutes < 20 || adminRoutes != 6 {
		t.Errorf("walked %d member and %d admin routes; the route table was not found", memberRoutes, adminRoutes)
	}
}

// fakeClock is a clock for the known-members cache that moves only when told.
type fakeClock struct {
	mu  sync.Mutex
	now int64
}

func (c *fakeClock) NowNano() int64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) Tick(time.Duration) <-chan time.Time { return nil }

func (c *fakeClock) advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now += int64(d)
}

func TestKnownMembers(t *testing.T) {
	tok := func(t *testing.T, sub string) string {
		return sign(t, jwt.SigningMethodHS256, testSecret, "", valid(jwt.MapClaims{"sub": sub}))
	}
	t.Run("ExistingMemberRemembered", func(t *testing.T) {
		g := newFakeGraph("jane")
		e := whoServer(mustHS256(t), newKnownMembers(g))
		for range 3 {
			if rec := call(e, http.MethodGet, "/who", tok(t, "jane"), ""); rec.Code != http.StatusOK {
				t.Fatalf("status %d: %s", rec.Code, rec.Body)
			}
		}
		if g.calls() != 1 {
			t.Errorf("the graph was asked %d times, want 1", g.calls())
		}
	})
	t.Run("ForgottenAfterTTL", func(t *testing.T) {
		g, clock := newFakeGraph("jane"), &fakeClock{now: 1}
		e := whoServer(mustHS256(t), newKnownMembersWith(g, 10, time.Minute, clock))
		call(e, http.MethodGet, "/who", tok(t, "jane"), "")
		clock.advance(59 * time.Second)
		call(e, http.MethodGet, "/who", tok(t, "jane"), "")
		if g.calls() != 1 {
			t.Fatalf("asked %d times within the TTL, want 1", g.calls())
		}
		clock.advance(2 * time.Second)
		call(e, http.MethodGet, "/who", tok(t, "jane"), "")
		if g.calls() != 2 {
			t.Errorf("asked %d times after the TTL, want 2", g.calls())
		}
	})
	t.Run("MissingMemberNotRemembered", func(t *testing.T) {
		g := newFakeGraph()
		e := whoServer(mustHS256(t), newKnownMembers(g))
		for want := 1; want <= 2; want++ {
			expectRefused(t, call(e, http.MethodGet, "/who", tok(t, "newcomer"), ""))
			if g.calls() != want {
				t.Fatalf("refusal %d asked the graph %d times in all, want %d", want, g.calls(), want)
			}
		}
		g.set("newcomer", true, nil)
		if rec := call(e, http.MethodGet, "/who", tok(t, "newcomer"), ""); rec.Code != http.StatusOK {
			t.Fatalf("a member created after a refusal: status %d: %s", rec.Code, rec.Body)
		}
	})
	t.Run("ForgottenOnceGone", func(t *testing.T) {
		// A closure made here forgets the member at once; one made through another replica
		// reaches this one through the change log, which its projection (Gone) has applied.
		for _, how := range []string{"closed here", "closed elsewhere"} {
			g := newFakeGraph("jane")
			known := newKnownMembers(g)
			e := whoServer(mustHS256(t), known)
			call(e, http.MethodGet, "/who", tok(t, "jane"), "")
			g.set("jane", false, nil)
			if how == "closed here" {
				known.forget("jane")
			}
			expectRefused(t, call(e, http.MethodGet, "/who", tok(t, "jane"), ""))
		}
	})
	t.Run("GraphErrorIsNotUnauthorized", func(t *testing.T) {
		g := newFakeGraph("jane")
		e := whoServer(mustHS256(t), newKnownMembers(g))
		g.set("jane", false, errors.New("neo4j: connection refused"))
		rec := call(e, http.MethodGet, "/who", tok(t, "jane"), "")
		if rec.Code != http.StatusInternalServerError || rec.Header().Get("WWW-Authenticate") != "" {
			t.Fatalf("status %d, want 500 without WWW-Authenticate: %s", rec.Code, rec.Body)
		}
		g.set("jane", true, nil)
		if rec := call(e, http.MethodGet, "/who", tok(t, "jane"), ""); rec.Code != http.StatusOK {
			t.Fatalf("after the graph came back: status %d: %s", rec.Code, rec.Body)
		}
	})
	t.Run("Bounded", func(t *testing.T) {
		g := newFakeGraph()
		for i := range 1000 {
			g.members[fmt.Sprintf("m%d", i)] = true
		}
		known := newKnownMembersWith(g, 10, time.Hour, nil)
		for i := range 1000 {
			if ok, err := known.exist(t.Context(), fmt.Sprintf("m%d", i)); !ok || err != nil {
				t.Fatalf("member %d: %v %v", i, ok, err)
			}
		}
		known.ids.CleanUp()
		if n := known.ids.EstimatedSize(); n > 10 {
			t.Errorf("the cache holds %d ids, want at most 10", n)
		}
	})
}

// TestRememberedTokens checks that a token whose signature was checked once is admitted again
// without checking it, and that its claims are still checked on every request: once the clock
// passes its exp (and the leeway), the remembered token is refused like any expired one.
func TestRememberedTokens(t *testing.T) {
	v := mustHS256(t)
	now := time.Now()
	v.now = func() time.Time { return now }
	e := whoServer(v, newKnownMembers(newFakeGraph("jane")))
	tok := sign(t, jwt.SigningMethodHS256, testSecret, "", valid(jwt.MapClaims{"exp": now.Add(10 * time.Minute).Unix()}))
	parser := v.parser
	for i := range 3 {
		if rec := call(e, http.MethodGet, "/who", tok, ""); rec.Code != http.StatusOK {
			t.Fatalf("request %d: status %d, want 200: %s", i+1, rec.Code, rec.Body)
		}
		v.parser = nil // the token is remembered: parsing it again would panic
	}
	v.parser = parser
	forged := tok[:len(tok)-4] + "AAAA"
	expectRefused(t, call(e, http.MethodGet, "/who", forged, ""))
	now = now.Add(10*time.Minute + Leeway + time.Second)
	expectRefused(t, call(e, http.MethodGet, "/who", tok, ""))
}

package api

import (
	"bytes"
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rsa"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"time"

	"github.com/MicahParks/keyfunc/v3"
	"github.com/golang-jwt/jwt/v5"
	"github.com/maypok86/otter/v2"
	"golang.org/x/time/rate"
)

// Leeway is how far the clocks of reach and a token's issuer may disagree: a token is still taken
// this long after its exp, and this long before its nbf or iat.
const Leeway = 60 * time.Second

// MinSecretBytes is the shortest HS256 secret reach accepts.
const MinSecretBytes = 16

// TokenVerifier checks the bearer tokens reach is given: the signature, made with the one
// algorithm and key the verifier was built with and no other, and the registered claims: exp is
// required, nbf and iat are honoured (with Leeway), iss and aud are checked when configured.
//
// A token it accepts is remembered for AcceptedFor with the key that verified it, so that the
// client's next requests with it cost map lookups instead of a signature check (which for RS256
// or ES256 takes longer than reach takes to answer): the claims are checked again, and the token's
// key is looked up again and must still be the one that verified it, so a key withdrawn from a
// JWKS stops admitting its tokens at once.
type TokenVerifier struct {
	alg       string
	key       func(ctx context.Context) jwt.Keyfunc
	parser    *jwt.Parser
	validator *jwt.Validator                      // the parser's claim checks, for remembered tokens
	accepted  *otter.Cache[string, acceptedToken] // raw token → what its signature check found
	now       func() time.Time                    // the clock claims are checked against; tests move it
}

// acceptedToken is a token whose signature was checked: its claims, its header (to look its key
// up again) and the key that verified it.
type acceptedToken struct {
	claims claims
	header map[string]any
	key    any
}

// AcceptedFor is how long a token whose signature was checked is admitted without checking it
// again (its claims are checked on every request); acceptedTokens bounds how many are remembered.
const (
	AcceptedFor    = time.Minute
	acceptedTokens = 50_000
)

// tokenRules are the claims a deployment may require of every token besides exp.
type tokenRules struct {
	issuer   string
	audience string
}

// TokenOption adds a claim that every token must carry (or, for IssueToken, does carry).
type TokenOption func(*tokenRules)

// Issuer requires the iss claim to be iss.
func Issuer(iss string) TokenOption { return func(r *tokenRules) { r.issuer = iss } }

// Audience requires the aud claim to name aud (aud may be a list; one entry must be aud).
func Audience(aud string) TokenOption { return func(r *tokenRules) { r.audience = aud } }

func applyRules(opts []TokenOption) tokenRules {
	var r tokenRules
	for _, o := range opts {
		o(&r)
	}
	return r
}

func newVerifier(alg string, key func(context.Context) jwt.Keyfunc, opts []TokenOption) *TokenVerifier {
	rules := applyRules(opts)
	v := &TokenVerifier{alg: alg, key: key, now: time.Now}
	parserOpts := []jwt.ParserOption{
		jwt.WithTimeFunc(func() time.Time { return v.now() }),
		jwt.WithValidMethods([]string{alg}),
		jwt.WithExpirationRequired(),
		jwt.WithIssuedAt(),
		jwt.WithLeeway(Leeway),
	}
	if rules.issuer != "" {
		parserOpts = append(parserOpts, jwt.WithIssuer(rules.issuer))
	}
	if rules.audience != "" {
		parserOpts = append(parserOpts, jwt.WithAudience(rules.audience))
	}
	v.parser, v.validator = jwt.NewParser(parserOpts...), jwt.NewValidator(parserOpts...)
	v.accepted = otter.Must(&otter.Options[string, acceptedToken]{
		MaximumSize:      acceptedTokens,
		ExpiryCalculator: otter.ExpiryWriting[string, acceptedToken](AcceptedFor),
	})
	return v
}

// HS256 verifies tokens signed with a shared secret of at least MinSecretBytes, as IssueToken
// signs them.
func HS256(secret []byte, opts ...TokenOption) (*TokenVerifier, error) {
	if len(secret) < MinSecretBytes {
		return nil, fmt.Errorf("an HS256 secret must be at least %d bytes", MinSecretBytes)
	}
	secret = bytes.Clone(secret)
	key := func(context.Context) jwt.Keyfunc { return func(*jwt.Token) (any, error) { return secret, nil } }
	return newVerifier(jwt.SigningMethodHS256.Alg(), key, opts), nil
}

// PublicKey verifies tokens an identity provider signs with alg, RS256 or ES256, whose public key
// is the PEM block in pemData: a PUBLIC KEY, RSA PUBLIC KEY or CERTIFICATE. An RS256 key must be
// RSA of at least 2048 bits, an ES256 key ECDSA on P-256.
func PublicKey(alg string, pemData []byte, opts ...TokenOption) (*TokenVerifier, error) {
	var (
		pub any
		err error
	)
	switch alg {
	case jwt.SigningMethodRS256.Alg():
		pub, err = jwt.ParseRSAPublicKeyFromPEM(pemData)
	case jwt.SigningMethodES256.Alg():
		pub, err = jwt.ParseECPublicKeyFromPEM(pemData)
	default:
		return nil, unsupportedAlg(alg)
	}
	if err != nil {
		return nil, fmt.Errorf("not a PEM public key for %s: %w", alg, err)
	}
	if err := fitsAlg(alg, pub); err != nil {
		return nil, err
	}
	key := func(context.Context) jwt.Keyfunc { return func(*jwt.Token) (any, error) { return pub, nil } }
	return newVerifier(alg, key, opts), nil
}

// JWKS verifies tokens an identity provider signs with alg, RS256 or ES256, using the JSON Web
// Key Set it publishes at jwksURL (https, or http on a loopback address). The key is picked by the
// token's kid. The set is fetched now (an error if that fails or it holds no key for alg), again
// every 15 minutes, and again when a token names a kid the set lacks, but then at most once a
// minute, so a flood of made-up kids cannot hammer the provider. Refreshing stops when ctx ends.
func JWKS(ctx context.Context, jwksURL, alg string, opts ...TokenOption) (*TokenVerifier, error) {
	return newJWKS(ctx, jwksURL, alg, defaultKeyRefresh, opts)
}

// keyRefresh says when a JWKS is fetched again: every interval; on an unknown kid at most once
// per unknownKID; each fetch (and each wait for the unknown-kid limit) within timeout.
type keyRefresh struct {
	interval   time.Duration
	unknownKID time.Duration
	timeout    time.Duration
}

var defaultKeyRefresh = keyRefresh{interval: 15 * time.Minute, unknownKID: time.Minute, timeout: 10 * time.Second}

func newJWKS(ctx context.Context, jwksURL, alg string, refresh keyRefresh, opts []TokenOption) (_ *TokenVerifier, err error) {
	if alg != jwt.SigningMethodRS256.Alg() && alg != jwt.SigningMethodES256.Alg() {
		return nil, unsupportedAlg(alg)
	}
	if err := checkJWKSURL(jwksURL); err != nil {
		return nil, err
	}
	// The refreshes run until ctx ends, or at once when the key set turns out unusable.
	ctx, stop := context.WithCancel(ctx)
	defer func() {
		if err != nil {
			stop()
		}
	}()
	fail := false
	keys, err := keyfunc.NewDefaultOverrideCtx(ctx, []string{jwksURL}, keyfunc.Override{
		Client:                    &http.Client{Timeout: refresh.timeout},
		HTTPTimeout:               refresh.timeout,
		NoErrorReturnFirstHTTPReq: &fail,
		RateLimitWaitMax:          refresh.timeout,
		RefreshInterval:           refresh.interval,
		RefreshUnknownKID:         rate.NewLimiter(rate.Every(refresh.unknownKID), 1),
	})
	if err != nil {
		return nil, fmt.Errorf("JWKS %s: %w", jwksURL, err)
	}
	set, err := keys.Storage().KeyReadAll(ctx)
	if err != nil {
		return nil, fmt.Errorf("JWKS %s: %w", jwksURL, err)
	}
	usable := 0
	for _, k := range set {
		if fitsAlg(alg, publicOf(k.Key())) == nil {
			usable++
		}
	}
	if usable == 0 {
		return nil, fmt.Errorf("JWKS %s holds no key for %s", jwksURL, alg)
	}
	return newVerifier(alg, keys.KeyfuncCtx, opts), nil
}

// checkJWKSURL refuses a key set that could be tampered with on the way: it must come over
// https, or over http from this machine.
func checkJWKSURL(raw string) error {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return fmt.Errorf("the JWKS URL %q is not an absolute URL", raw)
	}
	switch {
	case u.Scheme == "https":
		return nil
	case u.Scheme == "http" && isLoopback(u.Hostname()):
		return nil
	}
	return fmt.Errorf("the JWKS URL %q must be https (http only on a loopback address)", raw)
}

func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// fitsAlg reports whether pub is a key alg verifies with, strong enough to trust.
func fitsAlg(alg string, pub any) error {
	switch k := pub.(type) {
	case *rsa.PublicKey:
		if alg != jwt.SigningMethodRS256.Alg() {
			return fmt.Errorf("an RSA key does not verify %s", alg)
		}
		if k.N.BitLen() < 2048 {
			return fmt.Errorf("the RSA key has %d bits; at least 2048 are needed", k.N.BitLen())
		}
		return nil
	case *ecdsa.PublicKey:
		if alg != jwt.SigningMethodES256.Alg() {
			return fmt.Errorf("an ECDSA key does not verify %s", alg)
		}
		if k.Curve != elliptic.P256() {
			return fmt.Errorf("the ECDSA key is on %s; ES256 needs P-256", k.Curve.Params().Name)
		}
		return nil
	}
	return fmt.Errorf("a %T does not verify %s", pub, alg)
}

// publicOf returns the public half of a key a JWKS held, whether it published the public or
// (carelessly) the private key.
func publicOf(key any) any {
	if p, ok := key.(interface{ Public() crypto.PublicKey }); ok {
		return p.Public()
	}
	return key
}

func unsupportedAlg(alg string) error {
	return fmt.Errorf("algorithm %q is not supported: use RS256 or ES256 with a public key or JWKS, HS256 with a secret", alg)
}

// verify checks a raw token and returns its claims, or an error whose text tells the caller why
// the token is refused.
func (v *TokenVerifier) verify(ctx context.Context, raw string) (claims, error) {
	if a, ok := v.accepted.GetIfPresent(raw); ok {
		return a.claims, v.stillValid(ctx, a)
	}
	var cl claims
	var used any
	keyOf := v.key(ctx)
	tok, err := v.parser.ParseWithClaims(raw, &cl, func(t *jwt.Token) (any, error) {
		key, err := keyOf(t)
		used = key
		return key, err
	})
	if err != nil {
		return claims{}, refusal(err)
	}
	v.accepted.Set(raw, acceptedToken{claims: cl, header: tok.Header, key: used})
	return cl, nil
}

// stillValid checks a remembered token's claims against the clock, and that its key is still the
// one that verified it.
func (v *TokenVerifier) stillValid(ctx context.Context, a acceptedToken) error {
	if err := v.validator.Validate(a.claims); err != nil {
		return refusal(err)
	}
	key, err := v.key(ctx)(&jwt.Token{Header: a.header, Claims: a.claims, Method: jwt.GetSigningMethod(v.alg)})
	if err != nil || !sameKey(key, a.key) {
		return errors.New("the token's signing key is not one reach knows (kid)")
	}
	return nil
}

// sameKey tells whether two verification keys are the same: public keys by value, secrets by
// their bytes.
func sameKey(a, b any) bool {
	if pub, ok := a.(interface{ Equal(crypto.PublicKey) bool }); ok {
		return pub.Equal(b)
	}
	x, ok1 := a.([]byte)
	y, ok2 := b.([]byte)
	return ok1 && ok2 && bytes.Equal(x, y)
}

// refusal says in words why a token was refused.
func refusal(err error) error {
	for _, r := range refusals {
		if errors.Is(err, r.err) {
			return errors.New(r.detail)
		}
	}
	return fmt.Errorf("the token is not valid: %w", err)
}

// refusals say in words why a token is refused, the most specific first.
var refusals = []struct {
	err    error
	detail string
}{
	{jwt.ErrTokenMalformed, "the token is not a well-formed JWT"},
	{jwt.ErrTokenUnverifiable, "the token's signing key is not one reach knows (kid)"},
	{jwt.ErrTokenSignatureInvalid, "the token's algorithm or signature is not valid"},
	{jwt.ErrTokenRequiredClaimMissing, "the token lacks a required claim (exp, iss or aud)"},
	{jwt.ErrTokenExpired, "the token has expired"},
	{jwt.ErrTokenNotValidYet, "the token is not valid yet (nbf)"},
	{jwt.ErrTokenUsedBeforeIssued, "the token is issued in the future (iat)"},
	{jwt.ErrTokenInvalidIssuer, "the token's iss is not the expected issuer"},
	{jwt.ErrTokenInvalidAudience, "the token's aud does not name this service"},
}

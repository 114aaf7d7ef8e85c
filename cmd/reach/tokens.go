package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/reach-network/reach/api"
)

// tokenConfig says how reach checks bearer tokens: with a shared secret (HS256), with an identity
// provider's public key, or with the keys it publishes at a JWKS URL; exactly one of the three.
type tokenConfig struct {
	Secret    string // REACH_JWT_SECRET
	PublicKey string // REACH_JWT_PUBLIC_KEY: path to a PEM file
	JWKSURL   string // REACH_JWT_JWKS_URL
	Algorithm string // REACH_JWT_ALGORITHM: RS256 (the default) or ES256, with a public key or JWKS
	Issuer    string // REACH_JWT_ISSUER: when set, the iss every token must carry
	Audience  string // REACH_JWT_AUDIENCE: when set, the aud every token must name
}

func loadTokenConfig(getenv func(string) string) tokenConfig {
	return tokenConfig{
		Secret:    getenv("REACH_JWT_SECRET"),
		PublicKey: getenv("REACH_JWT_PUBLIC_KEY"),
		JWKSURL:   getenv("REACH_JWT_JWKS_URL"),
		Algorithm: getenv("REACH_JWT_ALGORITHM"),
		Issuer:    getenv("REACH_JWT_ISSUER"),
		Audience:  getenv("REACH_JWT_AUDIENCE"),
	}
}

// verifier builds the token verifier the settings describe, fetching the JWKS when there is one;
// its refreshes stop when ctx ends. Settings that do not make exactly one way to verify, or name
// a key that cannot be read or used, are an error.
func (t tokenConfig) verifier(ctx context.Context) (*api.TokenVerifier, error) {
	set := 0
	for _, v := range []string{t.Secret, t.PublicKey, t.JWKSURL} {
		if v != "" {
			set++
		}
	}
	if set != 1 {
		return nil, errors.New("set exactly one of REACH_JWT_SECRET, REACH_JWT_PUBLIC_KEY and REACH_JWT_JWKS_URL")
	}
	opts := t.options()
	switch {
	case t.Secret != "":
		if t.Algorithm != "" && t.Algorithm != "HS256" {
			return nil, fmt.Errorf("REACH_JWT_SECRET verifies HS256; REACH_JWT_ALGORITHM=%s needs REACH_JWT_PUBLIC_KEY or REACH_JWT_JWKS_URL", t.Algorithm)
		}
		v, err := api.HS256([]byte(t.Secret), opts...)
		return v, prefix("REACH_JWT_SECRET", err)
	case t.PublicKey != "":
		pem, err := os.ReadFile(t.PublicKey)
		if err != nil {
			return nil, prefix("REACH_JWT_PUBLIC_KEY", err)
		}
		v, err := api.PublicKey(t.algorithm(), pem, opts...)
		return v, prefix("REACH_JWT_PUBLIC_KEY", err)
	default:
		v, err := api.JWKS(ctx, t.JWKSURL, t.algorithm(), opts...)
		return v, prefix("REACH_JWT_JWKS_URL", err)
	}
}

// algorithm is the one algorithm a public key or JWKS verifies.
func (t tokenConfig) algorithm() string {
	if t.Algorithm == "" {
		return "RS256"
	}
	return t.Algorithm
}

// options are the claims every token must carry besides exp.
func (t tokenConfig) options() []api.TokenOption {
	var opts []api.TokenOption
	if t.Issuer != "" {
		opts = append(opts, api.Issuer(t.Issuer))
	}
	if t.Audience != "" {
		opts = append(opts, api.Audience(t.Audience))
	}
	return opts
}

// issue mints an HS256 token with the configured secret, iss and aud; reach signs tokens only when
// it shares a secret with itself, never for an identity provider.
func (t tokenConfig) issue(id string, admin bool, ttl time.Duration) (string, error) {
	if t.Secret == "" {
		return "", errors.New("reach token signs with REACH_JWT_SECRET, which is not set " +
			"(with REACH_JWT_PUBLIC_KEY or REACH_JWT_JWKS_URL, tokens come from the identity provider)")
	}
	if _, err := api.HS256([]byte(t.Secret)); err != nil {
		return "", prefix("REACH_JWT_SECRET", err)
	}
	return api.IssueToken([]byte(t.Secret), id, admin, ttl, t.options()...)
}

// String describes the settings for the log, with the secret masked.
func (t tokenConfig) String() string {
	secret := "(unset)"
	if t.Secret != "" {
		secret = "***"
	}
	return fmt.Sprintf("jwt_secret=%s jwt_public_key=%q jwt_jwks_url=%q jwt_algorithm=%q jwt_issuer=%q jwt_audience=%q",
		secret, t.PublicKey, t.JWKSURL, t.Algorithm, t.Issuer, t.Audience)
}

func prefix(setting string, err error) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("%s: %w", setting, err)
}

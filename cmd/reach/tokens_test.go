package main

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/golang-jwt/jwt/v5"
)

// TestTokenSettings checks that exactly one way to verify tokens must be configured, and that
// settings naming an unusable key are reported before serving.
func TestTokenSettings(t *testing.T) {
	dir := t.TempDir()
	rsaKey, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	ecKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	rsaPEM, ecPEM := writePEM(t, dir, "rsa.pem", &rsaKey.PublicKey), writePEM(t, dir, "ec.pem", &ecKey.PublicKey)
	jwks := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b64 := base64.RawURLEncoding.EncodeToString
		_ = json.NewEncoder(w).Encode(map[string]any{"keys": []map[string]string{{
			"kty": "RSA", "kid": "k1", "n": b64(rsaKey.N.Bytes()), "e": "AQAB",
		}}})
	}))
	defer jwks.Close()
	const secret = "0123456789abcdef"
	for _, tc := range []struct {
		name string
		env  map[string]string
		want string // what the error says; empty when the settings are good
	}{
		{"Secret", map[string]string{"REACH_JWT_SECRET": secret}, ""},
		{"SecretWithClaims", map[string]string{"REACH_JWT_SECRET": secret, "REACH_JWT_ISSUER": "reach", "REACH_JWT_AUDIENCE": "api"}, ""},
		{"RSAPublicKey", map[string]string{"REACH_JWT_PUBLIC_KEY": rsaPEM}, ""},
		{"ECPublicKey", map[string]string{"REACH_JWT_PUBLIC_KEY": ecPEM, "REACH_JWT_ALGORITHM": "ES256"}, ""},
		{"JWKS", map[string]string{"REACH_JWT_JWKS_URL": jwks.URL}, ""},
		{"Nothing", map[string]string{}, "exactly one"},
		{"SecretAndKey", map[string]string{"REACH_JWT_SECRET": secret, "REACH_JWT_PUBLIC_KEY": rsaPEM}, "exactly one"},
		{"KeyAndJWKS", map[string]string{"REACH_JWT_PUBLIC_KEY": rsaPEM, "REACH_JWT_JWKS_URL": jwks.URL}, "exactly one"},
		{"ShortSecret", map[string]string{"REACH_JWT_SECRET": "short"}, "REACH_JWT_SECRET"},
		{"SecretWithRS256", map[string]string{"REACH_JWT_SECRET": secret, "REACH_JWT_ALGORITHM": "RS256"}, "REACH_JWT_ALGORITHM"},
		{"MissingKeyFile", map[string]string{"REACH_JWT_PUBLIC_KEY": filepath.Join(dir, "none.pem")}, "REACH_JWT_PUBLIC_KEY"},
		{"ECKeyForRS256", map[string]string{"REACH_JWT_PUBLIC_KEY": ecPEM}, "REACH_JWT_PUBLIC_KEY"},
		{"UnknownAlgorithm", map[string]string{"REACH_JWT_PUBLIC_KEY": rsaPEM, "REACH_JWT_ALGORITHM": "none"}, "not supported"},
		{"PlainHTTPJWKS", map[string]string{"REACH_JWT_JWKS_URL": "http://id.example.com/jwks"}, "REACH_JWT_JWKS_URL"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg, err := loadConfig(func(k string) string { return tc.env[k] })
			if err != nil {
				t.Fatal(err)
			}
			v, err := cfg.TokenAuth.verifier(context.Background())
			switch {
			case tc.want == "" && (err != nil || v == nil):
				t.Fatalf("refused good settings: %v", err)
			case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
				t.Fatalf("got %v, want an error saying %q", err, tc.want)
			}
		})
	}
}

func writePEM(t *testing.T, dir, name string, pub any) string {
	t.Helper()
	der, err := x509.MarshalPKIXPublicKey(pub)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestTokenCommand checks that `reach token` signs with the secret and carries the configured iss
// and aud, and that it refuses to sign when tokens come from an identity provider.
func TestTokenCommand(t *testing.T) {
	env := map[string]string{"REACH_JWT_SECRET": "0123456789abcdef", "REACH_JWT_ISSUER": "https://reach.example.com", "REACH_JWT_AUDIENCE": "reach"}
	var out bytes.Buffer
	if err := run(context.Background(), []string{"token", "jane", "--admin"}, &out, func(k string) string { return env[k] }); err != nil {
		t.Fatal(err)
	}
	var c struct {
		Role string `json:"role"`
		jwt.RegisteredClaims
	}
	if _, err := jwt.ParseWithClaims(strings.TrimSpace(out.String()), &c, func(*jwt.Token) (any, error) {
		return []byte(env["REACH_JWT_SECRET"]), nil
	}, jwt.WithValidMethods([]string{"HS256"}), jwt.WithExpirationRequired(),
		jwt.WithIssuer(env["REACH_JWT_ISSUER"]), jwt.WithAudience(env["REACH_JWT_AUDIENCE"])); err != nil {
		t.Fatalf("the token does not verify: %v", err)
	}
	if c.Subject != "jane" || c.Role != "admin" {
		t.Errorf("claims %+v", c)
	}
	err := run(context.Background(), []string{"token", "jane"}, &out, func(k string) string {
		return map[string]string{"REACH_JWT_JWKS_URL": "https://id.example.com/jwks"}[k]
	})
	if err == nil || !strings.Contains(err.Error(), "REACH_JWT_SECRET") {
		t.Errorf("signed without a secret: %v", err)
	}
}

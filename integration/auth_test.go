package integration

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

func TestAuth(t *testing.T) {
	id := ids(t)
	member(t, id("me"), "Me")
	sign := func(method jwt.SigningMethod, key any, c jwt.MapClaims) string {
		tok, err := jwt.NewWithClaims(method, c).SignedString(key)
		if err != nil {
			t.Fatal(err)
		}
		return tok
	}
	cases := []struct {
		name   string
		header string
	}{
		{"Missing", ""},
		{"NotBearer", "Basic dXNlcjpwYXNz"},
		{"EmptyBearer", "Bearer "},
		{"Malformed", "Bearer not.a.jwt"},
		{"WrongSignature", "Bearer " + sign(jwt.SigningMethodHS256, []byte("another-secret-0123456789"),
			jwt.MapClaims{"sub": id("me"), "exp": time.Now().Add(time.Hour).Unix()})},
		{"NoExpiry", "Bearer " + sign(jwt.SigningMethodHS256, testSecret, jwt.MapClaims{"sub": id("me")})},
		{"Expired", "Bearer " + sign(jwt.SigningMethodHS256, testSecret,
			jwt.MapClaims{"sub": id("me"), "exp": time.Now().Add(-time.Hour).Unix()})},
		{"WrongAlgorithm", "Bearer " + sign(jwt.SigningMethodHS512, testSecret,
			jwt.MapClaims{"sub": id("me"), "exp": time.Now().Add(time.Hour).Unix()})},
		{"NoSubject", "Bearer " + sign(jwt.SigningMethodHS256, testSecret,
			jwt.MapClaims{"exp": time.Now().Add(time.Hour).Unix()})},
		{"SubjectNotAnID", "Bearer " + sign(jwt.SigningMethodHS256, testSecret,
			jwt.MapClaims{"sub": "no spaces allowed", "exp": time.Now().Add(time.Hour).Unix()})},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			req, _ := http.NewRequest(http.MethodGet, env.baseURL+"/v1/me", nil)
			if tc.header != "" {
				req.Header.Set("Authorization", tc.header)
			}
			res, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			res.Body.Close()
			if res.StatusCode != http.StatusUnauthorized {
				t.Fatalf("status %d, want 401", res.StatusCode)
			}
			if ct := res.Header.Get("Content-Type"); ct != "application/problem+json" {
				t.Errorf("Content-Type %q", ct)
			}
			if !strings.HasPrefix(res.Header.Get("WWW-Authenticate"), "Bearer") {
				t.Errorf("WWW-Authenticate %q", res.Header.Get("WWW-Authenticate"))
			}
		})
	}
	t.Run("ValidToken", func(t *testing.T) {
		as(t, id("me")).get("/v1/me").expect(http.StatusOK)
	})
	t.Run("MemberOnAdminRoute", func(t *testing.T) {
		as(t, id("me")).do(http.MethodPut, "/v1/admin/members/"+id("x"), map[string]string{"name": "X"}).
			expectProblem(http.StatusForbidden)
		as(t, id("me")).do(http.MethodPost, "/v1/admin/connections", map[string]string{"a": id("me"), "b": id("x")}).
			expectProblem(http.StatusForbidden)
	})
	t.Run("AdminRoleClaimRequired", func(t *testing.T) {
		// A token whose sub is "admin" but without the role is an ordinary member.
		as(t, "admin").do(http.MethodPut, "/v1/admin/members/"+id("x"), map[string]string{"name": "X"}).
			expectProblem(http.StatusForbidden)
	})
	t.Run("HealthNeedsNoToken", func(t *testing.T) {
		(&client{t: t}).get("/healthz").expect(http.StatusOK)
		(&client{t: t}).get("/readyz").expect(http.StatusOK)
	})
}

// TestUnknownMemberToken checks that a valid token whose sub names no member is refused on member
// routes, including those that would otherwise answer empty lists, and admitted as soon as the
// member is created.
func TestUnknownMemberToken(t *testing.T) {
	id := ids(t)
	ghost := as(t, id("ghost"))
	for _, path := range []string{"/v1/me", "/v1/inbox", "/v1/sent", "/v1/members?q=x", "/v1/blocks", "/v1/invitations"} {
		p := ghost.get(path).expectProblem(http.StatusUnauthorized)
		if !strings.Contains(p.Detail, "does not exist") {
			t.Errorf("GET %s: detail %q", path, p.Detail)
		}
	}
	t.Run("AdministratorIsNoMember", func(t *testing.T) {
		admin(t).get("/v1/me").expectProblem(http.StatusUnauthorized)
	})
	t.Run("AdmittedOnceCreated", func(t *testing.T) {
		member(t, id("ghost"), "Ghost")
		ghost.get("/v1/me").expect(http.StatusOK)
		ghost.get("/v1/inbox").expect(http.StatusOK)
	})
}

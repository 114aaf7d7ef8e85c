package api

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/labstack/echo/v4"

	"github.com/reach-network/reach/graph"
)

// adminRole is the role claim that opens /v1/admin.
const adminRole = "admin"

// claims are what a reach token carries: the acting member in sub, and an optional role.
type claims struct {
	Role string `json:"role,omitempty"`
	jwt.RegisteredClaims
}

// caller is who a request acts as.
type caller struct {
	id    string
	admin bool
}

const callerKey = "reach.caller"

// IssueToken signs a token for member id, valid for ttl, with the admin role when admin is set.
func IssueToken(secret []byte, id string, admin bool, ttl time.Duration) (string, error) {
	if !graph.ValidMemberID(id) {
		return "", fmt.Errorf("%q is not a member id", id)
	}
	now := time.Now()
	c := claims{RegisteredClaims: jwt.RegisteredClaims{
		Subject:   id,
		IssuedAt:  jwt.NewNumericDate(now),
		ExpiresAt: jwt.NewNumericDate(now.Add(ttl)),
	}}
	if admin {
		c.Role = adminRole
	}
	return jwt.NewWithClaims(jwt.SigningMethodHS256, c).SignedString(secret)
}

// authenticate admits requests that carry a valid bearer token: HS256 with secret, not expired,
// with a member id in sub. Everything else is answered 401.
func authenticate(secret []byte) echo.MiddlewareFunc {
	parser := jwt.NewParser(jwt.WithValidMethods([]string{jwt.SigningMethodHS256.Alg()}), jwt.WithLeeway(5*time.Second))
	keyFunc := func(*jwt.Token) (any, error) { return secret, nil }
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			header := c.Request().Header.Get(echo.HeaderAuthorization)
			scheme, token, ok := strings.Cut(header, " ")
			if header == "" {
				return unauthenticated("this route needs Authorization: Bearer <token>")
			}
			if !ok || !strings.EqualFold(scheme, "Bearer") || strings.TrimSpace(token) == "" {
				return unauthenticated("the Authorization header must be Bearer <token>")
			}
			var cl claims
			if _, err := parser.ParseWithClaims(strings.TrimSpace(token), &cl, keyFunc); err != nil {
				switch {
				case errors.Is(err, jwt.ErrTokenExpired):
					return unauthenticated("the token has expired")
				case errors.Is(err, jwt.ErrTokenSignatureInvalid):
					return unauthenticated("the token's signature is not valid")
				default:
					return unauthenticated("the token is not valid: " + err.Error())
				}
			}
			if !graph.ValidMemberID(cl.Subject) {
				return unauthenticated("the token's sub must be a member id")
			}
			c.Set(callerKey, caller{id: cl.Subject, admin: cl.Role == adminRole})
			return next(c)
		}
	}
}

// requireAdmin refuses, with 403, callers whose token lacks the admin role.
func requireAdmin(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if !callerOf(c).admin {
			return &requestError{kind: forbidden, detail: "this route is for administrators"}
		}
		return next(c)
	}
}

// callerOf returns who the request acts as; authenticate has set it on every /v1 route.
func callerOf(c echo.Context) caller {
	cl, _ := c.Get(callerKey).(caller)
	return cl
}

func unauthenticated(detail string) error {
	return &requestError{kind: unauthorized, detail: detail}
}

package api

import (
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
	id      string
	admin   bool
	expires time.Time // when the token ends; an event stream ends then too
}

const callerKey = "reach.caller"

// IssueToken signs an HS256 token for member id with secret, valid for ttl (which must be
// positive: every token expires), with the admin role when admin is set. opts set the iss and aud
// claims a verifier built with the same options requires.
func IssueToken(secret []byte, id string, admin bool, ttl time.Duration, opts ...TokenOption) (string, error) {
	if !graph.ValidMemberID(id) {
		return "", fmt.Errorf("%q is not a member id", id)
	}
	if ttl <= 0 {
		return "", fmt.Errorf("a token must expire: its ttl must be positive, not %s", ttl)
	}
	rules := applyRules(opts)
	now := time.Now()
	c := claims{RegisteredClaims: jwt.RegisteredClaims{
		Subject:   id,
		Issuer:    rules.issuer,
		IssuedAt:  jwt.NewNumericDate(now),
		ExpiresAt: jwt.NewNumericDate(now.Add(ttl)),
	}}
	if rules.audience != "" {
		c.Audience = jwt.ClaimStrings{rules.audience}
	}
	if admin {
		c.Role = adminRole
	}
	return jwt.NewWithClaims(jwt.SigningMethodHS256, c).SignedString(secret)
}

// authenticate admits requests that carry a token tokens accepts, whose sub names a member who
// exists (asked of members). A token that fails either is answered 401; a failure to ask the
// graph is answered as any other failure of the graph.
func authenticate(tokens *TokenVerifier, members *knownMembers) echo.MiddlewareFunc {
	mustHave(tokens)
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			cl, err := bearer(c, tokens)
			if err != nil {
				return err
			}
			exists, err := members.exist(c.Request().Context(), cl.Subject)
			if err != nil {
				return err
			}
			if !exists {
				return unauthenticated(fmt.Sprintf("the token's member %q does not exist", cl.Subject))
			}
			c.Set(callerKey, caller{id: cl.Subject, admin: cl.Role == adminRole, expires: expiry(cl)})
			return next(c)
		}
	}
}

// authenticateAdmin admits requests that carry a token tokens accepts with the admin role; others
// are answered 401 (no valid token) or 403 (not an administrator). An administrator's sub need
// not name a member.
func authenticateAdmin(tokens *TokenVerifier) echo.MiddlewareFunc {
	mustHave(tokens)
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			cl, err := bearer(c, tokens)
			if err != nil {
				return err
			}
			if cl.Role != adminRole {
				return &requestError{kind: forbidden, detail: "this route is for administrators"}
			}
			c.Set(callerKey, caller{id: cl.Subject, admin: true})
			// An administrator reads as anyone: their writes hold back every member's reads.
			c.SetRequest(c.Request().WithContext(graph.ForEveryone(c.Request().Context())))
			return next(c)
		}
	}
}

// mustHave stops a server built without a token verifier from starting: it could admit no one.
func mustHave(tokens *TokenVerifier) {
	if tokens == nil {
		panic("api: Config.Tokens is not set")
	}
}

// bearer returns the claims of the request's bearer token, if tokens accepts it and its sub is a
// member id; otherwise a 401 error saying why not.
func bearer(c echo.Context, tokens *TokenVerifier) (claims, error) {
	header := c.Request().Header.Get(echo.HeaderAuthorization)
	scheme, token, ok := strings.Cut(header, " ")
	if header == "" {
		return claims{}, unauthenticated("this route needs Authorization: Bearer <token>")
	}
	if !ok || !strings.EqualFold(scheme, "Bearer") || strings.TrimSpace(token) == "" {
		return claims{}, unauthenticated("the Authorization header must be Bearer <token>")
	}
	cl, err := tokens.verify(c.Request().Context(), strings.TrimSpace(token))
	if err != nil {
		return claims{}, unauthenticated(err.Error())
	}
	if !graph.ValidMemberID(cl.Subject) {
		return claims{}, unauthenticated("the token's sub must be a member id")
	}
	return cl, nil
}

// expiry is when a token's exp says it ends, with the leeway reach grants.
func expiry(cl claims) time.Time {
	if cl.ExpiresAt == nil {
		return time.Time{}
	}
	return cl.ExpiresAt.Add(Leeway)
}

// tokenFromQuery lets a request carry its bearer token as ?access_token= when it has no
// Authorization header. Only GET /v1/events takes it: a browser's EventSource cannot set headers.
// The query is never logged (the request log names the path alone).
func tokenFromQuery(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		req := c.Request()
		if tok := c.QueryParam("access_token"); tok != "" && req.Header.Get(echo.HeaderAuthorization) == "" {
			req.Header.Set(echo.HeaderAuthorization, "Bearer "+tok)
		}
		return next(c)
	}
}

// callerOf returns who the request acts as; authenticate or authenticateAdmin has set it on
// every /v1 route.
func callerOf(c echo.Context) caller {
	cl, _ := c.Get(callerKey).(caller)
	return cl
}

func unauthenticated(detail string) error {
	return &requestError{kind: unauthorized, detail: detail}
}

package api

import (
	"context"
	"errors"

	"github.com/labstack/echo/v4"

	"github.com/reach-network/reach/graph"
)

// headerToken carries a consistency token: every write answers with one, and a read that sends
// one back is answered from state at least as fresh as that write, through any replica.
const headerToken = "Consistency-Token"

// withConsistency reads what a request asks of freshness, and hands back the token of what it
// wrote:
//   - `consistency=minimize_latency` (the default), `at_least_as_fresh` or `fully_consistent`;
//   - `token=` or the Consistency-Token header: the token of an earlier write. A token alone
//     means at_least_as_fresh; at_least_as_fresh without one is refused.
//
// The token of the request's own writes goes into the Consistency-Token header of its answer. A
// token that names a change the database's log never made (TokenChecker) is answered 400,
// naming where it came from.
func withConsistency(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		return consistent(c, next)
	}
}

// consistent serves one request with the consistency it asks for (see withConsistency).
func consistent(c echo.Context, next echo.HandlerFunc) error {
	want, field, err := consistencyParams(c)
	if err != nil {
		return err
	}
	c.Set(tokenKey, sentToken{token: want.Token, field: field})
	ctx, receipt := graph.WithReceipt(graph.WithConsistency(c.Request().Context(), want))
	c.Set(receiptKey, receipt)
	c.SetRequest(c.Request().WithContext(ctx))
	c.Response().Before(func() {
		if t, ok := receipt.Token(); ok {
			c.Response().Header().Set(headerToken, t.String())
		}
	})
	err = next(c)
	if errors.Is(err, graph.ErrInvalidToken) {
		return invalid(field, "%s is not a consistency token reach gave", field)
	}
	return err
}

// tokenKey keeps, in the echo context, the consistency token a request sent, for checkToken.
const tokenKey = "reach.consistencyToken"

// receiptKey keeps, in the echo context, the receipt of the request's writes, for ownWrites.
const receiptKey = "reach.receipt"

// namesConsistency tells whether the request says how fresh it must be: a consistency mode, or a
// token as a parameter or a header. What a client names wins over the reach_written cookie.
func namesConsistency(c echo.Context) bool {
	return c.QueryParam("consistency") != "" || c.QueryParam("token") != "" || c.Request().Header.Get(headerToken) != ""
}

// sentToken is a consistency token a request sent, and the parameter or header it came in.
type sentToken struct {
	token graph.Token
	field string
}

// TokenChecker is what checkToken asks of the graph.
type TokenChecker interface {
	// CheckToken returns ErrInvalidToken if t names a change the database's log never made.
	CheckToken(ctx context.Context, t graph.Token) error
}

// checkToken refuses, with 400 naming where it came from, a consistency token that names a change
// the database's log never made (asked of log; without one, every token passes). It runs after
// authentication, so a request without a valid bearer token is answered 401 whatever else it sent.
func checkToken(log TokenChecker) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			sent, _ := c.Get(tokenKey).(sentToken)
			if log != nil && sent.token.Epoch != "" && errors.Is(log.CheckToken(c.Request().Context(), sent.token), graph.ErrInvalidToken) {
				return invalid(sent.field, "%s names a change reach never made: not a token reach gave, or the database was replaced since", sent.field)
			}
			return next(c)
		}
	}
}

// consistencyParams reads the consistency and token parameters, and says which of token and
// Consistency-Token held the token.
func consistencyParams(c echo.Context) (graph.Consistency, string, error) {
	var want graph.Consistency
	mode := graph.Mode(c.QueryParam("consistency"))
	if mode != "" && !mode.Valid() {
		return want, "", invalid("consistency", "consistency must be minimize_latency, at_least_as_fresh or fully_consistent")
	}
	raw := c.QueryParam("token")
	field := "token"
	if raw == "" {
		raw, field = c.Request().Header.Get(headerToken), headerToken
	}
	if raw != "" {
		t, err := graph.ParseToken(raw)
		if err != nil {
			return want, field, invalid(field, "%s is not a consistency token reach gave", field)
		}
		want.Token = t
		if mode == "" {
			mode = graph.AtLeastAsFresh
		}
	}
	if mode == graph.AtLeastAsFresh && raw == "" {
		return want, field, invalid("token", "at_least_as_fresh needs the token of the write to be as fresh as")
	}
	want.Mode = mode
	return want, field, nil
}

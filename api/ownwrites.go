package api

import (
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/reach-network/reach/graph"
)

// cookieWritten names the cookie that carries a member's latest write to their next requests,
// through whichever replica they land on.
const cookieWritten = "reach_written"

// ownWrites shows members their own writes on every replica, with no work from the client. An
// answer carrying a write's token (Consistency-Token) also sets the reach_written cookie,
// "<member>.<token>", for as long as a default read on another replica may miss the write
// (life). A later request of that member naming no consistency of its own then reads
// at_least_as_fresh that token: the replica waits for it or asks Neo4j, for this member only,
// and it costs nothing once the replica has applied it. A cookie of another member is ignored;
// one that does not parse, or whose token the database's log never made (log says so: a restore),
// is expired and the request read in the default mode: the client did not choose it, so it is
// never refused. It runs after authentication, which names the member.
func ownWrites(log TokenChecker, life time.Duration) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			me, _ := c.Get(callerKey).(caller)
			var written graph.Token
			drop := false
			if !namesConsistency(c) {
				written, drop = writtenBy(c, me.id, log)
			}
			if written.Epoch != "" {
				want := graph.Consistency{Mode: graph.AtLeastAsFresh, Token: written}
				c.SetRequest(c.Request().WithContext(graph.WithConsistency(c.Request().Context(), want)))
			}
			receipt, _ := c.Get(receiptKey).(*graph.Receipt)
			c.Response().Before(func() { rememberWrite(c, me.id, written, receipt, drop, life) })
			return next(c)
		}
	}
}

// writtenBy reads the reach_written cookie of a request by member: the token of the member's
// latest write, and whether the cookie should be dropped (it does not parse, or names a change the
// database's log never made). A cookie of another member yields no token and stays.
func writtenBy(c echo.Context, member string, log TokenChecker) (graph.Token, bool) {
	ck, err := c.Cookie(cookieWritten)
	if err != nil {
		return graph.Token{}, false
	}
	id, raw, ok := strings.Cut(ck.Value, ".")
	t, err := graph.ParseToken(raw)
	switch {
	case !ok || !graph.ValidMemberID(id) || err != nil || t.Epoch == "":
		return graph.Token{}, true
	case id != member:
		return graph.Token{}, false
	case log != nil && errors.Is(log.CheckToken(c.Request().Context(), t), graph.ErrInvalidToken):
		return graph.Token{}, true
	}
	return t, false
}

// rememberWrite sets the reach_written cookie when the request wrote something replicas keep in
// memory: its token, joined with the one the request came with (written), so that two writes
// answered out of order still both count. Otherwise it expires a cookie found bad (drop).
func rememberWrite(c echo.Context, member string, written graph.Token, receipt *graph.Receipt, drop bool, life time.Duration) {
	var t graph.Token
	if receipt != nil {
		t, _ = receipt.Token()
	}
	switch {
	case t.Epoch != "":
		positions := t.Positions()
		if written.Epoch == t.Epoch {
			positions = graph.MaxPositions(positions, written.Positions())
		}
		// Without the bookmarks, which reads do not use: the cookie stays small.
		value := member + "." + graph.NewToken(t.Epoch, positions).String()
		http.SetCookie(c.Response(), writtenCookie(c, value, int(life.Seconds())))
	case drop:
		http.SetCookie(c.Response(), writtenCookie(c, "", -1))
	}
}

// writtenCookie is the reach_written cookie with value, lasting maxAge seconds (negative: expire
// it now). Only reach reads it (HttpOnly); it rides on requests of the same site (Lax), and only
// over HTTPS when the request came so.
func writtenCookie(c echo.Context, value string, maxAge int) *http.Cookie {
	return &http.Cookie{Name: cookieWritten, Value: value, Path: "/", MaxAge: maxAge, HttpOnly: true,
		SameSite: http.SameSiteLaxMode, Secure: c.Scheme() == "https"}
}

// writtenLife is how long the reach_written cookie lasts after a write: the staleness bound (no
// default read on any replica misses a write older than that), rounded up to whole seconds as
// Max-Age counts, and a second more. Zero takes the replicas' default bound, 1 s.
func writtenLife(bound time.Duration) time.Duration {
	if bound <= 0 {
		bound = time.Second
	}
	return (bound + time.Second - 1).Truncate(time.Second) + time.Second
}

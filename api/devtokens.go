package api

import (
	"fmt"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/reach-network/reach/console"
	"github.com/reach-network/reach/graph"
)

// DevTokens lets the console mint a short-lived token for any member, so that a person trying
// reach on their own machine can act as one demo member, then another, without a token at hand.
// It is for development only: whoever reaches the server may act as anyone. The zero value (Mint
// nil) is off, and then its routes are not served at all.
type DevTokens struct {
	// Mint signs a token for member, valid for ttl, as the server's verifier accepts it.
	Mint func(member string, ttl time.Duration) (string, error)
	// Members are the members the console offers to act as (any member may be asked for).
	Members []DevMember
}

// DevMember is one member the console offers to act as.
type DevMember struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// DevTokenTTL is how long a development token lasts; the console asks for another when it ends.
const DevTokenTTL = 15 * time.Minute

// devTokenRoute is where the console asks for development tokens.
const devTokenRoute = console.Prefix + "/dev-token"

// registerConsole serves the console's assets and, when dev is on, its development tokens, which
// need s's Roster.
func registerConsole(e *echo.Echo, s Services, dev DevTokens) {
	page := echo.WrapHandler(console.Handler())
	e.GET(console.Prefix, page)
	e.GET(console.Prefix+"/*", page)
	if dev.Mint == nil {
		return
	}
	d := devTokenHandlers{roster: s.Roster, dev: dev}
	r := routes{e: e, served: true, mw: requireSchema(s.Health)}
	r.add(s.Roster, http.MethodGet, devTokenRoute, d.members)
	r.add(s.Roster, http.MethodPost, devTokenRoute, d.mint)
}

type devTokenHandlers struct {
	roster Roster
	dev    DevTokens
}

type devMembersView struct {
	TTLSeconds int         `json:"ttlSeconds"`
	Members    []DevMember `json:"members"`
}

// members answers who the console offers to act as.
func (d devTokenHandlers) members(c echo.Context) error {
	members := d.dev.Members
	if members == nil {
		members = []DevMember{}
	}
	return c.JSON(http.StatusOK, devMembersView{TTLSeconds: int(DevTokenTTL / time.Second), Members: members})
}

type devTokenRequest struct {
	Member string `json:"member"`
}

type devTokenView struct {
	Member    string    `json:"member"`
	Token     string    `json:"token"`
	ExpiresAt time.Time `json:"expiresAt"`
}

// mint answers a DevTokenTTL token for a member who exists; 404 for anyone else.
func (d devTokenHandlers) mint(c echo.Context) error {
	var req devTokenRequest
	if err := bindJSON(c, &req); err != nil {
		return err
	}
	if !graph.ValidMemberID(req.Member) {
		return invalid("member", "member must be a member id: 1 to 64 letters, digits, '_' or '-'")
	}
	exists, err := d.roster.MemberExists(c.Request().Context(), req.Member)
	if err != nil {
		return err
	}
	if !exists {
		return &graph.Error{Kind: graph.ErrNotFound, Detail: fmt.Sprintf("member %q not found", req.Member)}
	}
	expires := time.Now().Add(DevTokenTTL)
	tok, err := d.dev.Mint(req.Member, DevTokenTTL)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, devTokenView{Member: req.Member, Token: tok, ExpiresAt: expires.UTC().Truncate(time.Second)})
}

package api

import (
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/labstack/echo/v4"
)

func TestIssuedTokenAuthenticates(t *testing.T) {
	secret := []byte("unit-test-secret-0123456789")
	e := echo.New()
	e.HTTPErrorHandler = errorHandler(nil)
	e.GET("/who", func(c echo.Context) error {
		cl := callerOf(c)
		return c.JSON(http.StatusOK, map[string]any{"id": cl.id, "admin": cl.admin})
	}, authenticate(secret))

	for _, tc := range []struct {
		name   string
		admin  bool
		ttl    time.Duration
		status int
		body   string
	}{
		{"Member", false, time.Hour, http.StatusOK, `{"admin":false,"id":"jane"}` + "\n"},
		{"Admin", true, time.Hour, http.StatusOK, `{"admin":true,"id":"jane"}` + "\n"},
		{"Expired", false, -time.Minute, http.StatusUnauthorized, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tok, err := IssueToken(secret, "jane", tc.admin, tc.ttl)
			if err != nil {
				t.Fatal(err)
			}
			req := httptest.NewRequest(http.MethodGet, "/who", nil)
			req.Header.Set("Authorization", "Bearer "+tok)
			rec := httptest.NewRecorder()
			e.ServeHTTP(rec, req)
			if rec.Code != tc.status || (tc.body != "" && rec.Body.String() != tc.body) {
				t.Fatalf("got %d %s, want %d %s", rec.Code, rec.Body, tc.status, tc.body)
			}
		})
	}
	if _, err := IssueToken(secret, "not an id", false, time.Hour); err == nil {
		t.Error("IssueToken accepted an invalid member id")
	}
}

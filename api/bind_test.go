package api

import (
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/labstack/echo/v4"
)

func TestBindJSONNamesTheField(t *testing.T) {
	type body struct {
		Name    *string `json:"name"`
		Credits *int    `json:"credits"`
		Open    bool    `json:"open"`
	}
	for _, tc := range []struct {
		in, field, detail string
	}{
		{`{"name": 1}`, "name", `field "name" must be a string, not number`},
		{`{"credits": "x"}`, "credits", `field "credits" must be a whole number, not string`},
		{`{"open": "yes"}`, "open", `field "open" must be true or false, not string`},
		{`{"extra": 1}`, "extra", `unknown field "extra"`},
		{`{"Name": "a"}`, "Name", `unknown field "Name"`},
		{`{"open": true, "credits": null}`, "credits", `field "credits" must not be null: leave it out instead`},
		{`{"open": null}`, "open", `field "open" must not be null: leave it out instead`},
		{`[]`, "", "the request body must be a JSON object, not array"},
		{` null `, "", "the request body must be a JSON object, not null"},
		{`{"name": "a"} x`, "", "the request body must hold one JSON object and nothing after it"},
		{``, "", "the request body is empty; a JSON object is expected"},
		{`{"name": "a"`, "", "the request body ends before its JSON is complete"},
	} {
		e := echo.New()
		req := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(tc.in))
		c := e.NewContext(req, httptest.NewRecorder())
		var b body
		err := bindJSON(c, &b)
		var re *requestError
		if !errors.As(err, &re) {
			t.Errorf("%s: err %v, want a request error", tc.in, err)
			continue
		}
		if re.field != tc.field || re.detail != tc.detail {
			t.Errorf("%s: got field %q detail %q, want %q %q", tc.in, re.field, re.detail, tc.field, tc.detail)
		}
	}
}

func TestAttachmentRefusalNamesItsPosition(t *testing.T) {
	ok := `{"name":"a","contentType":"a/b","size":1,"url":"https://h"}`
	for _, tc := range []struct{ in, field string }{
		{`[` + ok + `,{"x":1}]`, "attachments[1].x"},
		{`[{"size":"big"}]`, "attachments[0].size"},
		{`["a"]`, "attachments[0]"},
		{`[{"NAME":"a","contentType":"a/b","size":1,"url":"https://h"}]`, "attachments[0].NAME"},
		{`[{"name":"a","contentType":"a/b","size":null,"url":"https://h"}]`, "attachments[0].size"},
		{`[` + ok + `,null]`, "attachments[1]"},
	} {
		var raw []json.RawMessage
		if err := json.Unmarshal([]byte(tc.in), &raw); err != nil {
			t.Fatal(err)
		}
		_, err := decodeAttachments(raw)
		var re *requestError
		if !errors.As(err, &re) || re.field != tc.field {
			t.Errorf("%s: got %v, want a request error naming %q", tc.in, err, tc.field)
		}
	}
}

package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"mime"
	"net/http"
	"reflect"
	"slices"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/reach-network/reach/graph"
)

// maxBodyBytes is the largest request body reach reads.
const maxBodyBytes = 64 << 10

// limitBody caps every request body at maxBodyBytes: a larger one is refused with 413, before any
// of it is decoded when its length is declared.
func limitBody(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		req := c.Request()
		if req.ContentLength > maxBodyBytes {
			return &http.MaxBytesError{Limit: maxBodyBytes}
		}
		req.Body = http.MaxBytesReader(c.Response(), req.Body, maxBodyBytes)
		return next(c)
	}
}

// bindJSON decodes the request body, which must be exactly one JSON object with only the fields
// of dst, named exactly, and values of their types; null is no value of any of them (leave the
// field out instead). Every refusal names the field at fault.
func bindJSON(c echo.Context, dst any) error {
	if ct := c.Request().Header.Get(echo.HeaderContentType); ct != "" {
		if mt, _, err := mime.ParseMediaType(ct); err != nil || (mt != "application/json" && !strings.HasSuffix(mt, "+json")) {
			return echo.ErrUnsupportedMediaType
		}
	}
	data, err := io.ReadAll(c.Request().Body)
	if err != nil {
		return decodeError(err, "")
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(dst); err != nil {
		return decodeError(err, "")
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return invalid("", "the request body must hold one JSON object and nothing after it")
	}
	if isNull(data) {
		return invalid("", "the request body must be a JSON object, not null")
	}
	return checkFields(data, "", dst)
}

// isNull reports whether the JSON value data is null, the one value other than an object that
// encoding/json decodes into a struct without complaint.
func isNull(data []byte) bool { return string(bytes.TrimSpace(data)) == "null" }

// checkFields refuses what encoding/json lets through in the JSON object data that dst was
// decoded from: a name that is one of dst's fields only when case is ignored ("TO" for "to"),
// and a field sent as null. It names the first such field in alphabetical order, after at as
// decodeError names them.
func checkFields(data []byte, at string, dst any) error {
	var fields map[string]json.RawMessage
	if json.Unmarshal(data, &fields) != nil {
		return nil
	}
	known := jsonNames(reflect.TypeOf(dst))
	for _, name := range slices.Sorted(maps.Keys(fields)) {
		field := subField(at, name)
		switch {
		case !known[name]:
			return invalid(field, "unknown field %q", field)
		case string(fields[name]) == "null":
			return invalid(field, "field %q must not be null: leave it out instead", field)
		}
	}
	return nil
}

// jsonNames is the set of names encoding/json gives the fields of the struct t points to.
func jsonNames(t reflect.Type) map[string]bool {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	names := map[string]bool{}
	for f := range t.Fields() {
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		switch {
		case name == "-" || !f.IsExported():
		case name == "":
			names[f.Name] = true
		default:
			names[name] = true
		}
	}
	return names
}

// decodeError turns what encoding/json reports into a request error that names the field. at is
// where the value decoded sits in the body: "" for the body itself, attachments[2] for an element
// decoded on its own (decodeElement), which prefixes the fields named.
func decodeError(err error, at string) error {
	var (
		syntaxErr *json.SyntaxError
		typeErr   *json.UnmarshalTypeError
		sizeErr   *http.MaxBytesError
	)
	switch {
	case errors.As(err, &sizeErr):
		return err
	case errors.Is(err, io.EOF):
		return invalid(at, "the request body is empty; a JSON object is expected")
	case errors.Is(err, io.ErrUnexpectedEOF):
		return invalid(at, "the request body ends before its JSON is complete")
	case errors.As(err, &syntaxErr):
		return invalid(at, "the request body is not valid JSON: %v (at byte %d)", syntaxErr, syntaxErr.Offset)
	case errors.As(err, &typeErr):
		if typeErr.Field == "" && at == "" {
			return invalid("", "the request body must be a JSON object, not %s", typeErr.Value)
		}
		if typeErr.Field == "" {
			return invalid(at, "%s must be a JSON object, not %s", at, typeErr.Value)
		}
		name := subField(at, typeErr.Field)
		return invalid(name, "field %q must be %s, not %s", name, jsonKind(typeErr.Type), typeErr.Value)
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		// encoding/json quotes the name as Go does (%q): unquote it to name the body's own key.
		quoted := strings.TrimPrefix(err.Error(), "json: unknown field ")
		key, uerr := strconv.Unquote(quoted)
		if uerr != nil {
			key = strings.Trim(quoted, `"`)
		}
		name := subField(at, key)
		return invalid(name, "unknown field %q", name)
	}
	return invalid(at, "the request body could not be read: %v", err)
}

// subField names field of the value at: attachments[0].size.
func subField(at, field string) string {
	if at == "" {
		return field
	}
	return at + "." + field
}

// decodeElement decodes element i of the array field, held undecoded, into dst with bindJSON's
// rules, so that a refusal names the element's field by position (attachments[0].size) where
// encoding/json would name only the field (size).
func decodeElement(field string, i int, raw json.RawMessage, dst any) error {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	at := field + "[" + strconv.Itoa(i) + "]"
	if err := dec.Decode(dst); err != nil {
		return decodeError(err, at)
	}
	if isNull(raw) {
		return invalid(at, "%s must be a JSON object, not null", at)
	}
	return checkFields(raw, at, dst)
}

// jsonKind says in JSON's words what a Go type accepts.
func jsonKind(t reflect.Type) string {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.String:
		return "a string"
	case reflect.Bool:
		return "true or false"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "a whole number"
	case reflect.Float32, reflect.Float64:
		return "a number"
	case reflect.Slice, reflect.Array:
		return "an array"
	default:
		return "an object"
	}
}

// memberParam reads a member id from the path and checks its form.
func memberParam(c echo.Context, name string) (string, error) {
	id := c.Param(name)
	if !graph.ValidMemberID(id) {
		return "", invalid(name, "%s %q is not a member id: use 1 to 64 letters, digits, '_' or '-'", name, id)
	}
	return id, nil
}

// idParam reads the id of an invitation, message, thread, organisation or group from the path.
// Ids have the same form as member ids.
func idParam(c echo.Context, name, what string) (string, error) {
	id := c.Param(name)
	if !graph.ValidMemberID(id) {
		return "", invalid(name, "%q is not %s id: use 1 to 64 letters, digits, '_' or '-'", id, what)
	}
	return id, nil
}

// bindOptionalJSON is bindJSON for routes whose body may be left out altogether.
func bindOptionalJSON(c echo.Context, dst any) error {
	if c.Request().ContentLength == 0 {
		return nil
	}
	return bindJSON(c, dst)
}

// Page sizes for lists: DefaultLimit when a request names no limit, maxLimit at most.
const (
	DefaultLimit = 20
	maxLimit     = 100
)

// pageParams reads the limit and cursor query parameters.
func pageParams(c echo.Context) (graph.PageRequest, error) {
	page := graph.PageRequest{Limit: DefaultLimit, After: c.QueryParam("cursor")}
	if raw := c.QueryParam("limit"); raw != "" {
		n, err := strconv.Atoi(raw)
		if err != nil || n < 1 || n > maxLimit {
			return page, invalid("limit", "limit must be a whole number from 1 to %d, not %q", maxLimit, raw)
		}
		page.Limit = n
	}
	if len(page.After) > 1024 {
		return page, invalid("cursor", "cursor is not one this list gave out")
	}
	return page, nil
}

// checkLength refuses a string field longer than max characters.
func checkLength(field, value string, max int) error {
	if n := len([]rune(value)); n > max {
		return invalid(field, "%s has %d characters; at most %d are allowed", field, n, max)
	}
	return nil
}

// encodeJSON writes v as JSON, the one encoder every response goes through.
func encodeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return fmt.Errorf("encode response: %w", err)
	}
	return nil
}

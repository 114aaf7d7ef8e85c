package api

import (
	"bytes"
	"context"
	_ "embed"
	"encoding/json"
	"fmt"
	"net/http"
	"sync"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/labstack/echo/v4"
)

// specYAML is the API's contract: every route, body, answer, header and problem type. Tests hold
// the server to it (TestSpecCoversEveryRoute here, response validation in integration/).
//
//go:embed openapi.yaml
var specYAML []byte

// Requests are not validated against the document at run time: reach's own binding (bind.go and
// the handlers) stays the one check. Validating with openapi3filter first would answer some bad
// input less well than it is answered now: its errors name a JSON pointer or a schema keyword
// rather than the field (`attachments[2].url`, `members[3]`, `Idempotency-Key`) with a sentence
// for a person; it would decide which of several faults is reported; and an unknown field, a
// blank name or a cursor that is too long would be refused by two checks that must agree. The
// document describes the same limits instead, and the integration tests hold the two together:
// a request the document refuses must not be taken (integration/contract_test.go).

// SpecYAML returns the OpenAPI document as it is written.
func SpecYAML() []byte { return bytes.Clone(specYAML) }

// Spec returns the OpenAPI document, loaded and validated once. It fails only if the embedded
// document is not a valid OpenAPI 3.0 document, which the unit tests rule out.
func Spec() (*openapi3.T, error) { return loadedSpec() }

var loadedSpec = sync.OnceValues(func() (*openapi3.T, error) {
	doc, err := openapi3.NewLoader().LoadFromData(specYAML)
	if err != nil {
		return nil, fmt.Errorf("load api/openapi.yaml: %w", err)
	}
	if err := doc.Validate(context.Background()); err != nil {
		return nil, fmt.Errorf("validate api/openapi.yaml: %w", err)
	}
	return doc, nil
})

// specJSON is the document converted to JSON, once.
var specJSON = sync.OnceValues(func() ([]byte, error) {
	doc, err := Spec()
	if err != nil {
		return nil, err
	}
	return json.Marshal(doc)
})

// serveSpecYAML answers the document as it is written.
func serveSpecYAML(c echo.Context) error {
	return c.Blob(http.StatusOK, "application/yaml", specYAML)
}

// serveSpecJSON answers the document in JSON, for tools that do not read YAML.
func serveSpecJSON(c echo.Context) error {
	data, err := specJSON()
	if err != nil {
		return err
	}
	return c.JSONBlob(http.StatusOK, data)
}

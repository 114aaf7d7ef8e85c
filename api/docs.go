package api

import (
	"bytes"
	"cmp"
	_ "embed"
	"encoding/json"
	"fmt"
	"html/template"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/labstack/echo/v4"
)

// This file renders the contract as one HTML page, on the server, from the loaded document:
// nothing is fetched by the browser, so /docs works offline and behind any firewall.

//go:embed docs.html
var docsTemplate string

// docsPage is the rendered page, made once.
var docsPage = sync.OnceValues(func() ([]byte, error) {
	doc, err := Spec()
	if err != nil {
		return nil, err
	}
	tmpl, err := template.New("docs").Funcs(template.FuncMap{"prose": prose, "lower": strings.ToLower}).Parse(docsTemplate)
	if err != nil {
		return nil, fmt.Errorf("parse docs.html: %w", err)
	}
	var buf bytes.Buffer
	if err := tmpl.Execute(&buf, newDocsView(doc)); err != nil {
		return nil, fmt.Errorf("render docs: %w", err)
	}
	return buf.Bytes(), nil
})

// serveDocs answers the page.
func serveDocs(c echo.Context) error {
	page, err := docsPage()
	if err != nil {
		return err
	}
	return c.HTMLBlob(http.StatusOK, page)
}

// docsView is what the page shows: operations grouped by tag, schemas and problem types.
type docsView struct {
	Title, Version, Description string
	Tags                        []tagView
	Schemas                     []schemaView
	Problems                    []problemView
}

type tagView struct {
	Name, Description string
	Operations        []operationView
}

type operationView struct {
	Anchor, Method, Path, Summary, Description string
	Public                                     bool // no token needed
	Params                                     []paramView
	Body                                       *bodyView
	Responses                                  []responseView
}

// typeView is a schema in a few words, and the name of the schema it refers to, for a link.
type typeView struct {
	Type, SchemaName string
}

type paramView struct {
	typeView
	Name, In, Description string
	Required              bool
}

type bodyView struct {
	typeView
	Required  bool
	MediaType string
	Examples  []string
}

type responseView struct {
	typeView
	Status, Description, MediaType string
	Problem                        string // the problem type a shared error answer is, by slug
	Headers                        []string
	Examples                       []string
}

type schemaView struct {
	Name, Description, Type string
	Properties              []propertyView
}

type propertyView struct {
	typeView
	Name, Description string
	Required          bool
}

// problemView is one problem type: its slug, status, what it means and the reasons it carries.
type problemView struct {
	Slug, Description string
	Status            int
	Reasons           []string
}

func newDocsView(doc *openapi3.T) docsView {
	v := docsView{Title: doc.Info.Title, Version: doc.Info.Version, Description: doc.Info.Description}
	for _, t := range doc.Tags {
		v.Tags = append(v.Tags, tagView{Name: t.Name, Description: t.Description})
	}
	for _, path := range doc.Paths.InMatchingOrder() {
		item := doc.Paths.Value(path)
		for _, method := range sortedMethods(item) {
			op := item.GetOperation(method)
			for i := range v.Tags {
				if slices.Contains(op.Tags, v.Tags[i].Name) {
					v.Tags[i].Operations = append(v.Tags[i].Operations, newOperationView(doc, path, method, op))
				}
			}
		}
	}
	for i := range v.Tags {
		slices.SortStableFunc(v.Tags[i].Operations, func(a, b operationView) int { return strings.Compare(a.Path, b.Path) })
	}
	for _, name := range sortedKeys(doc.Components.Schemas) {
		v.Schemas = append(v.Schemas, newSchemaView(name, doc.Components.Schemas[name].Value))
	}
	v.Problems = problemViews(doc)
	return v
}

// sortedMethods lists the methods of a path in the order a reader expects.
func sortedMethods(item *openapi3.PathItem) []string {
	var out []string
	for _, m := range []string{http.MethodGet, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete} {
		if item.GetOperation(m) != nil {
			out = append(out, m)
		}
	}
	return out
}

func newOperationView(doc *openapi3.T, path, method string, op *openapi3.Operation) operationView {
	v := operationView{
		Anchor: "op-" + op.OperationID, Method: method, Path: path, Summary: op.Summary,
		Description: op.Description, Public: op.Security != nil && len(*op.Security) == 0,
	}
	for _, p := range op.Parameters {
		v.Params = append(v.Params, paramView{Name: p.Value.Name, In: p.Value.In, typeView: newTypeView(p.Value.Schema),
			Description: p.Value.Description, Required: p.Value.Required})
	}
	if rb := op.RequestBody; rb != nil {
		v.Body = newBodyView(rb.Value)
	}
	for _, status := range sortedKeys(op.Responses.Map()) {
		v.Responses = append(v.Responses, newResponseView(status, op.Responses.Value(status)))
	}
	return v
}

func newBodyView(rb *openapi3.RequestBody) *bodyView {
	for mt, content := range rb.Content {
		return &bodyView{Required: rb.Required, MediaType: mt, typeView: newTypeView(content.Schema), Examples: examplesOf(content)}
	}
	return nil
}

func newResponseView(status string, ref *openapi3.ResponseRef) responseView {
	r := ref.Value
	v := responseView{Status: status, Description: deref(r.Description)}
	if ref.Ref != "" {
		// Shared error answers start with their problem type's slug: "not-found: no such member…".
		v.Problem, v.Description = strings.TrimSpace(strings.SplitN(v.Description, ":", 2)[0]), ""
	}
	v.Headers = sortedKeys(r.Headers)
	for mt, content := range r.Content {
		v.MediaType, v.typeView = mt, newTypeView(content.Schema)
		if ref.Ref == "" {
			v.Examples = examplesOf(content)
		}
	}
	return v
}

func newSchemaView(name string, s *openapi3.Schema) schemaView {
	v := schemaView{Name: name, Description: s.Description, Type: typeOf(&openapi3.SchemaRef{Value: s})}
	for _, all := range s.AllOf {
		if all.Ref == "" {
			s = mergedProperties(s, all.Value)
		}
	}
	for _, p := range sortedKeys(s.Properties) {
		ps := s.Properties[p]
		desc := ""
		if ps.Value != nil {
			desc = ps.Value.Description
		}
		v.Properties = append(v.Properties, propertyView{Name: p, typeView: newTypeView(ps), Description: desc,
			Required: slices.Contains(s.Required, p)})
	}
	return v
}

// mergedProperties adds the properties an allOf part narrows to those the page lists.
func mergedProperties(s, part *openapi3.Schema) *openapi3.Schema {
	out := *s
	out.Properties = openapi3.Schemas{}
	for k, p := range s.Properties {
		out.Properties[k] = p
	}
	for k, p := range part.Properties {
		out.Properties[k] = p
	}
	out.Required = append(slices.Clone(s.Required), part.Required...)
	return &out
}

// problemViews lists the problem types, from the *Problem schemas, by status.
func problemViews(doc *openapi3.T) []problemView {
	// A problem type's meaning is the description of the shared response that answers with it.
	meanings := map[string]string{}
	for _, r := range doc.Components.Responses {
		for _, c := range r.Value.Content {
			if c.Schema != nil {
				meanings[strings.TrimPrefix(c.Schema.Ref, "#/components/schemas/")] = deref(r.Value.Description)
			}
		}
	}
	var out []problemView
	for _, name := range sortedKeys(doc.Components.Schemas) {
		if strings.HasSuffix(name, "Problem") && name != "Problem" {
			out = append(out, newProblemView(doc.Components.Schemas[name].Value, meanings[name]))
		}
	}
	slices.SortStableFunc(out, func(a, b problemView) int { return a.Status - b.Status })
	return out
}

// newProblemView reads a problem type from its schema: the slug and status its enums allow, the
// reasons it carries, and its meaning ("not-found: no such member…", the slug left out).
func newProblemView(s *openapi3.Schema, meaning string) problemView {
	p := problemView{Description: cmp.Or(meaning, s.Description)}
	for _, part := range s.AllOf {
		if part.Ref != "" {
			continue
		}
		props := part.Value.Properties
		if t := props["type"]; t != nil && len(t.Value.Enum) > 0 {
			_, p.Slug, _ = strings.Cut(fmt.Sprint(t.Value.Enum[0]), "#")
		}
		if st := props["status"]; st != nil && len(st.Value.Enum) > 0 {
			p.Status, _ = strconv.Atoi(fmt.Sprint(st.Value.Enum[0]))
		}
		if r := props["reason"]; r != nil {
			for _, e := range r.Value.Enum {
				p.Reasons = append(p.Reasons, fmt.Sprint(e))
			}
		}
	}
	p.Description = strings.TrimPrefix(p.Description, p.Slug+": ")
	return p
}

// newTypeView says what a schema is, linking the schema it names (or names the items of).
func newTypeView(ref *openapi3.SchemaRef) typeView {
	v := typeView{Type: typeOf(ref)}
	for ref != nil && ref.Value != nil {
		if ref.Ref != "" {
			v.SchemaName = strings.TrimPrefix(ref.Ref, "#/components/schemas/")
			break
		}
		ref = ref.Value.Items
	}
	return v
}

// typeOf says a schema's type in a few words: a schema's name, "array of X", with its enum and
// bounds.
func typeOf(ref *openapi3.SchemaRef) string {
	if ref == nil || ref.Value == nil {
		return ""
	}
	if ref.Ref != "" {
		return strings.TrimPrefix(ref.Ref, "#/components/schemas/")
	}
	s := ref.Value
	var b strings.Builder
	switch {
	case s.Type.Is("array"):
		b.WriteString("array of " + typeOf(s.Items))
	case len(s.AllOf) > 0:
		b.WriteString(typeOf(s.AllOf[0]))
	case s.Type != nil:
		b.WriteString(strings.Join(s.Type.Slice(), ", "))
	}
	if s.Format != "" {
		b.WriteString(" (" + s.Format + ")")
	}
	if s.Nullable {
		b.WriteString(", nullable")
	}
	writeEnum(&b, s.Enum)
	writeBounds(&b, s)
	return b.String()
}

func writeEnum(b *strings.Builder, enum []any) {
	if len(enum) == 0 {
		return
	}
	vals := make([]string, len(enum))
	for i, e := range enum {
		vals[i] = fmt.Sprint(e)
	}
	b.WriteString(": " + strings.Join(vals, " | "))
}

func writeBounds(b *strings.Builder, s *openapi3.Schema) {
	var bounds []string
	if s.MinLength > 0 {
		bounds = append(bounds, fmt.Sprintf("≥ %d chars", s.MinLength))
	}
	if s.MaxLength != nil {
		bounds = append(bounds, fmt.Sprintf("≤ %d chars", *s.MaxLength))
	}
	if s.Min != nil {
		bounds = append(bounds, fmt.Sprintf("≥ %g", *s.Min))
	}
	if s.Max != nil {
		bounds = append(bounds, fmt.Sprintf("≤ %g", *s.Max))
	}
	if s.MinItems > 0 {
		bounds = append(bounds, fmt.Sprintf("≥ %d items", s.MinItems))
	}
	if s.MaxItems != nil {
		bounds = append(bounds, fmt.Sprintf("≤ %d items", *s.MaxItems))
	}
	if s.Pattern != "" {
		bounds = append(bounds, "pattern "+s.Pattern)
	}
	if len(bounds) > 0 {
		b.WriteString(" [" + strings.Join(bounds, ", ") + "]")
	}
}

// examplesOf returns a media type's examples, indented JSON.
func examplesOf(mt *openapi3.MediaType) []string {
	var out []string
	add := func(v any) {
		if data, err := json.MarshalIndent(v, "", "  "); err == nil {
			out = append(out, string(data))
		}
	}
	if mt.Example != nil {
		add(mt.Example)
	}
	for _, name := range sortedKeys(mt.Examples) {
		if ex := mt.Examples[name].Value; ex != nil {
			add(ex.Value)
		}
	}
	return out
}

var (
	codeSpan   = regexp.MustCompile("`([^`]+)`")
	strongSpan = regexp.MustCompile(`\*\*([^*]+)\*\*`)
)

// prose renders the little Markdown the document's descriptions use: paragraphs, `code` and
// **strong**. Everything else is escaped as text.
func prose(s string) template.HTML {
	var b strings.Builder
	for para := range strings.SplitSeq(strings.TrimSpace(s), "\n\n") {
		if para == "" {
			continue
		}
		text := template.HTMLEscapeString(strings.Join(strings.Fields(para), " "))
		text = codeSpan.ReplaceAllString(text, "<code>$1</code>")
		text = strongSpan.ReplaceAllString(text, "<strong>$1</strong>")
		b.WriteString("<p>" + text + "</p>\n")
	}
	return template.HTML(b.String()) //nolint:gosec // escaped above; only code and strong are added
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

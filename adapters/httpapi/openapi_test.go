package httpapi

import (
	"maps"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/gin-gonic/gin"
	"go.uber.org/zap"

	"github.com/microbase-io/customer-service/application"

	"github.com/microbase-io/customer-service/test/support/openapitest"
)

// The OpenAPI document is made from the method list; these tests hold it
// to what the code does: its paths to the routes registered, its error
// codes to the statuses toAPIError answers. The end-to-end suites hold its
// schemas to every request and answer they exchange.

func openAPIDocument(t *testing.T) *openapi3.T {
	t.Helper()
	c, err := openapitest.New(OpenAPI())
	if err != nil {
		t.Fatal(err)
	}
	return c.Document()
}

func TestOpenAPI_IsAValidOpenAPI31Document(t *testing.T) {
	doc := openAPIDocument(t)
	if doc.OpenAPI != "3.1.0" {
		t.Errorf("openapi = %q, want 3.1.0", doc.OpenAPI)
	}
	bearer := doc.Components.SecuritySchemes["bearer"]
	if bearer == nil || bearer.Value.Type != "http" || bearer.Value.Scheme != "bearer" || bearer.Value.BearerFormat != "JWT" {
		t.Errorf("the bearer security scheme is %+v, want HTTP bearer JWT", bearer)
	}
}

func TestOpenAPI_DocumentsExactlyTheRoutedMethods(t *testing.T) {
	doc := openAPIDocument(t)
	var documented []string
	for path := range doc.Paths.Map() {
		name, ok := strings.CutPrefix(path, BasePath)
		if !ok {
			t.Errorf("path %s is not under %s", path, BasePath)
			continue
		}
		documented = append(documented, name)
	}
	assertSameNames(t, "the OpenAPI document", documented, "routes", append(Methods(), OpenAPIDocument))

	for _, name := range Methods() {
		item := doc.Paths.Value(BasePath + name)
		if item == nil {
			continue
		}
		if ops := slices.Sorted(maps.Keys(item.Operations())); !slices.Equal(ops, []string{http.MethodGet, http.MethodPost}) {
			t.Errorf("%s documents %v, want GET and POST, as the router serves", name, ops)
		}
	}
}

func TestOpenAPI_OnlyPublicMethodsNeedNoToken(t *testing.T) {
	doc := openAPIDocument(t)
	public := map[string]bool{OpenAPIDocument: true}
	for _, m := range methodList {
		public[m.name] = m.public
	}
	for path, item := range doc.Paths.Map() {
		name := strings.TrimPrefix(path, BasePath)
		for verb, op := range item.Operations() {
			security := doc.Security
			if op.Security != nil {
				security = *op.Security
			}
			open := len(security) == 0
			if open != public[name] {
				t.Errorf("%s %s: the document says no token needed: %v; the router: %v", verb, name, open, public[name])
			}
			_, has401 := op.Responses.Map()["401"]
			if !open && !has401 {
				t.Errorf("%s %s needs a token but documents no 401", verb, name)
			}
		}
	}
}

// Every error code an operation documents carries the status errors.go
// answers it with, and every code errors.go answers is documented.
func TestOpenAPI_EveryErrorCodeHasTheStatusTheServiceAnswers(t *testing.T) {
	doc := openAPIDocument(t)
	answered := map[string]string{}
	for _, k := range errorKinds {
		e, _ := toAPIError(k.example)
		answered[e.code] = strconv.Itoa(e.status)
	}
	documented := map[string]bool{}
	for path, item := range doc.Paths.Map() {
		for verb, op := range item.Operations() {
			for status, resp := range op.Responses.Map() {
				for _, mt := range resp.Value.Content {
					for _, code := range errorCodes(mt.Schema) {
						documented[code] = true
						if answered[code] != status {
							t.Errorf("%s %s documents %s under %s; the service answers it with %s", verb, path, code, status, answered[code])
						}
					}
				}
			}
		}
	}
	documented["unknown_method"] = len(errorCodes(doc.Components.Schemas["UnknownMethodError"])) == 1
	documented["method_not_allowed"] = len(errorCodes(doc.Components.Schemas["MethodNotAllowedError"])) == 1
	assertSameNames(t, "the OpenAPI document", slices.Collect(maps.Keys(documented)), "codes answered", slices.Collect(maps.Keys(answered)))
}

// errorCodes lists the values the "error" member of a schema (or of each
// of its alternatives) may take.
func errorCodes(ref *openapi3.SchemaRef) []string {
	if ref == nil || ref.Value == nil {
		return nil
	}
	var codes []string
	for _, alt := range ref.Value.OneOf {
		codes = append(codes, errorCodes(alt)...)
	}
	if e := ref.Value.Properties["error"]; e != nil {
		for _, v := range e.Value.Enum {
			codes = append(codes, v.(string))
		}
	}
	return codes
}

func TestOpenAPI_AnswersNeverHoldAPassword(t *testing.T) {
	doc := openAPIDocument(t)
	for name, schema := range doc.Components.Schemas {
		if strings.HasSuffix(name, "Arguments") || strings.HasSuffix(name, "Form") || name == "Password" {
			continue
		}
		if _, has := schema.Value.Properties["password"]; has {
			t.Errorf("schema %s has a password", name)
		}
	}
	if has := doc.Components.Schemas["Customer"].Value.AdditionalProperties.Has; has == nil || *has {
		t.Error("Customer admits members it does not name, a password among them")
	}
}

// The routes the router registers are exactly the operations the document
// gives: both are made from one method list.
func TestOpenAPI_DocumentsExactlyTheRegisteredRoutes(t *testing.T) {
	engine := NewRouter(Config{}, application.Application{}, nil, zap.NewNop()).(*gin.Engine)
	var routes []string
	for _, r := range engine.Routes() {
		routes = append(routes, r.Method+" "+r.Path)
	}
	var documented []string
	for path, item := range openAPIDocument(t).Paths.Map() {
		for verb := range item.Operations() {
			documented = append(documented, verb+" "+path)
		}
	}
	assertSameNames(t, "the OpenAPI document", documented, "routes", routes)
}

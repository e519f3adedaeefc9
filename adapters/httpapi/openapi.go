package httpapi

import (
	"net/http"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/gin-gonic/gin"
	"github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"
)

// OpenAPIDocument is the name, under BasePath, of the OpenAPI 3.1
// document of this API. It is public, like micro.ping.
const OpenAPIDocument = "openapi.json"

// OpenAPI returns the OpenAPI document, as JSON, as it is served. It is
// made from what the code declares (the method list, each method's request
// and answer types, toAPIError for the failures), the types the decoder
// enforces, so it cannot promise an argument the code does not read.
func OpenAPI() []byte { return openAPIJSON() }

var openAPIJSON = sync.OnceValue(func() []byte {
	b, err := json.Marshal(newOpenAPI(methodList), answerOptions)
	if err != nil {
		panic("httpapi: the OpenAPI document: " + err.Error())
	}
	return b
})

func (rt *router) serveOpenAPI(c *gin.Context) {
	rt.render(c, jsontext.Value(openAPIJSON()), nil)
}

const apiDescription = "Every method is `GET` or `POST /services/customer/v1/<method>`. Its arguments come as a JSON " +
	"body, a form body, query parameters, or a mix: when an argument comes twice, the query wins over the body. In a " +
	"query or a form, a list is repeated (`tags=VIP&tags=GOLD`) or comma-separated (`tags=VIP,GOLD`), and an object " +
	"argument (`addresses`, `address`) is JSON text. Unknown arguments are ignored. A body sent without a content " +
	"type is read as JSON when it is an object.\n\n" +
	"Every answer is a JSON object with a boolean `ok`: `{\"ok\": true, ...}` on success, `{\"ok\": false, \"error\": " +
	"\"<code>\", \"data\": ...}` on failure. Every method but `micro.ping` (and this document) needs `authorization: " +
	"Bearer <JWT>`, an HS256 token signed with the deployment's shared secret carrying the configured scope.\n\n" +
	"`x-request-id`: a caller's id is chained (`<yours>:<ours>`), otherwise one is made; it is returned on every " +
	"answer. A path that names no method is answered `404 unknown_method` (schema `UnknownMethodError`); a method's " +
	"path called with another HTTP method than GET or POST, `405 method_not_allowed` with `Allow: GET, POST` " +
	"(schema `MethodNotAllowedError`)."

func newOpenAPI(ms []method) *openapi3.T {
	doc := &openapi3.T{
		OpenAPI:  "3.1.0",
		Info:     &openapi3.Info{Title: "MicroBase customer service", Version: "1", Description: apiDescription},
		Paths:    openapi3.NewPaths(),
		Security: openapi3.SecurityRequirements{{"bearer": {}}},
		Components: &openapi3.Components{
			SecuritySchemes: openapi3.SecuritySchemes{"bearer": {Value: &openapi3.SecurityScheme{
				Type: "http", Scheme: "bearer", BearerFormat: "JWT",
				Description: "An HS256 JWT signed with the deployment's shared secret, whose scope claim holds the " +
					"configured scope and whose `exp` is no further than the maximum lifetime (24 h by default) from " +
					"its `iat`, or from now when it has none. A token without `exp` or living longer, one whose " +
					"`iat` is ahead of the clock beyond the 30 s leeway, or one whose header has a `crit` member, " +
					"is answered `401 invalid_token`, as a missing, malformed, badly signed, expired or not yet " +
					"valid one. Only the header is read, never the query.",
			}}},
			Headers: openapi3.Headers{"RequestId": {Value: &openapi3.Header{Parameter: openapi3.Parameter{
				Description: "The request's id, chained after the caller's if one was sent.",
				Required:    true, Schema: openapi3.NewStringSchema().NewRef(),
			}}}},
			Parameters: openapi3.ParametersMap{"IdempotencyKey": {Value: idempotencyKeyParameter()}},
			Schemas:    openapi3.Schemas{},
		},
	}
	s := newSchemas(doc.Components.Schemas)
	kinds := map[string][]apiError{}
	for _, k := range errorKinds {
		e, _ := toAPIError(k.example)
		kinds[e.code] = append(kinds[e.code], e)
	}
	for code, es := range kinds {
		doc.Components.Schemas[errorSchemaName(code)] = s.errorSchema(es).NewRef()
	}
	for _, m := range ms {
		doc.Paths.Set(BasePath+m.name, s.pathItem(m))
	}
	doc.Paths.Set(BasePath+OpenAPIDocument, &openapi3.PathItem{Get: &openapi3.Operation{
		OperationID: "openapi", Summary: "This document.", Security: &openapi3.SecurityRequirements{},
		Responses: openapi3.NewResponses(openapi3.WithStatus(http.StatusOK, answered("The OpenAPI document of the service.",
			(&openapi3.Schema{Type: &openapi3.Types{openapi3.TypeObject}, Required: []string{"openapi", "info", "paths"}}).NewRef()))),
	}})
	return doc
}

// pathItem is a method's path: one operation for POST and the same for GET,
// each argument also a query parameter.
func (s *schemas) pathItem(m method) *openapi3.PathItem {
	ep := m.documented()
	inJSON := s.request(ep.requestType)
	inForm := &openapi3.Schema{Type: &openapi3.Types{openapi3.TypeObject}, Required: inJSON.Value.Required,
		Properties: openapi3.Schemas{}}
	var params openapi3.Parameters
	for _, f := range argumentFields(ep.requestType) {
		inForm.Properties[f.name] = formSchema(f.Type, inJSON.Value.Properties[f.name])
		params = append(params, &openapi3.ParameterRef{Value: queryParameter(f, inJSON.Value.Properties[f.name])})
	}
	if m.write {
		params = append(params, &openapi3.ParameterRef{Ref: "#/components/parameters/IdempotencyKey"})
	}
	name := camelCase(m.name, ".")
	s.components[name+"Arguments"], s.components[name+"Form"] = inJSON, inForm.NewRef()
	post := &openapi3.Operation{
		OperationID: m.name, Summary: m.summary, Description: m.description,
		RequestBody: &openapi3.RequestBodyRef{Value: &openapi3.RequestBody{Content: openapi3.Content{
			"application/json":                  &openapi3.MediaType{Schema: componentRef(name + "Arguments")},
			"application/x-www-form-urlencoded": &openapi3.MediaType{Schema: componentRef(name + "Form")},
		}}},
		Responses: s.responses(m, ep.answerType),
	}
	if m.public {
		post.Security = &openapi3.SecurityRequirements{}
	}
	get := *post
	get.OperationID = m.name + ".get"
	return &openapi3.PathItem{Parameters: params, Post: post, Get: &get}
}

// idempotencyKeyParameter is the Idempotency-Key every write takes.
func idempotencyKeyParameter() *openapi3.Parameter {
	p := openapi3.NewHeaderParameter(IdempotencyKeyHeader)
	p.Description = "Makes a write safe to send again: a copy with the same key and the same arguments, by the " +
		"same token issuer and subject within 24 h, writes nothing and gets the first write's answer again. The " +
		"same key with other arguments is `422 idempotency_key_reused`; a key whose first request is still " +
		"running is `409 idempotency_key_in_use`; a key with a token that has no `sub` is `400 validation_error`. " +
		"What one subject's keys keep is bounded: beyond it a keyed write is `503 service_busy` with `Retry-After`, " +
		"and writes nothing. Only a write that happened is remembered: a call refused or unavailable wrote " +
		"nothing, and its copy runs again; one unavailable with `written: unknown` may have written, and its " +
		"copy gets that write's answer if it did."
	schema := openapi3.NewStringSchema().WithMinLength(1).WithMaxLength(maxIdempotencyKey).WithPattern(`^[!-~]+$`)
	p.Schema = schema.NewRef()
	return p
}

// queryParameter is an argument given in the query: lists are repeated
// or comma-separated, objects are JSON text.
func queryParameter(f argumentField, inJSON *openapi3.SchemaRef) *openapi3.Parameter {
	p := openapi3.NewQueryParameter(f.name)
	switch argumentKind(f.Type) {
	case listArgument:
		p.Schema, p.Style, p.Explode, p.AllowEmptyValue = formSchema(f.Type, inJSON), openapi3.SerializationForm, new(true), true
	case objectArgument:
		p.Content = openapi3.NewContentWithJSONSchemaRef(inJSON)
	default:
		p.Schema = inJSON
	}
	if f.Tag.Get("format") == "password" {
		p.Deprecated, p.Description = true, "Accepted, but URLs end up in logs; send the password in the body."
	}
	return p
}

// responses are the answer of a method and every failure it may answer,
// grouped by status.
func (s *schemas) responses(m method, answer reflect.Type) *openapi3.Responses {
	r := openapi3.NewResponses(openapi3.WithStatus(http.StatusOK, answered("The answer.", s.answer(answer))))
	codes := map[int][]string{}
	for _, err := range append(commonErrors(m), m.errors...) {
		if e, _ := toAPIError(err); !slices.Contains(codes[e.status], e.code) {
			codes[e.status] = append(codes[e.status], e.code)
		}
	}
	for status, cs := range codes {
		var refs openapi3.SchemaRefs
		for _, code := range cs {
			refs = append(refs, componentRef(errorSchemaName(code)))
		}
		schema := refs[0]
		if len(refs) > 1 {
			schema = (&openapi3.Schema{OneOf: refs}).NewRef()
		}
		r.Set(strconv.Itoa(status), answered(http.StatusText(status)+": "+strings.Join(cs, ", ")+".", schema))
	}
	return r
}

func answered(description string, schema *openapi3.SchemaRef) *openapi3.ResponseRef {
	return &openapi3.ResponseRef{Value: &openapi3.Response{
		Description: &description,
		Headers:     openapi3.Headers{RequestIDHeader: {Ref: "#/components/headers/RequestId"}},
		Content:     openapi3.NewContentWithJSONSchemaRef(schema),
	}}
}

// errorSchema is the envelope of the failures of one code: ok false, the
// code, and their data, required unless one of them has none.
func (s *schemas) errorSchema(es []apiError) *openapi3.Schema {
	schema := openapi3.NewObjectSchema().
		WithProperty("ok", &openapi3.Schema{Type: &openapi3.Types{openapi3.TypeBoolean}, Enum: []any{false}}).
		WithProperty("error", &openapi3.Schema{Type: &openapi3.Types{openapi3.TypeString}, Enum: []any{es[0].code}})
	schema.Required = []string{"ok", "error"}
	required := true
	var data openapi3.SchemaRefs
	var seen []reflect.Type
	for _, e := range es {
		if e.data == nil {
			required = false
			continue
		}
		if t := reflect.TypeOf(e.data); !slices.Contains(seen, t) {
			seen = append(seen, t)
			data = append(data, s.answer(t))
		}
	}
	switch {
	case len(data) == 1:
		schema.Properties["data"] = data[0]
	case len(data) > 1:
		schema.Properties["data"] = (&openapi3.Schema{OneOf: data}).NewRef()
	}
	if len(data) > 0 && required {
		schema.Required = append(schema.Required, "data")
	}
	schema.AdditionalProperties = openapi3.AdditionalProperties{Has: new(bool)}
	return schema
}

// errorSchemaName names the schema of a failure by its code:
// unknown_method is UnknownMethodError, validation_error ValidationError.
func errorSchemaName(code string) string {
	return camelCase(strings.TrimSuffix(code, "_error"), "_") + "Error"
}

// camelCase joins the words of s, split at sep, each capitalised.
func camelCase(s, sep string) string {
	var b strings.Builder
	for word := range strings.SplitSeq(s, sep) {
		b.WriteString(strings.ToUpper(word[:1]) + word[1:])
	}
	return b.String()
}

func componentRef(name string) *openapi3.SchemaRef {
	return openapi3.NewSchemaRef("#/components/schemas/"+name, nil)
}

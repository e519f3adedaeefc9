// Package openapitest checks HTTP exchanges with the service against its
// OpenAPI document, so that the document cannot drift from what the
// service does: the suites that drive the service pass every request they
// send and every answer they get through a Checker.
package openapitest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"mime"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
)

// Checker holds a loaded, valid document.
type Checker struct {
	doc              *openapi3.T
	unknownMethod    *openapi3.Schema
	methodNotAllowed *openapi3.Schema
}

// New loads an OpenAPI document and checks that it is valid.
func New(document []byte) (*Checker, error) {
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromData(document)
	if err != nil {
		return nil, fmt.Errorf("openapi: load: %w", err)
	}
	if err := doc.Validate(loader.Context); err != nil {
		return nil, fmt.Errorf("openapi: invalid document: %w", err)
	}
	c := &Checker{doc: doc}
	if ref := doc.Components.Schemas["UnknownMethodError"]; ref != nil {
		c.unknownMethod = ref.Value
	}
	if c.unknownMethod == nil {
		return nil, errors.New("openapi: the document has no UnknownMethodError schema for paths that name no method")
	}
	if ref := doc.Components.Schemas["MethodNotAllowedError"]; ref != nil {
		c.methodNotAllowed = ref.Value
	}
	if c.methodNotAllowed == nil {
		return nil, errors.New("openapi: the document has no MethodNotAllowedError schema for HTTP methods it does not give a path")
	}
	return c, nil
}

// Document is the loaded document.
func (c *Checker) Document() *openapi3.T { return c.doc }

// Check returns how one exchange disagrees with the document, or nil: req
// was sent with reqBody as its body and answered status, header and body.
//
// An answer must be one the document gives for that operation and status,
// headers included. A request the document refuses must have been refused
// by the service too; the converse does not hold, since the service
// enforces rules (an email's shape, a name's length) that the schemas
// leave to prose. A path or HTTP method the document does not have must
// have been answered unknown_method; a method's path (one the document
// gives GET and POST) called with another HTTP method, method_not_allowed.
func (c *Checker) Check(req *http.Request, reqBody []byte, status int, header http.Header, body []byte) error {
	ctx := context.Background()
	if item := c.doc.Paths.Value(req.URL.Path); item != nil && item.Get != nil && item.Post != nil && item.GetOperation(req.Method) == nil {
		return c.checkMethodNotAllowed(req, item, status, header, body)
	}
	route := c.route(req)
	if route == nil {
		return c.checkUnknownMethod(req, status, body)
	}
	sent := req.Clone(ctx)
	sent.Body = io.NopCloser(bytes.NewReader(reqBody))
	sent.GetBody = nil
	if sent.Header.Get("Content-Type") == "" && bytes.HasPrefix(bytes.TrimSpace(reqBody), []byte("{")) {
		// The service reads a body without a content type as JSON when it
		// is an object; the document says so in words.
		sent.Header.Set("Content-Type", "application/json")
	}
	in := &openapi3filter.RequestValidationInput{
		Request: sent,
		Route:   route,
		Options: &openapi3filter.Options{MultiError: true, AuthenticationFunc: bearerPresent},
	}
	var errs []error
	err := withoutMicroBaseMerging(openapi3filter.ValidateRequest(ctx, in), req.URL.Query(), formOf(sent.Header, reqBody))
	if err != nil && status == http.StatusOK {
		errs = append(errs, fmt.Errorf("the service accepted a request the document refuses: %w", err))
	}
	out := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: in,
		Status:                 status,
		Header:                 header,
		Body:                   io.NopCloser(bytes.NewReader(body)),
		Options:                &openapi3filter.Options{MultiError: true, IncludeResponseStatus: true},
	}
	if err := openapi3filter.ValidateResponse(ctx, out); err != nil {
		errs = append(errs, fmt.Errorf("the answer %d %s is not one the document gives: %w", status, body, err))
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("%s %s: %w", req.Method, req.URL.RequestURI(), err)
	}
	return nil
}

// withoutMicroBaseMerging drops from err what the document cannot say
// about a body, and returns nil when nothing else is wrong:
//   - a required argument missing from the body that came in the query:
//     MicroBase merges the two, so either may carry it;
//   - a list in a form given as one empty value (tags=), MicroBase's empty
//     list, which kin-openapi's form decoder turns into null.
//
// Each is recognised as either of kin-openapi's validators reports it.
func withoutMicroBaseMerging(err error, query, form url.Values) error {
	if err == nil {
		return nil
	}
	var kept []error
	for _, e := range flatten(err) {
		var body *openapi3filter.RequestError
		var schema *openapi3.SchemaError
		if errors.As(e, &body) && body.RequestBody != nil && errors.As(e, &schema) {
			if p := schema.JSONPointer(); len(p) == 1 {
				switch {
				case schema.SchemaField == "required" && query.Has(p[0]):
					continue
				case (schema.SchemaField == "nullable" || schema.SchemaField == "type" && schema.Value == nil) &&
					len(form[p[0]]) == 1 && form[p[0]][0] == "":
					continue
				}
			}
			if schema.SchemaField == "required" && len(schema.JSONPointer()) == 0 && missingAllInQuery(schema, query) {
				continue
			}
		}
		kept = append(kept, e)
	}
	return errors.Join(kept...)
}

// missingAllInQuery tells whether every required member of the body that
// a JSON Schema 2020-12 validator found missing (it names the object, not
// the members) came in the query.
func missingAllInQuery(e *openapi3.SchemaError, query url.Values) bool {
	object, ok := e.Value.(map[string]any)
	if !ok || e.Schema == nil {
		return false
	}
	for _, name := range e.Schema.Required {
		if _, present := object[name]; !present && !query.Has(name) {
			return false
		}
	}
	return true
}

// formOf decodes a form body, or returns nil for any other.
func formOf(header http.Header, body []byte) url.Values {
	if mt, _, _ := mime.ParseMediaType(header.Get("Content-Type")); mt != "application/x-www-form-urlencoded" {
		return nil
	}
	form, _ := url.ParseQuery(string(body))
	return form
}

// flatten lists the single errors of err, each still wrapped in the
// request error that says where it was found.
func flatten(err error) []error {
	switch e := err.(type) {
	case openapi3.MultiError:
		var out []error
		for _, inner := range e {
			out = append(out, flatten(inner)...)
		}
		return out
	case *openapi3filter.RequestError:
		var multi openapi3.MultiError
		if !errors.As(e.Err, &multi) {
			break
		}
		var out []error
		for _, inner := range flatten(multi) {
			out = append(out, &openapi3filter.RequestError{Input: e.Input, Parameter: e.Parameter,
				RequestBody: e.RequestBody, Reason: e.Reason, Err: inner})
		}
		return out
	}
	return []error{err}
}

// route finds the operation of req by its path alone: the servers of the
// document do not matter to a test that knows which service it calls.
func (c *Checker) route(req *http.Request) *routers.Route {
	item := c.doc.Paths.Value(req.URL.Path)
	if item == nil {
		return nil
	}
	op := item.GetOperation(req.Method)
	if op == nil {
		return nil
	}
	return &routers.Route{Spec: c.doc, Path: req.URL.Path, PathItem: item, Method: req.Method, Operation: op}
}

func (c *Checker) checkUnknownMethod(req *http.Request, status int, body []byte) error {
	fail := func(why string) error {
		return fmt.Errorf("%s %s names no operation of the document, so it must be answered 404 unknown_method; %s: %d %s",
			req.Method, req.URL.RequestURI(), why, status, body)
	}
	if status != http.StatusNotFound {
		return fail("it was answered")
	}
	if why := mismatch(c.unknownMethod, body); why != "" {
		return fail(why)
	}
	return nil
}

func (c *Checker) checkMethodNotAllowed(req *http.Request, item *openapi3.PathItem, status int, header http.Header, body []byte) error {
	allowed := slices.Sorted(maps.Keys(item.Operations()))
	fail := func(why string) error {
		return fmt.Errorf("%s %s: the document gives that path %v only, so it must be answered 405 method_not_allowed "+
			"with Allow naming them; %s: %d %s", req.Method, req.URL.RequestURI(), allowed, why, status, body)
	}
	if status != http.StatusMethodNotAllowed {
		return fail("it was answered")
	}
	allow := strings.Split(header.Get("Allow"), ",")
	for i := range allow {
		allow[i] = strings.TrimSpace(allow[i])
	}
	if slices.Sort(allow); !slices.Equal(allow, allowed) {
		return fail("Allow is " + header.Get("Allow"))
	}
	if why := mismatch(c.methodNotAllowed, body); why != "" {
		return fail(why)
	}
	return nil
}

// mismatch says why body is not an answer of schema, or "" when it is.
func mismatch(schema *openapi3.Schema, body []byte) string {
	var v any
	if err := json.Unmarshal(body, &v); err != nil {
		return "the answer is not JSON"
	}
	if err := schema.VisitJSON(v); err != nil {
		return err.Error()
	}
	return ""
}

// bearerPresent meets the bearer scheme when a bearer token is sent. Whether
// the token is good is the service's business; the document only says one
// is needed.
func bearerPresent(_ context.Context, in *openapi3filter.AuthenticationInput) error {
	scheme := in.SecurityScheme
	if scheme == nil || scheme.Type != "http" || !strings.EqualFold(scheme.Scheme, "bearer") {
		return fmt.Errorf("openapitest: security scheme %q is not checked here", in.SecuritySchemeName)
	}
	auth := in.RequestValidationInput.Request.Header.Get("Authorization")
	if len(auth) <= len("Bearer ") || !strings.EqualFold(auth[:len("Bearer ")], "Bearer ") {
		return errors.New("no bearer token")
	}
	return nil
}

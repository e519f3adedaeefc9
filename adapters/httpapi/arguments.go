package httpapi

import (
	"bytes"
	"cmp"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/go-json-experiment/json/jsontext"
	"github.com/go-playground/form/v4"
	"github.com/go-playground/validator/v10"

	"github.com/microbase-io/customer-service/domain"
)

// maxParams is url.ParseQuery's own cap; counting first lets the caller
// hear why a query or form was refused.
const maxParams = 10000

// arguments are the arguments of one call as they came: the query, and a
// JSON or form body.
type arguments struct {
	query url.Values
	form  url.Values                // nil unless the body is a form
	json  map[string]jsontext.Value // nil unless the body is JSON: its members, undecoded
}

// readArguments reads the query and at most maxBody bytes of body. Input
// that holds no arguments at all (malformed JSON, invalid UTF-8, an
// unsupported content type) is a *domain.ValidationError; a body too large
// or too slow is errPayloadTooLarge or errRequestTimeout.
func readArguments(w http.ResponseWriter, r *http.Request, maxBody int64) (arguments, error) {
	var a arguments
	body, err := readBody(w, r, maxBody)
	if err != nil {
		return a, err
	}
	if a.query, err = parseValues(r.URL.RawQuery, "query"); err != nil {
		return a, err
	}
	kind, err := bodyKindOf(r.Header.Get("Content-Type"), body)
	switch {
	case err != nil:
		return a, err
	case kind == formBody:
		a.form, err = parseValues(string(body), "body")
	case kind == jsonBody:
		a.json, err = jsonMembers(body)
	}
	return a, err
}

// decode fills req, a pointer to a request struct whose fields are
// fields, with the arguments they name, and returns the problems of those
// it could not read, in the order req declares them; their fields are
// left zero. A field tagged binding:"required" is checked as Gin checks
// it, by go-playground/validator: absent or unread, it is required.
func (a arguments) decode(req any, fields []argumentField) []domain.Problem {
	texts := url.Values{}
	for _, f := range fields {
		if vs, ok := a.text(f.name); ok {
			texts[f.name] = vs
		}
	}
	var textErrs form.DecodeErrors
	if len(texts) > 0 {
		if err := formDecoder().Decode(req, texts); err != nil && !errors.As(err, &textErrs) {
			panic("httpapi: decode needs a pointer to a request struct: " + err.Error())
		}
	}
	v := reflect.ValueOf(req).Elem()
	problems := make([]*domain.Problem, len(fields))
	for i, f := range fields {
		var err error
		if _, isText := texts[f.name]; isText {
			err = textErrs[f.name]
		} else if raw, ok := a.json[f.name]; ok {
			if err = decodeJSON(raw, v.Field(i).Addr().Interface()); err != nil {
				v.Field(i).SetZero() // what was decoded before the error
			}
		}
		if err != nil {
			p := problemOf(f.name, err)
			problems[i] = &p
		}
	}
	if err := requiredArguments().Struct(req); err != nil {
		for _, m := range err.(validator.ValidationErrors) {
			p := domain.Problem{Field: strings.TrimPrefix(m.Namespace(), v.Type().Name()+"."), Message: "is required"}
			if i := slices.IndexFunc(fields, func(f argumentField) bool { return f.name == p.Argument() }); problems[i] == nil {
				problems[i] = &p
			}
		}
	}
	var unread []domain.Problem
	for _, p := range problems {
		if p != nil {
			unread = append(unread, *p)
		}
	}
	return unread
}

// requiredArguments reads the binding tags of requests as Gin's binding
// does; its names are the json names, as problems name arguments.
var requiredArguments = sync.OnceValue(func() *validator.Validate {
	v := validator.New()
	v.SetTagName("binding")
	v.RegisterTagNameFunc(jsonName)
	return v
})

// text returns the values the query, or else a form body, gives the
// argument name: the query wins, as MicroBase merges body, then path, then
// query.
func (a arguments) text(name string) ([]string, bool) {
	if vs, ok := a.query[name]; ok {
		return vs, true
	}
	vs, ok := a.form[name]
	return vs, ok
}

// argumentField is a field of a request struct and the argument it reads.
type argumentField struct {
	reflect.StructField
	name string
}

func argumentFields(t reflect.Type) []argumentField {
	fields := make([]argumentField, t.NumField())
	for i := range fields {
		fields[i] = argumentField{StructField: t.Field(i), name: jsonName(t.Field(i))}
	}
	return fields
}

// jsonName is the name a field has in JSON, and so as an argument.
func jsonName(f reflect.StructField) string {
	name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
	return name
}

// required tells whether an argument must be given.
func required(f reflect.StructField) bool { return f.Tag.Get("binding") == "required" }

type bodyKind int

const (
	noBody bodyKind = iota
	jsonBody
	formBody
)

// bodyKindOf chooses how to read a body by its media type; a body sent
// without one is read as JSON when it is an object.
func bodyKindOf(contentType string, body []byte) (bodyKind, error) {
	content := bytes.TrimLeft(body, jsonSpace)
	if len(content) == 0 {
		return noBody, nil
	}
	mediaType, _, _ := strings.Cut(contentType, ";")
	mediaType = strings.TrimSpace(mediaType)
	switch lower := strings.ToLower(mediaType); {
	case lower == "" && content[0] == '{', lower == "application/json", len(lower) > len("+json") && strings.HasSuffix(lower, "+json"):
		return jsonBody, nil
	case lower == "application/x-www-form-urlencoded":
		return formBody, nil
	case lower == "":
		return noBody, invalid("body", "needs a content type: application/json or application/x-www-form-urlencoded")
	}
	if len(mediaType) > 64 {
		mediaType = mediaType[:64]
	}
	return noBody, invalid("body", fmt.Sprintf("content type %q is not supported: use application/json or application/x-www-form-urlencoded", mediaType))
}

// jsonMembers returns the members of a JSON body, each still undecoded.
// The body must be an object, nested at most maxJSONDepth deep, with no
// name given twice in any of its objects.
func jsonMembers(body []byte) (map[string]jsontext.Value, error) {
	if !utf8.Valid(body) {
		return nil, invalid("body", "must be valid UTF-8")
	}
	if bytes.TrimLeft(body, jsonSpace)[0] != '{' {
		return nil, invalid("body", "must be a JSON object")
	}
	var members map[string]jsontext.Value
	if err := readJSON(body, &members); err != nil {
		p := problemOf("", err)
		return nil, invalid(cmp.Or(strings.TrimPrefix(p.Field, "."), "body"), p.Message)
	}
	return members, nil
}

// parseValues decodes a query or form; where ("query" or "body") names it
// in the messages.
func parseValues(s, where string) (url.Values, error) {
	if s == "" {
		return nil, nil
	}
	if strings.Count(s, "&") >= maxParams {
		return nil, invalid(where, "has more than "+strconv.Itoa(maxParams)+" parameters")
	}
	values, err := url.ParseQuery(s)
	if err != nil {
		return nil, invalid(where, "is not valid URL encoding")
	}
	notUTF8 := func(s string) bool { return !utf8.ValidString(s) }
	for k, vs := range values {
		if notUTF8(k) || slices.ContainsFunc(vs, notUTF8) {
			return nil, invalid(where, "must be valid UTF-8")
		}
	}
	return values, nil
}

// invalid is input that cannot be read as arguments at all.
func invalid(field, message string) error {
	return &domain.ValidationError{Problems: []domain.Problem{{Field: field, Message: message}}}
}

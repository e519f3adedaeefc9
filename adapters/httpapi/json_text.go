package httpapi

import (
	"bytes"
	"errors"
	"reflect"
	"strconv"
	"strings"

	"github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"

	"github.com/microbase-io/customer-service/domain"
)

// jsonSpace is the white space JSON allows around values.
const jsonSpace = " \t\r\n"

// maxJSONDepth bounds nesting, so a hostile body is refused after a few
// bytes instead of driving a decoder deep into recursion.
const maxJSONDepth = 32

// jsonOptions decode a lone surrogate escape (\ud800) as U+FFFD, as
// encoding/json does; raw bytes that are not UTF-8 are refused before any
// decoding.
var jsonOptions = jsontext.AllowInvalidUTF8(true)

// argumentError is why an argument could not be read; path locates the
// culprit inside it (".id", "[0].name"), empty for the argument itself.
type argumentError struct{ path, message string }

func (e *argumentError) Error() string {
	if e.path == "" {
		return e.message
	}
	return e.path + ": " + e.message
}

// checkJSON reads a JSON text token by token and returns the first limit
// it breaks, or nil: malformed syntax or text after the value, nesting
// deeper than maxJSONDepth, or a name given twice in one object (which
// value counts would depend on the decoder). jsontext checks the syntax
// and the names; the depth is counted here, as jsontext's own bound is
// 10,000.
func checkJSON(text []byte) *argumentError {
	dec := jsontext.NewDecoder(bytes.NewReader(text), jsonOptions)
	for {
		if _, err := dec.ReadToken(); err != nil {
			return syntaxProblem(dec, err)
		}
		if dec.StackDepth() > maxJSONDepth {
			return &argumentError{message: "is nested deeper than " + strconv.Itoa(maxJSONDepth) + " levels"}
		}
		if dec.StackDepth() == 0 {
			break
		}
	}
	if rest := bytes.TrimLeft(text[dec.InputOffset():], jsonSpace); len(rest) > 0 {
		return malformedAt(int64(len(text) - len(rest)))
	}
	return nil
}

func syntaxProblem(dec *jsontext.Decoder, err error) *argumentError {
	var syntax *jsontext.SyntacticError
	if !errors.As(err, &syntax) {
		return malformedAt(dec.InputOffset())
	}
	if errors.Is(err, jsontext.ErrDuplicateName) {
		inArray := func(depth int, _ string) bool {
			kind, _ := dec.StackIndex(depth + 1)
			return kind == '['
		}
		return &argumentError{path: pathOf(syntax.JSONPointer, inArray), message: "given more than once"}
	}
	return malformedAt(syntax.ByteOffset)
}

func malformedAt(offset int64) *argumentError {
	return &argumentError{message: "is malformed JSON (at byte " + strconv.FormatInt(offset, 10) + ")"}
}

// pathOf renders a JSON pointer the way problems name fields: the pointer
// /addresses/1/name is ".addresses[1].name". inArray tells, for the token
// at each depth, whether it indexes an array or names a member.
func pathOf(p jsontext.Pointer, inArray func(depth int, token string) bool) string {
	var b strings.Builder
	depth := 0
	for token := range p.Tokens() {
		if inArray(depth, token) {
			b.WriteString("[" + token + "]")
		} else {
			b.WriteString("." + token)
		}
		depth++
	}
	return b.String()
}

// decodeJSON reads one JSON value into dst, a pointer. No argument takes
// null: it is refused as a value of the wrong type.
func decodeJSON(raw jsontext.Value, dst any) error {
	if raw.Kind() == 'n' {
		return &json.SemanticError{JSONKind: 'n', GoType: reflect.TypeOf(dst).Elem()}
	}
	return json.Unmarshal(raw, dst, jsonOptions)
}

// problemOf names what is wrong with the argument name, which could not be
// read as err says.
func problemOf(name string, err error) domain.Problem {
	var arg *argumentError
	if errors.As(err, &arg) {
		return domain.Problem{Field: name + arg.path, Message: arg.message}
	}
	var semantic *json.SemanticError
	if errors.As(err, &semantic) {
		// Decoded types have no member named by digits: a number is an index.
		isIndex := func(_ int, token string) bool { _, err := strconv.Atoi(token); return err == nil }
		return domain.Problem{Field: name + pathOf(semantic.JSONPointer, isIndex), Message: expected(semantic.GoType, semantic.JSONKind)}
	}
	return domain.Problem{Field: name, Message: "is not valid"}
}

// shaped is an argument type that says what JSON it reads.
type shaped interface{ expected() string }

// expected says what JSON the Go type t reads, for a value of another
// kind that it could not.
func expected(t reflect.Type, got jsontext.Kind) string {
	for t != nil && t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t == nil {
		return "has the wrong type"
	}
	if s, ok := reflect.New(t).Interface().(shaped); ok {
		return s.expected()
	}
	switch t.Kind() {
	case reflect.String:
		return "must be a string"
	case reflect.Int64:
		if got == '0' {
			return "must be an integer"
		}
		return "must be a number"
	case reflect.Slice:
		return "must be a list"
	case reflect.Struct:
		return "must be an object"
	}
	return "has the wrong type"
}

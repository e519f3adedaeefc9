package httpapi

import (
	"bytes"
	"errors"
	"reflect"
	"slices"
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
// decoding. Names given twice are refused, as json's default is.
var jsonOptions = jsontext.AllowInvalidUTF8(true)

// answerOptions write answers as encoding/json does, which MicroBase
// clients have read so far: <, > and & escaped, and U+2028 and U+2029.
var answerOptions = json.JoinOptions(jsontext.EscapeForHTML(true), jsontext.EscapeForJS(true))

// argumentError is why an argument could not be read; path locates the
// culprit inside it (".id", "[0].name"), empty for the argument itself.
type argumentError struct{ path, message string }

func (e *argumentError) Error() string {
	if e.path == "" {
		return e.message
	}
	return e.path + ": " + e.message
}

// nestedTooDeep tells whether text nests deeper than maxJSONDepth.
// jsontext's own bound is a constant of 10,000 levels with no option to
// lower it, so the depth is watched here while jsontext reads the tokens;
// any other fault is left for the decoder to report. A text with no more
// brackets than the bound cannot break it, and is not read.
func nestedTooDeep(text []byte) bool {
	if bytes.Count(text, []byte("{"))+bytes.Count(text, []byte("[")) <= maxJSONDepth {
		return false
	}
	dec := jsontext.NewDecoder(bytes.NewReader(text), jsonOptions)
	for {
		if _, err := dec.ReadToken(); err != nil || dec.StackDepth() == 0 {
			return false
		}
		if dec.StackDepth() > maxJSONDepth {
			return true
		}
	}
}

// readJSON reads JSON text into dst, a pointer, within maxJSONDepth.
func readJSON(text []byte, dst any) error {
	if nestedTooDeep(text) {
		return &argumentError{message: "is nested deeper than " + strconv.Itoa(maxJSONDepth) + " levels"}
	}
	return decodeJSON(text, dst)
}

// decodeJSON reads one JSON value into dst, a pointer. No argument takes
// null: it is refused as a value of the wrong type.
func decodeJSON(text []byte, dst any) error {
	if jsontext.Value(text).Kind() == 'n' {
		return &json.SemanticError{JSONKind: 'n', GoType: reflect.TypeOf(dst).Elem()}
	}
	return json.Unmarshal(text, dst, jsonOptions)
}

// problemOf names what is wrong with the argument name, which could not be
// read as err says.
func problemOf(name string, err error) domain.Problem {
	var (
		arg      *argumentError
		syntax   *jsontext.SyntacticError
		semantic *json.SemanticError
	)
	switch {
	case errors.As(err, &arg):
		return domain.Problem{Field: name + arg.path, Message: arg.message}
	case errors.As(err, &syntax) && errors.Is(err, jsontext.ErrDuplicateName):
		return domain.Problem{Field: name + pathOf(syntax.JSONPointer, true), Message: "given more than once"}
	case errors.As(err, &syntax):
		return domain.Problem{Field: name, Message: "is malformed JSON (at byte " + strconv.FormatInt(syntax.ByteOffset, 10) + ")"}
	case errors.As(err, &semantic):
		message := expected(semantic.GoType, semantic.JSONKind)
		if errors.Is(err, strconv.ErrRange) {
			message = "is out of range"
		}
		return domain.Problem{Field: name + pathOf(semantic.JSONPointer, false), Message: message}
	}
	return domain.Problem{Field: name, Message: "is not valid"}
}

// pathOf renders a JSON pointer the way problems name fields: the pointer
// /addresses/1/name is ".addresses[1].name". The types decoded have no
// member named by digits, so digits are an index, unless lastIsName says
// the last token names a member (the one given twice).
func pathOf(p jsontext.Pointer, lastIsName bool) string {
	tokens := slices.Collect(p.Tokens())
	var b strings.Builder
	for i, token := range tokens {
		if _, err := strconv.Atoi(token); err == nil && (!lastIsName || i < len(tokens)-1) {
			b.WriteString("[" + token + "]")
		} else {
			b.WriteString("." + token)
		}
	}
	return b.String()
}

// shaped is an argument type that says what JSON it reads.
type shaped interface{ expected() string }

// integer is an integer argument (a version, a limit): a JSON number
// without fraction or exponent, or a base-10 integer in a query or form.
type integer int64

func (*integer) expected() string { return "must be an integer" }

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

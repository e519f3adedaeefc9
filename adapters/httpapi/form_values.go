package httpapi

import (
	"errors"
	"strconv"
	"strings"
	"sync"

	"github.com/go-playground/form/v4"
)

// formDecoder reads query and form values into a request, each argument
// type its own way. It is handed only the names a request declares (see
// arguments.decode): it would read brackets in a name as structure
// (tags[0]=x, id[$ne]=x, the shape used to smuggle MongoDB operators
// through Node's qs), which MicroBase does not, and it panics on
// unbalanced ones.
var formDecoder = sync.OnceValue(func() *form.Decoder {
	d := form.NewDecoder()
	d.SetTagName("json")
	d.RegisterCustomTypeFunc(func(vs []string) (any, error) {
		s, err := onlyValue(vs)
		return &s, err
	}, (*string)(nil))
	d.RegisterCustomTypeFunc(func(vs []string) (any, error) { return parseInteger(vs) }, (*integer)(nil))
	d.RegisterCustomTypeFunc(func(vs []string) (any, error) { return new(stringList(splitValues(vs))), nil }, (*stringList)(nil))
	d.RegisterCustomTypeFunc(func(vs []string) (any, error) { return filter(splitParts(vs)), nil }, filter(nil))
	d.RegisterCustomTypeFunc(func(vs []string) (any, error) { return fieldList(dropEmpty(splitParts(vs))), nil }, fieldList(nil))
	d.RegisterCustomTypeFunc(func(vs []string) (any, error) {
		var addresses []addressInput
		err := decodeJSONText(vs, &addresses)
		return addresses, err
	}, []addressInput(nil))
	d.RegisterCustomTypeFunc(func(vs []string) (any, error) {
		address := new(addressUpdate)
		return address, decodeJSONText(vs, address)
	}, (*addressUpdate)(nil))
	return d
})

// decodeJSONText reads an object argument given in a query or form: its
// one value is JSON text, held to the limits of a JSON body.
func decodeJSONText(values []string, dst any) error {
	text, err := onlyValue(values)
	if err != nil {
		return err
	}
	if text = strings.Trim(text, jsonSpace); text == "" {
		return &argumentError{message: "must be JSON"}
	}
	return readJSON([]byte(text), dst)
}

// parseInteger reads an integer argument given in a query or form: one
// base-10 integer.
func parseInteger(values []string) (*integer, error) {
	text, err := onlyValue(values)
	if err != nil {
		return nil, err
	}
	i, err := strconv.ParseInt(text, 10, 64)
	switch {
	case errors.Is(err, strconv.ErrRange):
		return nil, &argumentError{message: "is out of range"}
	case err != nil:
		return nil, &argumentError{message: "must be an integer"}
	}
	return new(integer(i)), nil
}

// onlyValue is the value of an argument that takes one.
func onlyValue(values []string) (string, error) {
	if len(values) != 1 {
		return "", &argumentError{message: "must be given once"}
	}
	return values[0], nil
}

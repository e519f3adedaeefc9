package httpapi

import (
	"reflect"
	"slices"
	"strings"

	"github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"

	"github.com/microbase-io/customer-service/adapters/jsonview"
)

// customerField is a member of jsonview.Customer, as the fields argument
// of customer.list names it.
type customerField struct {
	name     string
	omitZero bool // left out when zero, as jsonview.Customer's tag says
}

// customerFields are jsonview.Customer's members, each at its index in
// the type, read from it: a field added there is one a client can pick.
// The password is not among them: no answer can hold it.
var customerFields = func() []customerField {
	t := reflect.TypeFor[jsonview.Customer]()
	fields := make([]customerField, t.NumField())
	for i := range fields {
		name, options, _ := strings.Cut(t.Field(i).Tag.Get("json"), ",")
		fields[i] = customerField{name: name, omitZero: strings.Contains(options, "omitzero")}
	}
	return fields
}()

// idField is always answered, as MongoDB answers _id unless told not to:
// a client that picks fields still needs to know which customer it has.
const idField = "id"

// addressesField is the one member a store may leave unread when it is
// not answered (application.ListQuery.WithoutAddresses).
const addressesField = "addresses"

// fieldSelection says which of customerFields an answer holds.
type fieldSelection []bool

// selectFields reads customer.list's fields argument the way mongoose's
// select does: names pick fields, "-name" leaves one out. When names and
// exclusions are mixed, the named fields are kept less the excluded ones.
// Unknown names (password among them) are ignored, and id is always kept.
func selectFields(names []string) fieldSelection {
	include := make(fieldSelection, len(customerFields))
	exclude := make(fieldSelection, len(customerFields))
	picked := false
	for _, name := range names {
		excluded := strings.HasPrefix(name, "-")
		i := fieldIndex(strings.TrimPrefix(name, "-"))
		switch {
		case i < 0:
		case excluded:
			exclude[i] = true
		default:
			include[i], picked = true, true
		}
	}
	keep := make(fieldSelection, len(customerFields))
	for i, f := range customerFields {
		keep[i] = (!picked || include[i]) && !exclude[i] || f.name == idField
	}
	return keep
}

// holds tells whether the selection answers the named field.
func (s fieldSelection) holds(name string) bool {
	i := fieldIndex(name)
	return i >= 0 && s[i]
}

func fieldIndex(name string) int {
	return slices.IndexFunc(customerFields, func(f customerField) bool { return f.name == name })
}

// appendProjected appends c, with only the selected fields, as a JSON
// object.
func appendProjected(b []byte, c jsonview.Customer, fields fieldSelection) ([]byte, error) {
	v := reflect.ValueOf(&c).Elem()
	b = append(b, '{')
	first := true
	for i, f := range customerFields {
		value := v.Field(i)
		if !fields[i] || f.omitZero && value.IsZero() {
			continue
		}
		if !first {
			b = append(b, ',')
		}
		first = false
		b, _ = jsontext.AppendQuote(b, f.name)
		b = append(b, ':')
		raw, err := json.Marshal(value.Interface(), answerOptions)
		if err != nil {
			return nil, err
		}
		b = append(b, raw...)
	}
	return append(b, '}'), nil
}

// projectedCustomer stands, in the document, for a customer with only the
// selected fields; listAnswer writes them (appendProjected).
type projectedCustomer struct{}

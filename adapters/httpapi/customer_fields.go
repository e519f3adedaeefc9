package httpapi

import (
	"bytes"
	"encoding/json"
	"github.com/microbase-io/customer-service/adapters/jsonview"
	"strings"
)

// customerFields are the members of jsonview.Customer, in answer order, under
// the names customer.list's fields argument uses. A test checks that they
// render exactly what jsonview.Customer does, so the two cannot drift apart.
// The password is not among them: no answer can hold it.
var customerFields = []struct {
	name  string
	value func(*jsonview.Customer) any // nil leaves the member out
}{
	{"email", func(c *jsonview.Customer) any { return c.Email }},
	{"firstName", func(c *jsonview.Customer) any { return c.FirstName }},
	{"lastName", func(c *jsonview.Customer) any { return c.LastName }},
	{"status", func(c *jsonview.Customer) any { return c.Status }},
	{"tags", func(c *jsonview.Customer) any { return c.Tags }},
	{"addresses", func(c *jsonview.Customer) any { return c.Addresses }},
	{"id", func(c *jsonview.Customer) any { return c.ID }},
	{"version", func(c *jsonview.Customer) any { return c.Version }},
	{"createdAt", func(c *jsonview.Customer) any { return timeValue(c.CreatedAt) }},
	{"updatedAt", func(c *jsonview.Customer) any { return timeValue(c.UpdatedAt) }},
}

// idField is always answered, as MongoDB answers _id unless told not to:
// a client that picks fields still needs to know which customer it has.
const idField = "id"

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

func fieldIndex(name string) int {
	for i, f := range customerFields {
		if f.name == name {
			return i
		}
	}
	return -1
}

// projectedCustomer is a customer with only the selected fields.
type projectedCustomer struct {
	customer jsonview.Customer
	fields   fieldSelection
}

func (p projectedCustomer) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte('{')
	for i, f := range customerFields {
		if !p.fields[i] {
			continue
		}
		v := f.value(&p.customer)
		if v == nil {
			continue
		}
		raw, err := json.Marshal(v)
		if err != nil {
			return nil, err
		}
		if b.Len() > 1 {
			b.WriteByte(',')
		}
		b.WriteString(`"` + f.name + `":`)
		b.Write(raw)
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

// timeValue turns a missing timestamp into an untyped nil, so that it is
// left out as jsonview.Customer's omitzero leaves it out.
func timeValue(t jsonview.Timestamp) any {
	if t.IsZero() {
		return nil
	}
	return t
}

package jsonview

import (
	"encoding/json"
	"fmt"

	"github.com/microbase-io/customer-service/application"
	"github.com/microbase-io/customer-service/domain"
)

// customerArgs are the arguments of CREATE, UPDATE and REMOVE: the
// customer's fields the write gave, as it applied them, and for UPDATE and
// REMOVE the customer's id. A field the write left alone is absent.
type customerArgs struct {
	ID        string     `json:"id,omitempty"`
	Email     *string    `json:"email,omitempty"`
	FirstName *string    `json:"firstName,omitempty"`
	LastName  *string    `json:"lastName,omitempty"`
	Status    *string    `json:"status,omitempty"`
	Tags      *[]string  `json:"tags,omitempty"`
	Addresses *[]Address `json:"addresses,omitempty"`
}

// addressArgs are the arguments of the address events: the customer's id
// and the addresses added, the address as it now is, or the id of the one
// removed.
type addressArgs struct {
	CustomerID string    `json:"customerId"`
	Addresses  []Address `json:"addresses,omitempty"`
	Address    *Address  `json:"address,omitempty"`
	AddressID  string    `json:"addressId,omitempty"`
}

// EventArgs renders args as MicroBase consumers read them in the data of
// an event's message. Nothing it renders can hold a password: no type here
// has a field for one.
func EventArgs(args application.EventArgs) (json.RawMessage, error) {
	var v any
	switch a := args.(type) {
	case application.CustomerCreated:
		c := FromCustomer(a.Customer)
		v = customerArgs{Email: &c.Email, FirstName: &c.FirstName, LastName: &c.LastName,
			Status: &c.Status, Tags: &c.Tags, Addresses: &c.Addresses}
	case application.CustomerUpdated:
		v = patchArgs(a.ID, a.Patch)
	case application.CustomerRemoved:
		v = customerArgs{ID: a.ID}
	case application.PasswordChanged:
		v = customerArgs{ID: a.ID}
	case application.AddressesAdded:
		v = addressArgs{CustomerID: a.CustomerID, Addresses: FromAddresses(a.Addresses)}
	case application.AddressReplaced:
		v = addressArgs{CustomerID: a.CustomerID, Address: new(FromAddress(a.Address))}
	case application.AddressRemoved:
		v = addressArgs{CustomerID: a.CustomerID, AddressID: a.AddressID}
	default:
		return nil, fmt.Errorf("jsonview: no rendering for event arguments %T", args)
	}
	return json.Marshal(v)
}

func patchArgs(id string, p domain.CustomerPatch) customerArgs {
	args := customerArgs{ID: id}
	if v, ok := p.Email(); ok {
		args.Email = &v
	}
	if v, ok := p.FirstName(); ok {
		args.FirstName = &v
	}
	if v, ok := p.LastName(); ok {
		args.LastName = &v
	}
	if v, ok := p.Status(); ok {
		args.Status = new(v.String())
	}
	if v, ok := p.Tags(); ok {
		if v == nil {
			v = []string{}
		}
		args.Tags = &v
	}
	return args
}

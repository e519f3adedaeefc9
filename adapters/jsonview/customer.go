// Package jsonview is the customer as MicroBase clients and consumers read
// it in JSON: in every HTTP answer and in every event on the bus, one shape
// wherever a customer appears. It is built from the domain's snapshot field
// by field, which keeps the password hash out by construction.
package jsonview

import "github.com/microbase-io/customer-service/domain"

// Customer has the fields and order of the MicroBase page (id last), never
// the password, plus version (for compare-and-set) and the timestamps.
type Customer struct {
	Email     string    `json:"email"`
	FirstName string    `json:"firstName"`
	LastName  string    `json:"lastName"`
	Status    string    `json:"status"`
	Tags      []string  `json:"tags"`
	Addresses []Address `json:"addresses"`
	ID        string    `json:"id"`
	Version   int64     `json:"version"`
	CreatedAt Timestamp `json:"createdAt,omitzero"`
	UpdatedAt Timestamp `json:"updatedAt,omitzero"`
}

// Address leaves out optional fields the caller never gave, as the Node.js
// service did.
type Address struct {
	Name         string `json:"name"`
	FirstName    string `json:"firstName"`
	LastName     string `json:"lastName,omitempty"`
	Address1     string `json:"address_1"`
	Address2     string `json:"address_2,omitempty"`
	PostCode     string `json:"postCode"`
	City         string `json:"city"`
	State        string `json:"state"`
	Country      string `json:"country"`
	Company      string `json:"company,omitempty"`
	Phone        *int64 `json:"phone,omitempty"`
	Instructions string `json:"instructions,omitempty"`
	ID           string `json:"id"`
}

// FromCustomer renders c.
func FromCustomer(c *domain.Customer) Customer {
	s := c.Snapshot()
	out := Customer{
		Email:     s.Email,
		FirstName: s.FirstName,
		LastName:  s.LastName,
		Status:    s.Status,
		Tags:      s.Tags,
		Addresses: make([]Address, len(s.Addresses)),
		ID:        s.ID,
		Version:   s.Version,
		CreatedAt: Timestamp(s.CreatedAt),
		UpdatedAt: Timestamp(s.UpdatedAt),
	}
	if out.Tags == nil {
		out.Tags = []string{}
	}
	for i, a := range s.Addresses {
		out.Addresses[i] = FromAddress(a)
	}
	return out
}

// FromAddress renders a.
func FromAddress(a domain.Address) Address {
	return Address{
		Name: a.Name, FirstName: a.FirstName, LastName: a.LastName,
		Address1: a.Address1, Address2: a.Address2, PostCode: a.PostCode,
		City: a.City, State: a.State, Country: a.Country, Company: a.Company,
		Phone: a.Phone, Instructions: a.Instructions, ID: a.ID,
	}
}

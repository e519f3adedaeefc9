// Package jsonview is the customer as MicroBase clients and consumers read
// it in JSON: in every HTTP answer and in every event on the bus, one shape
// wherever a customer appears. It is built from the domain's snapshot field
// by field, which keeps the password hash out by construction.
//
// The stores keep addresses, and the answers of keyed writes, in this shape
// too: the Node.js service stored its API's objects as they are, so the
// names of the stored form and of the answers are one contract.
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

// Address is domain.Address with the MicroBase names, its id last.
type Address struct {
	AddressFields `json:",inline"`
	ID            string `json:"id"`
}

// AddressFields are domain.AddressInput's fields, in its order: FromAddress
// converts one into the other, so they cannot drift apart. Optional fields
// the caller never gave are left out, as the Node.js service did.
type AddressFields struct {
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
		Addresses: FromAddresses(s.Addresses),
		ID:        s.ID,
		Version:   s.Version,
		CreatedAt: Timestamp(s.CreatedAt),
		UpdatedAt: Timestamp(s.UpdatedAt),
	}
	if out.Tags == nil {
		out.Tags = []string{}
	}
	return out
}

// ToDomain is the customer c renders, for a store that keeps answers. It
// has no password hash: no rendering holds one.
func (c Customer) ToDomain() *domain.Customer {
	return domain.RestoreCustomer(domain.CustomerSnapshot{
		ID: c.ID, Email: c.Email, FirstName: c.FirstName, LastName: c.LastName, Status: c.Status,
		Tags: c.Tags, Addresses: ToAddresses(c.Addresses), Version: c.Version,
		CreatedAt: c.CreatedAt.utc(), UpdatedAt: c.UpdatedAt.utc(),
	})
}

// FromAddress renders a.
func FromAddress(a domain.Address) Address {
	return Address{AddressFields: AddressFields(a.AddressInput), ID: a.ID}
}

// ToDomain is the address a renders.
func (a Address) ToDomain() domain.Address {
	return domain.Address{AddressInput: domain.AddressInput(a.AddressFields), ID: a.ID}
}

// FromAddresses renders addresses, none as an empty list.
func FromAddresses(addresses []domain.Address) []Address {
	out := make([]Address, len(addresses))
	for i, a := range addresses {
		out[i] = FromAddress(a)
	}
	return out
}

// ToAddresses is the addresses the list renders.
func ToAddresses(addresses []Address) []domain.Address {
	out := make([]domain.Address, len(addresses))
	for i, a := range addresses {
		out[i] = a.ToDomain()
	}
	return out
}

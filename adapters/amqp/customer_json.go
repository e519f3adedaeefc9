package amqp

import (
	"time"

	"github.com/microbase-io/customer-service/domain"
)

// customerJSON is the customer object in events. It has the same fields, in
// the same order, as the customer in the HTTP answers, so a consumer reads
// one shape wherever it meets a customer; it is built from the snapshot
// field by field, which keeps the password hash out by construction.
type customerJSON struct {
	Email     string        `json:"email"`
	FirstName string        `json:"firstName"`
	LastName  string        `json:"lastName"`
	Status    string        `json:"status"`
	Tags      []string      `json:"tags"`
	Addresses []addressJSON `json:"addresses"`
	ID        string        `json:"id"`
	Version   int64         `json:"version"`
	CreatedAt *time.Time    `json:"createdAt,omitempty"`
	UpdatedAt *time.Time    `json:"updatedAt,omitempty"`
}

// addressJSON leaves out optional fields the caller never gave, as the
// Node.js service did.
type addressJSON struct {
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

func toCustomerJSON(c *domain.Customer) customerJSON {
	s := c.Snapshot()
	out := customerJSON{
		Email:     s.Email,
		FirstName: s.FirstName,
		LastName:  s.LastName,
		Status:    s.Status,
		Tags:      s.Tags,
		Addresses: make([]addressJSON, len(s.Addresses)),
		ID:        s.ID,
		Version:   s.Version,
		CreatedAt: timeOrNil(s.CreatedAt),
		UpdatedAt: timeOrNil(s.UpdatedAt),
	}
	if out.Tags == nil {
		out.Tags = []string{}
	}
	for i, a := range s.Addresses {
		out.Addresses[i] = addressJSON{
			Name: a.Name, FirstName: a.FirstName, LastName: a.LastName,
			Address1: a.Address1, Address2: a.Address2, PostCode: a.PostCode,
			City: a.City, State: a.State, Country: a.Country, Company: a.Company,
			Phone: a.Phone, Instructions: a.Instructions, ID: a.ID,
		}
	}
	return out
}

// timeOrNil leaves out timestamps that documents written by the Node.js
// service may lack, rather than sending year 1.
func timeOrNil(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}

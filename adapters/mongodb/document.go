package mongodb

import (
	"time"

	"github.com/microbase-io/customer-service/domain"
)

// customerDocument is the stored form, field for field the layout of the
// Node.js MicroBase service (string _id, embedded addresses, createdAt and
// updatedAt) so that both read each other's data. version is ours; a
// document without it (written by the Node.js service) is at version 0.
// Mongoose's __v is left as it is: nothing reads it.
//
// The outbox fields are ours too (see outbox.go): the events of writes not
// yet published, and who is publishing them. A removed customer stays as a
// tombstone (removed: true, its email replaced so that it no longer counts
// as taken) until its events are out.
type customerDocument struct {
	ID        string            `bson:"_id"`
	Email     string            `bson:"email"`
	Password  string            `bson:"password"`
	FirstName string            `bson:"firstName"`
	LastName  string            `bson:"lastName"`
	Status    string            `bson:"status"`
	Tags      []string          `bson:"tags"`
	Addresses []addressDocument `bson:"addresses"`
	Version   int64             `bson:"version"`
	CreatedAt time.Time         `bson:"createdAt"`
	UpdatedAt time.Time         `bson:"updatedAt"`

	Removed      bool   `bson:"removed,omitempty"`
	RemovedEmail string `bson:"removedEmail,omitempty"`
}

// newCustomerDocument is a customer as first inserted, with its CREATE
// event. Reads decode customerDocument, which skips the outbox.
type newCustomerDocument struct {
	Customer      customerDocument `bson:",inline"`
	Outbox        []outboxEntry    `bson:"outbox,omitempty"`
	OutboxPending bool             `bson:"outboxPending,omitempty"`
	Keys          []keyDocument    `bson:"keys,omitempty"`
}

type addressDocument struct {
	ID           string `bson:"id"`
	Name         string `bson:"name"`
	FirstName    string `bson:"firstName"`
	LastName     string `bson:"lastName,omitempty"`
	Address1     string `bson:"address_1"`
	Address2     string `bson:"address_2,omitempty"`
	PostCode     string `bson:"postCode"`
	City         string `bson:"city"`
	State        string `bson:"state"`
	Country      string `bson:"country"`
	Company      string `bson:"company,omitempty"`
	Phone        *int64 `bson:"phone,omitempty"`
	Instructions string `bson:"instructions,omitempty"`
}

func toDocument(c *domain.Customer) customerDocument {
	s := c.Snapshot()
	return customerDocument{
		ID:        s.ID,
		Email:     s.Email,
		Password:  string(s.PasswordHash),
		FirstName: s.FirstName,
		LastName:  s.LastName,
		Status:    s.Status,
		Tags:      nonNil(s.Tags),
		Addresses: toAddressDocuments(s.Addresses),
		Version:   s.Version,
		CreatedAt: s.CreatedAt,
		UpdatedAt: s.UpdatedAt,
	}
}

// nonNil keeps "no tags" stored as [] rather than null, as the Node.js
// service stored it, so whole-array comparisons in filters see one form.
func nonNil(tags []string) []string {
	if tags == nil {
		return []string{}
	}
	return tags
}

func toAddressDocuments(addresses []domain.Address) []addressDocument {
	docs := make([]addressDocument, len(addresses))
	for i, a := range addresses {
		docs[i] = addressDocument(a)
	}
	return docs
}

func (d *customerDocument) toDomain() *domain.Customer {
	addresses := make([]domain.Address, len(d.Addresses))
	for i, a := range d.Addresses {
		addresses[i] = domain.Address(a)
	}
	email := d.Email
	if d.Removed {
		email = d.RemovedEmail
	}
	return domain.RestoreCustomer(domain.CustomerSnapshot{
		ID:           d.ID,
		Email:        email,
		PasswordHash: domain.PasswordHash(d.Password),
		FirstName:    d.FirstName,
		LastName:     d.LastName,
		Status:       d.Status,
		Tags:         d.Tags,
		Addresses:    addresses,
		Version:      d.Version,
		CreatedAt:    d.CreatedAt.UTC(),
		UpdatedAt:    d.UpdatedAt.UTC(),
	})
}

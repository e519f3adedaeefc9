package mongodb

import (
	"bytes"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/microbase-io/customer-service/adapters/jsonview"
	"github.com/microbase-io/customer-service/domain"
)

// The customers collection reads the json names of a type that has no bson
// ones: its documents hold addresses as the API renders them
// (jsonview.Address), as the Node.js service stored them. The registry is
// the collection's own because the driver remembers how it encodes a
// struct by its type alone, whichever names it was first asked for.
var (
	registry    = bson.NewRegistry()
	bsonOptions = &options.BSONOptions{UseJSONStructTags: true}
)

func customers(db *mongo.Database) *mongo.Collection {
	return db.Collection(CollectionName, options.Collection().SetRegistry(registry).SetBSONOptions(bsonOptions))
}

// unmarshal decodes b, a document, as the customers collection does.
func unmarshal(b []byte, v any) error {
	dec := bson.NewDecoder(bson.NewDocumentReader(bytes.NewReader(b)))
	dec.SetRegistry(registry)
	dec.UseJSONStructTags()
	return dec.Decode(v)
}

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
	ID        string             `bson:"_id"`
	Email     string             `bson:"email"`
	Password  string             `bson:"password"`
	FirstName string             `bson:"firstName"`
	LastName  string             `bson:"lastName"`
	Status    string             `bson:"status"`
	Tags      []string           `bson:"tags"`
	Addresses []jsonview.Address `bson:"addresses"`
	Version   int64              `bson:"version"`
	CreatedAt time.Time          `bson:"createdAt"`
	UpdatedAt time.Time          `bson:"updatedAt"`

	Removed      bool   `bson:"removed,omitempty"`
	RemovedEmail string `bson:"removedEmail,omitempty"`
}

// wholeDocument is a customer's document with its outbox: as first
// inserted, with its CREATE event and its key; as a migration reads and
// puts it, with its receipt. A put replaces the document whole: the keys
// of keyed writes and a relay's lease, which belong to the writes made on
// the copy it replaces, go with it. Customer reads decode
// customerDocument, which skips the outbox.
type wholeDocument struct {
	Customer      customerDocument `bson:",inline"`
	Outbox        []outboxEntry    `bson:"outbox,omitempty"`
	OutboxPending bool             `bson:"outboxPending,omitempty"`
	Keys          []keyDocument    `bson:"keys,omitempty"`
	Received      *receiptDocument `bson:"received,omitempty"`
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
		Addresses: jsonview.FromAddresses(s.Addresses),
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

func (d *customerDocument) toDomain() *domain.Customer {
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
		Addresses:    jsonview.ToAddresses(d.Addresses),
		Version:      d.Version,
		CreatedAt:    d.CreatedAt.UTC(),
		UpdatedAt:    d.UpdatedAt.UTC(),
	})
}

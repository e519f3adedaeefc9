package mongodb

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/microbase-io/customer-service/application"
	"github.com/microbase-io/customer-service/domain"
)

// A keyed write keeps its key, with its result, in the customer's own
// document ("keys"), written by the same single-document update as the
// change, under the version the write read: a copy of the write sent at
// the same time either loses the race on the version, reads again and
// finds the key, or finds it at once. A keyed create derives the
// customer's id from the key, so that a copy collides with the first on
// _id. A keyed removal keeps its tombstone until the window is over
// (keptUntil), for copies to find the key.

// maxKeys bounds the keys a document keeps: the customer's last keyed
// writes within the window. A copy of an older write would write again.
const maxKeys = 50

// keyDocument is one keyed write of a customer.
type keyDocument struct {
	Scope       string    `bson:"scope"`
	Fingerprint string    `bson:"fingerprint"`
	At          time.Time `bson:"at"`
	// Result is the customer the write left, without the password hash;
	// none for a removal.
	Result *customerDocument `bson:"result,omitempty"`
}

// keyedDocument is a customer read with its keys.
type keyedDocument struct {
	Customer customerDocument `bson:",inline"`
	Keys     []keyDocument    `bson:"keys"`
}

// withKeys reads everything but the outbox.
var withKeys = options.FindOne().SetProjection(bson.D{{Key: "outbox", Value: 0}, {Key: "outboxLease", Value: 0}})

// keyedRead is what readKeyed found: the live customer (or the error
// saying why there is none) and the keys of its document.
type keyedRead struct {
	customer *domain.Customer
	err      error
	keys     []keyDocument
	exists   bool // a document has the id, tombstone or not
}

// readKeyed reads the customer with its keys when key is set, a
// tombstone's included; otherwise as Get does.
func (r *Repository) readKeyed(ctx context.Context, id string, key application.IdempotencyKey) (keyedRead, error) {
	if !key.Set() {
		c, err := r.Get(ctx, id)
		return keyedRead{customer: c, err: err, exists: err == nil}, nil
	}
	var doc keyedDocument
	err := r.coll.FindOne(ctx, bson.D{{Key: "_id", Value: id}}, withKeys).Decode(&doc)
	switch {
	case errors.Is(err, mongo.ErrNoDocuments):
		return keyedRead{err: &domain.CustomerNotFoundError{ID: id}}, nil
	case err != nil:
		return keyedRead{}, translate(err, "")
	case doc.Customer.Removed:
		return keyedRead{err: &domain.CustomerNotFoundError{ID: id}, keys: doc.Keys, exists: true}, nil
	}
	return keyedRead{customer: doc.Customer.toDomain(), keys: doc.Keys, exists: true}, nil
}

// replay returns the result of the write key made before (done), or
// ErrIdempotencyKeyReused; not done when keys hold no live record of it.
func replay(keys []keyDocument, key application.IdempotencyKey) (*domain.Customer, bool, error) {
	if !key.Set() {
		return nil, false, nil
	}
	for _, k := range keys {
		if k.Scope != key.Scope {
			continue
		}
		seen, err := key.Matches(k.Fingerprint, k.At)
		if err != nil || !seen || k.Result == nil {
			return nil, seen || err != nil, err
		}
		return k.Result.toDomain(), true, nil
	}
	return nil, false, nil
}

// remembered is keys with key's write, whose result is result (nil for a
// removal), added: the keys older than the window and the oldest beyond
// maxKeys dropped.
func remembered(keys []keyDocument, key application.IdempotencyKey, result *domain.Customer) []keyDocument {
	out := make([]keyDocument, 0, len(keys)+1)
	for _, k := range keys {
		if k.Scope != key.Scope && k.At.After(key.At.Add(-application.IdempotencyWindow)) {
			out = append(out, k)
		}
	}
	k := keyDocument{Scope: key.Scope, Fingerprint: key.Fingerprint, At: key.At}
	if result != nil {
		doc := toDocument(result)
		doc.Password = ""
		k.Result = &doc
	}
	out = append(out, k)
	return out[max(len(out)-maxKeys, 0):]
}

// keyedID is the id of the customer a keyed create makes: the same for
// every copy of the create, unguessable without the key.
func keyedID(key application.IdempotencyKey) string {
	sum := sha256.Sum256([]byte("customer.create\x00" + key.Scope))
	return base64.RawURLEncoding.EncodeToString(sum[:16])
}

// withID is c with id.
func withID(c *domain.Customer, id string) *domain.Customer {
	s := c.Snapshot()
	s.ID = id
	return domain.RestoreCustomer(s)
}

// forgetKeptTombstones deletes the tombstones kept for keys whose window
// ended before now and whose events are all published.
func (r *Repository) forgetKeptTombstones(ctx context.Context, now time.Time) error {
	_, err := r.coll.DeleteMany(ctx, bson.D{
		{Key: "removed", Value: true},
		{Key: "keptUntil", Value: bson.D{{Key: "$lt", Value: now}}},
		{Key: "outboxPending", Value: bson.D{{Key: "$exists", Value: false}}},
	})
	return err
}

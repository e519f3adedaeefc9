package mongodb

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/microbase-io/customer-service/adapters/internal/compressed"
	"github.com/microbase-io/customer-service/adapters/jsonview"
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

// A document keeps the records of the customer's last keyed writes within
// the window, at most maxKeys of them and at most maxKeptBytes in all
// (as application.KeyRecordBytes counts them), the oldest dropped first; a
// copy of a write whose record was dropped writes again. With the outbox's
// worst (CUSTOMER_OUTBOX_MAX_EVENTS at 200 events of about 25 KiB, 5 MiB)
// and the largest customer (about 0.75 MiB of BSON), a document stays under
// 8 MiB of the 16 MiB MongoDB allows, however many keyed writes it takes.
const (
	maxKeys      = 50
	maxKeptBytes = 2 << 20
)

// keyDocument is one keyed write of a customer.
type keyDocument struct {
	Scope       string    `bson:"scope"`
	Fingerprint string    `bson:"fingerprint"`
	At          time.Time `bson:"at"`
	// Result is the customer the write left as the answer renders it
	// (jsonview), compressed; none for a removal.
	Result []byte `bson:"packed,omitempty"`
}

// bytes is what the record counts, in its document and against its
// subject's limit.
func (k keyDocument) bytes() int64 { return application.KeyRecordBytes(k.Result) }

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

// readToChange reads customer id for a change keyed by key: done, with
// the answer to give, when key made the change before, the key was
// reused, or there is no customer to change; otherwise the customer and
// the keys it holds.
func (r *Repository) readToChange(ctx context.Context, id string, key application.IdempotencyKey) (found keyedRead, first *domain.Customer, done bool, err error) {
	if found, err = r.readKeyed(ctx, id, key); err != nil {
		return found, nil, true, err
	}
	if first, done, err := replay(found.keys, key); done {
		return found, first, true, err
	}
	return found, nil, found.err != nil, found.err
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
		c, err := result(k.Result)
		return c, true, err
	}
	return nil, false, nil
}

// result reads a record's result. Records made before results were kept
// as answers hold the stored form instead (BSON, which unlike JSON text
// always holds a zero byte); they leave the window within a day.
func result(packed []byte) (*domain.Customer, error) {
	b, err := compressed.Unpack(packed)
	if err != nil {
		return nil, err
	}
	if bytes.IndexByte(b, 0) >= 0 {
		var doc customerDocument
		if err := unmarshal(b, &doc); err != nil {
			return nil, err
		}
		return doc.toDomain(), nil
	}
	var answer jsonview.Customer
	if err := json.Unmarshal(b, &answer); err != nil {
		return nil, err
	}
	return answer.ToDomain(), nil
}

// record is key's write as a document keeps it, with its result (nil for
// a removal).
func record(key application.IdempotencyKey, result *domain.Customer) keyDocument {
	k := keyDocument{Scope: key.Scope, Fingerprint: key.Fingerprint, At: key.At}
	if result != nil {
		b, err := json.Marshal(jsonview.FromCustomer(result))
		if err != nil {
			panic("mongodb: " + err.Error()) // an answer always encodes
		}
		k.Result = compressed.Pack(b)
	}
	return k
}

// remembered is keys with rec added: the keys older than the window
// dropped, and the oldest beyond maxKeys or maxKeptBytes.
func remembered(keys []keyDocument, key application.IdempotencyKey, rec keyDocument) []keyDocument {
	out := make([]keyDocument, 0, len(keys)+1)
	for _, k := range keys {
		if k.Scope != key.Scope && key.Live(k.At) {
			out = append(out, k)
		}
	}
	out = append(out, rec)
	first, kept := len(out)-1, rec.bytes()
	for first > 0 && len(out)-first < maxKeys && kept+out[first-1].bytes() <= maxKeptBytes {
		first--
		kept += out[first].bytes()
	}
	return out[first:]
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
// ended before now and whose events are all published; those it cannot
// are the next removal's to forget.
func (r *Repository) forgetKeptTombstones(ctx context.Context, now time.Time) {
	_, _ = r.coll.DeleteMany(ctx, bson.D{
		{Key: "removed", Value: true},
		{Key: "keptUntil", Value: bson.D{{Key: "$lt", Value: now}}},
		{Key: "outboxPending", Value: bson.D{{Key: "$exists", Value: false}}},
	})
}

package mongodb

import (
	"context"
	"errors"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/microbase-io/customer-service/application"
)

// What a migration reads and writes: each customer's document whole, its
// outbox included, and the receipt a migration leaves in it ("received"),
// so that putting a customer with its events and its receipt is one
// single-document write, which needs no transaction.

var _ application.MigrationTarget = (*Repository)(nil)

type receiptDocument struct {
	Source  string `bson:"source"`
	Version int64  `bson:"version"`
}

// storedBatch is how many documents a walk fetches per round trip, for
// the reason of listBatch.
const storedBatch = listBatch

var walkStored = options.Find().
	SetSort(bson.D{{Key: "_id", Value: 1}}).
	SetProjection(bson.D{{Key: "keys", Value: 0}, {Key: "outboxLease", Value: 0}}).
	SetBatchSize(storedBatch)

func (r *Repository) EachStored(ctx context.Context, each func(application.StoredCustomer) error) error {
	return walk(ctx, r.coll, bson.D{}, walkStored, func(doc *wholeDocument) error {
		if doc.Customer.Removed && len(doc.Outbox) == 0 {
			return nil // a tombstone kept for a key: the customer is gone
		}
		return each(doc.stored())
	})
}

func (d *wholeDocument) stored() application.StoredCustomer {
	s := application.StoredCustomer{Customer: d.Customer.toDomain(), Removed: d.Customer.Removed}
	for _, e := range d.Outbox {
		s.Events = append(s.Events, e.toStored())
	}
	if d.Received != nil {
		s.Received = application.Receipt{Source: d.Received.Source, Version: d.Received.Version}
	}
	return s
}

// CountStored is the collection's estimated count, from its metadata.
func (r *Repository) CountStored(ctx context.Context) (int64, error) {
	n, err := r.coll.EstimatedDocumentCount(ctx)
	return n, translate(err, "")
}

func toStoredDocument(source string, s application.StoredCustomer) wholeDocument {
	doc := wholeDocument{Customer: toDocument(s.Customer), Received: &receiptDocument{Source: source, Version: s.Customer.Version()}}
	if s.Removed {
		doc.Customer.Removed, doc.Customer.RemovedEmail, doc.Customer.Email = true, doc.Customer.Email, tombstoneEmail(doc.Customer.ID)
	}
	for _, ev := range s.Events {
		doc.Outbox = append(doc.Outbox, outboxEntry{ID: ev.ID, Type: string(ev.Type), At: ev.At, Args: string(ev.Args)})
	}
	doc.OutboxPending = len(doc.Outbox) > 0
	return doc
}

// PutStored inserts the customers the target lacks in one round trip,
// each document on its own, and replaces the others one by one under
// the version expected.
func (r *Repository) PutStored(ctx context.Context, source string, puts []application.MigrationPut) ([]error, error) {
	errs := make([]error, len(puts))
	var (
		inserts []any
		at      []int // the index in puts of each insert
	)
	for i, p := range puts {
		doc := toStoredDocument(source, p.Stored)
		if p.Expected == nil {
			inserts, at = append(inserts, doc), append(at, i)
			continue
		}
		res, err := r.coll.ReplaceOne(ctx, bson.D{{Key: "_id", Value: doc.Customer.ID}, versionIs(*p.Expected)}, doc)
		switch {
		case isDuplicateKey(err):
			errs[i] = translate(err, p.Stored.Customer.Email())
		case err != nil:
			return nil, r.writeError(err, "")
		case res.MatchedCount == 0:
			errs[i] = application.ErrTargetChanged
		}
	}
	if len(inserts) == 0 {
		return errs, nil
	}
	_, err := r.coll.InsertMany(ctx, inserts, options.InsertMany().SetOrdered(false))
	var bulk mongo.BulkWriteException
	if err != nil && (!errors.As(err, &bulk) || bulk.WriteConcernError != nil) {
		return nil, r.writeError(err, "")
	}
	for _, we := range bulk.WriteErrors {
		if !isDuplicateKey(we) {
			return nil, r.writeError(err, "")
		}
		// A unique index refused it: its id is taken (the target got the
		// customer meanwhile), or its email.
		c := puts[at[we.Index]].Stored.Customer
		taken, err := r.exists(ctx, bson.D{{Key: "_id", Value: c.ID()}})
		if err != nil {
			return nil, err
		}
		errs[at[we.Index]] = translate(we, c.Email())
		if taken {
			errs[at[we.Index]] = application.ErrTargetChanged
		}
	}
	return errs, nil
}

func (r *Repository) RemoveStored(ctx context.Context, source, id string, version int64) error {
	res, err := r.coll.DeleteOne(ctx, bson.D{{Key: "_id", Value: id}, versionIs(version),
		{Key: "received.source", Value: source}, {Key: "received.version", Value: version}})
	if err != nil {
		return r.writeError(err, "")
	}
	if res.DeletedCount == 0 {
		return application.ErrTargetChanged
	}
	return nil
}

package mongodb

import (
	"context"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

// emailIndex is the unique index's name; MicroBase clients read it in the
// data of a duplicate_key error.
const emailIndex = "email_1"

// indexes are the indexes the service relies on. The email index is what
// makes emails unique (stored lower case, so uniqueness ignores letter
// case without a collation); the others keep list filters and its sort
// from scanning the collection.
var indexes = []index{
	{name: emailIndex, keys: bson.D{{Key: "email", Value: 1}}, unique: true},
	{name: "status_1", keys: bson.D{{Key: "status", Value: 1}}},
	{name: "tags_1", keys: bson.D{{Key: "tags", Value: 1}}},
	{name: "createdAt_1__id_1", keys: bson.D{{Key: "createdAt", Value: 1}, {Key: "_id", Value: 1}}},
	// Relays look for customers with events to publish; sparse, since the
	// field exists only while some wait.
	{name: "outboxPending_1", keys: bson.D{{Key: "outboxPending", Value: 1}}, sparse: true},
	// Tombstones kept for the keys of their removal are deleted once their
	// window is over; sparse, since only they have the field.
	{name: "keptUntil_1", keys: bson.D{{Key: "keptUntil", Value: 1}}, sparse: true},
	// A reset finds its customer by the token's hash; only customers
	// with a token have one (sparse), and no two share it (unique).
	{name: "passwordToken.hash_1", keys: bson.D{{Key: "passwordToken.hash", Value: 1}}, unique: true, sparse: true},
	// A keyed password call looks its key up before it knows the
	// customer (a reset knows only the token); only customers with keyed
	// writes have keys.
	{name: "keys.scope_1", keys: bson.D{{Key: "keys.scope", Value: 1}}, sparse: true},
}

// chargeIndexes serve a keyed write's read of its subject's counts, and
// the deletion of the counts that left the window.
var chargeIndexes = []index{
	{name: "subject_1_until_1", keys: bson.D{{Key: "subject", Value: 1}, {Key: "until", Value: 1}}},
	{name: "until_1", keys: bson.D{{Key: "until", Value: 1}}},
}

type index struct {
	name           string
	keys           bson.D
	unique, sparse bool
}

// EnsureIndexes creates the indexes that do not exist yet; every instance
// runs it at start. It asks first rather than relying on createIndexes
// being a no-op for existing indexes, as MongoDB's is: FerretDB v1.24
// drops the connection when asked to create several indexes some of which
// exist.
func (r *Repository) EnsureIndexes(ctx context.Context) error {
	if err := ensureIndexes(ctx, r.coll, indexes); err != nil {
		return err
	}
	return ensureIndexes(ctx, r.charges.coll, chargeIndexes)
}

func ensureIndexes(ctx context.Context, coll *mongo.Collection, indexes []index) error {
	specs, err := coll.Indexes().ListSpecifications(ctx)
	if err != nil {
		return translate(err, "")
	}
	existing := make(map[string]bool, len(specs))
	for _, s := range specs {
		existing[s.Name] = true
	}
	var missing []mongo.IndexModel
	for _, ix := range indexes {
		if !existing[ix.name] {
			opts := options.Index().SetName(ix.name)
			if ix.unique {
				opts.SetUnique(true)
			}
			if ix.sparse {
				opts.SetSparse(true)
			}
			missing = append(missing, mongo.IndexModel{Keys: ix.keys, Options: opts})
		}
	}
	if len(missing) == 0 {
		return nil
	}
	_, err = coll.Indexes().CreateMany(ctx, missing)
	return translate(err, "")
}

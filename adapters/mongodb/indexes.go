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

// EnsureIndexes creates the indexes the service relies on. Creating an
// index that already exists with the same keys and options is a no-op, so
// every instance runs this at start. The email index is what makes emails
// unique (stored lower case, so uniqueness ignores letter case, without a
// collation, which FerretDB lacks); the others keep list filters and its
// sort from scanning the collection.
func (r *Repository) EnsureIndexes(ctx context.Context) error {
	_, err := r.coll.Indexes().CreateMany(ctx, []mongo.IndexModel{
		{Keys: bson.D{{Key: "email", Value: 1}}, Options: options.Index().SetName(emailIndex).SetUnique(true)},
		{Keys: bson.D{{Key: "status", Value: 1}}, Options: options.Index().SetName("status_1")},
		{Keys: bson.D{{Key: "tags", Value: 1}}, Options: options.Index().SetName("tags_1")},
		{Keys: bson.D{{Key: "createdAt", Value: 1}, {Key: "_id", Value: 1}}, Options: options.Index().SetName("createdAt_1__id_1")},
	})
	return translate(err, "")
}

package storetest

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/microbase-io/customer-service/adapters/mongodb"
)

// MongoDB reads the customers collection of db.
func MongoDB(db *mongo.Database) Inspector { return mongoDatabase{db: db} }

type mongoDatabase struct{ db *mongo.Database }

// customerDocument holds the fields of a stored customer the checks read;
// a tombstone keeps its email aside and a placeholder in email.
type customerDocument struct {
	ID           string   `bson:"_id"`
	Email        string   `bson:"email"`
	Password     string   `bson:"password"`
	FirstName    string   `bson:"firstName"`
	LastName     string   `bson:"lastName"`
	Status       string   `bson:"status"`
	Tags         []string `bson:"tags"`
	Version      int64    `bson:"version"`
	Removed      bool     `bson:"removed"`
	RemovedEmail string   `bson:"removedEmail"`
}

func (d customerDocument) customer() Customer {
	email := d.Email
	if d.Removed {
		email = d.RemovedEmail
	}
	return Customer{ID: d.ID, Email: email, PasswordHash: d.Password, FirstName: d.FirstName, LastName: d.LastName,
		Status: d.Status, Tags: d.Tags, Version: d.Version, Removed: d.Removed}
}

func (m mongoDatabase) Customer(ctx context.Context, id string) (Customer, error) {
	var doc customerDocument
	err := m.db.Collection(mongodb.CollectionName).FindOne(ctx, bson.D{{Key: "_id", Value: id}}).Decode(&doc)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return Customer{}, fmt.Errorf("customer %s is not in the database", id)
	}
	if err != nil {
		return Customer{}, fmt.Errorf("reading customer %s from the database: %w", id, err)
	}
	return doc.customer(), nil
}

func (m mongoDatabase) Customers(ctx context.Context) ([]Customer, error) {
	cur, err := m.db.Collection(mongodb.CollectionName).Find(ctx, bson.D{})
	if err != nil {
		return nil, err
	}
	var docs []customerDocument
	if err := cur.All(ctx, &docs); err != nil {
		return nil, err
	}
	out := make([]Customer, len(docs))
	for i, d := range docs {
		out[i] = d.customer()
	}
	return out, nil
}

// Dump renders every document of every collection, in _id order, as
// canonical Extended JSON.
func (m mongoDatabase) Dump(ctx context.Context) (string, error) {
	names, err := m.db.ListCollectionNames(ctx, bson.D{})
	if err != nil {
		return "", err
	}
	slices.Sort(names)
	var b strings.Builder
	for _, name := range names {
		cur, err := m.db.Collection(name).Find(ctx, bson.D{}, options.Find().SetSort(bson.D{{Key: "_id", Value: 1}}))
		if err != nil {
			return "", err
		}
		var docs []bson.Raw
		if err := cur.All(ctx, &docs); err != nil {
			return "", err
		}
		for _, d := range docs {
			ext, err := bson.MarshalExtJSON(d, true, false)
			if err != nil {
				return "", err
			}
			fmt.Fprintf(&b, "%s %s\n", name, ext)
		}
	}
	return b.String(), nil
}

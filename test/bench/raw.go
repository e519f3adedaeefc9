package main

import (
	"context"
	"errors"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/microbase-io/customer-service/adapters/mongodb"
)

// rawTarget is the limit: the database work of one customer.update, as a
// Go program with the official driver and no service would do it, written
// here by hand rather than through the service's adapter so that nothing
// of the service is in it. It is the one round trip the adapter makes
// (mongodb.Repository.Patch) in a service without a broker, as the
// benchmark starts it: a findOneAndUpdate that matches the customer only
// if it is not removed and a named field differs, sets those fields and
// updatedAt, bumps version and returns the document after, decoded into a
// struct. TestRawUpdate_StoresWhatTheServiceStores keeps the two alike.
type rawTarget struct {
	coll *mongo.Collection
	opts *options.FindOneAndUpdateOptionsBuilder
}

func newRawTarget(db *mongo.Database) *rawTarget {
	return &rawTarget{
		coll: db.Collection(mongodb.CollectionName),
		opts: options.FindOneAndUpdate().SetReturnDocument(options.After),
	}
}

func (*rawTarget) name() string { return "raw driver" }

// storedCustomer is the stored layout, as a program reading it would
// declare it; like the service, it does not decode the outbox.
type storedCustomer struct {
	ID        string   `bson:"_id"`
	Email     string   `bson:"email"`
	Password  string   `bson:"password"`
	FirstName string   `bson:"firstName"`
	LastName  string   `bson:"lastName"`
	Status    string   `bson:"status"`
	Tags      []string `bson:"tags"`
	Addresses []struct {
		ID        string `bson:"id"`
		Name      string `bson:"name"`
		FirstName string `bson:"firstName"`
		LastName  string `bson:"lastName"`
		Address1  string `bson:"address_1"`
		Address2  string `bson:"address_2"`
		PostCode  string `bson:"postCode"`
		City      string `bson:"city"`
		State     string `bson:"state"`
		Country   string `bson:"country"`
		Company   string `bson:"company"`
		Phone     *int64 `bson:"phone"`
	} `bson:"addresses"`
	Version   int64     `bson:"version"`
	CreatedAt time.Time `bson:"createdAt"`
	UpdatedAt time.Time `bson:"updatedAt"`
}

var errNoMatch = errors.New("no document matched")

func (r *rawTarget) update(ctx context.Context, _ int, id string, ch change) error {
	set := bson.D{}
	same := bson.D{}
	field := func(name string, value any) {
		set = append(set, bson.E{Key: name, Value: value})
		same = append(same, bson.E{Key: name, Value: value})
	}
	if ch.FirstName != "" {
		field("firstName", ch.FirstName)
	}
	if ch.LastName != "" {
		field("lastName", ch.LastName)
	}
	if ch.Status != "" {
		field("status", ch.Status)
	}
	if ch.Tags != nil {
		field("tags", ch.Tags)
	}
	now := time.Now().UTC().Truncate(time.Millisecond)
	set = append(set, bson.E{Key: "updatedAt", Value: now})
	filter := bson.D{
		{Key: "_id", Value: id},
		{Key: "removed", Value: bson.D{{Key: "$ne", Value: true}}},
		{Key: "$nor", Value: bson.A{same}},
	}
	update := bson.D{
		{Key: "$set", Value: set},
		{Key: "$inc", Value: bson.D{{Key: "version", Value: int64(1)}}},
	}
	var doc storedCustomer
	err := r.coll.FindOneAndUpdate(ctx, filter, update, r.opts).Decode(&doc)
	if errors.Is(err, mongo.ErrNoDocuments) {
		// Every change is new, so this means a lost customer: an error.
		return errNoMatch
	}
	return err
}
